/**
 * The pipelines bound to one model and tokenizer:
 *   const nlp = loadPipeline('weights/en');   // or new BertPipeline({ model, tokenizer })
 *   nlp.fillMask('Paris is the [MASK] of France.')
 */
import type { PipelineContext } from './pipeline.ts';
import { fillMask, type FillMaskOptions, type FillMaskResult } from './fill-mask.ts';
import { embed, type EmbedOptions } from './embed.ts';
import { classify, type ClassifyOptions, type LabelScore } from './classify.ts';
import { ner, type GroupedEntity, type NerOptions, type TokenEntity } from './ner.ts';
import { answer, type Answer, type AnswerOptions, type QaInput } from './question-answering.ts';
import { nextSentence } from './next-sentence.ts';

export class BertPipeline implements PipelineContext {
  readonly model: PipelineContext['model'];
  readonly tokenizer: PipelineContext['tokenizer'];
  readonly embedDefaults: PipelineContext['embedDefaults'];

  constructor(context: PipelineContext) {
    this.model = context.model;
    this.tokenizer = context.tokenizer;
    this.embedDefaults = context.embedDefaults;
  }

  fillMask(text: string, options?: FillMaskOptions): FillMaskResult;
  fillMask(texts: string[], options?: FillMaskOptions): FillMaskResult[];
  fillMask(input: string | string[], options?: FillMaskOptions): FillMaskResult | FillMaskResult[] {
    return fillMask(this, input as string[], options);
  }

  embed(text: string, options?: EmbedOptions): number[];
  embed(texts: string[], options?: EmbedOptions): number[][];
  embed(input: string | string[], options?: EmbedOptions): number[] | number[][] {
    return embed(this, input as string[], options);
  }

  classify(text: string, options?: ClassifyOptions): LabelScore[];
  classify(texts: string[], options?: ClassifyOptions): LabelScore[][];
  classify(input: string | string[], options?: ClassifyOptions): LabelScore[] | LabelScore[][] {
    return classify(this, input as string[], options);
  }

  ner(text: string, options?: NerOptions): (TokenEntity | GroupedEntity)[];
  ner(texts: string[], options?: NerOptions): (TokenEntity | GroupedEntity)[][];
  ner(input: string | string[], options?: NerOptions): (TokenEntity | GroupedEntity)[] | (TokenEntity | GroupedEntity)[][] {
    return ner(this, input as string[], options);
  }

  answer(input: QaInput, options?: AnswerOptions): Answer | Answer[];
  answer(inputs: QaInput[], options?: AnswerOptions): (Answer | Answer[])[];
  answer(input: QaInput | QaInput[], options?: AnswerOptions): Answer | Answer[] | (Answer | Answer[])[] {
    return answer(this, input as QaInput[], options);
  }

  nextSentence(a: string, b: string): number;
  nextSentence(pairs: [string, string][]): number[];
  nextSentence(a: string | [string, string][], b?: string): number | number[] {
    return typeof a === 'string' ? nextSentence(this, a, b as string) : nextSentence(this, a);
  }
}
