/**
 * The pipelines bound to one model and tokenizer:
 *   const nlp = loadPipeline('weights/en');   // or new BertPipeline({ model, tokenizer })
 *   nlp.fillMask('Paris is the [MASK] of France.')
 */
import type { PipelineContext } from './pipeline.ts';
import type { MaybeTruncated } from './pipeline.ts';
import { fillMask, type FillMaskCandidate, type FillMaskOptions, type FillMaskResult, type MaskText, type MultiMaskText } from './fill-mask.ts';
import { embed, type EmbedOptions, type Embedding } from './embed.ts';
import { classify, type ClassifyOptions, type ClassifyResult } from './classify.ts';
import { ner, type NerOptions, type NerResult } from './ner.ts';
import { answer, type Answer, type AnswerOptions, type QaInput } from './question-answering.ts';
import { nextSentence, type NextSentenceOptions } from './next-sentence.ts';

export class BertPipeline implements PipelineContext {
  readonly model: PipelineContext['model'];
  readonly tokenizer: PipelineContext['tokenizer'];
  readonly embedDefaults: PipelineContext['embedDefaults'];

  constructor(context: PipelineContext) {
    this.model = context.model;
    this.tokenizer = context.tokenizer;
    this.embedDefaults = context.embedDefaults;
  }

  /** One mask: its candidates (`r[0].score`); several: a list per mask, as transformers returns them. */
  fillMask(text: MultiMaskText, options?: FillMaskOptions): MaybeTruncated<FillMaskCandidate[][]>;
  fillMask(text: MaskText, options?: FillMaskOptions): MaybeTruncated<FillMaskCandidate[]>;
  fillMask(text: string, options?: FillMaskOptions): FillMaskResult;
  fillMask(texts: string[], options?: FillMaskOptions): FillMaskResult[];
  fillMask(input: string | string[], options?: FillMaskOptions): FillMaskResult | FillMaskResult[] {
    return fillMask(this, input as string[], options);
  }

  embed(text: string, options?: EmbedOptions): Embedding;
  embed(texts: string[], options?: EmbedOptions): Embedding[];
  embed(input: string | string[], options?: EmbedOptions): Embedding | Embedding[] {
    return embed(this, input as string[], options);
  }

  classify(text: string, options?: ClassifyOptions): ClassifyResult;
  classify(texts: string[], options?: ClassifyOptions): ClassifyResult[];
  classify(input: string | string[], options?: ClassifyOptions): ClassifyResult | ClassifyResult[] {
    return classify(this, input as string[], options);
  }

  ner(text: string, options?: NerOptions): NerResult;
  ner(texts: string[], options?: NerOptions): NerResult[];
  ner(input: string | string[], options?: NerOptions): NerResult | NerResult[] {
    return ner(this, input as string[], options);
  }

  answer(input: QaInput, options?: AnswerOptions): Answer | Answer[];
  answer(inputs: QaInput[], options?: AnswerOptions): (Answer | Answer[])[];
  answer(input: QaInput | QaInput[], options?: AnswerOptions): Answer | Answer[] | (Answer | Answer[])[] {
    return answer(this, input as QaInput[], options);
  }

  nextSentence(a: string, b: string, options?: NextSentenceOptions): number;
  nextSentence(pairs: [string, string][], options?: NextSentenceOptions): number[];
  nextSentence(a: string | [string, string][], b?: string | NextSentenceOptions, options?: NextSentenceOptions): number | number[] {
    return typeof a === 'string' ? nextSentence(this, a, b as string, options) : nextSentence(this, a, b as NextSentenceOptions | undefined);
  }
}
