// HF's TemplateProcessing post-processor: where special tokens go around one text or
// a pair, and which token type id each part gets. BERT's is
//   single: [CLS] $A [SEP]          (type ids 0)
//   pair:   [CLS] $A [SEP] $B:1 [SEP]:1
import { BertTsError, quote } from '../errors.ts';
import type { Encoding, TokenSequence } from './encoding.ts';

export type TemplatePiece =
  | { kind: 'special'; name: string; typeId: number }
  | { kind: 'sequence'; sequence: 0 | 1; typeId: number };

export interface SpecialTokenIds {
  ids: number[];
  tokens: string[];
}

export class Template {
  constructor(
    readonly single: TemplatePiece[],
    readonly pair: TemplatePiece[],
    readonly specialTokens: Map<string, SpecialTokenIds>,
  ) {
    for (const p of [...single, ...pair]) {
      if (p.kind === 'special' && !specialTokens.has(p.name)) {
        throw new BertTsError(`post-processor template uses special token ${quote(p.name)}, which it does not define`);
      }
    }
  }

  /** BERT's template for the given [CLS] and [SEP]. */
  static bert(cls: [string, number], sep: [string, number]): Template {
    const specials = new Map<string, SpecialTokenIds>([
      [cls[0], { ids: [cls[1]], tokens: [cls[0]] }],
      [sep[0], { ids: [sep[1]], tokens: [sep[0]] }],
    ]);
    const C = { kind: 'special', name: cls[0], typeId: 0 } as const;
    const S = (typeId: number) => ({ kind: 'special', name: sep[0], typeId }) as const;
    return new Template(
      [C, { kind: 'sequence', sequence: 0, typeId: 0 }, S(0)],
      [C, { kind: 'sequence', sequence: 0, typeId: 0 }, S(0), { kind: 'sequence', sequence: 1, typeId: 1 }, S(1)],
      specials,
    );
  }

  /** Number of special tokens the template adds (what truncation must leave room for). */
  addedTokens(isPair: boolean): number {
    let n = 0;
    for (const p of isPair ? this.pair : this.single) if (p.kind === 'special') n += this.specialTokens.get(p.name)!.ids.length;
    return n;
  }

  apply(
    a: TokenSequence,
    b: TokenSequence | undefined,
    addSpecialTokens: boolean,
    idToToken: (id: number) => string,
  ): Encoding {
    const e: Encoding = {
      inputIds: [],
      tokenTypeIds: [],
      attentionMask: [],
      tokens: [],
      offsets: [],
      specialTokensMask: [],
      sequenceIds: [],
      wordIds: [],
      overflowing: [],
    };
    for (const p of b ? this.pair : this.single) {
      if (p.kind === 'special') {
        if (!addSpecialTokens) continue;
        const s = this.specialTokens.get(p.name)!;
        for (let k = 0; k < s.ids.length; k++) {
          e.inputIds.push(s.ids[k]);
          e.tokenTypeIds.push(p.typeId);
          e.attentionMask.push(1);
          e.tokens.push(s.tokens[k]);
          e.offsets.push([0, 0]);
          e.specialTokensMask.push(1);
          e.sequenceIds.push(null);
          e.wordIds.push(null);
        }
      } else {
        const s = p.sequence === 0 ? a : b!;
        for (let k = 0; k < s.ids.length; k++) {
          e.inputIds.push(s.ids[k]);
          e.tokenTypeIds.push(p.typeId);
          e.attentionMask.push(1);
          e.tokens.push(s.texts[k] ?? idToToken(s.ids[k]));
          e.offsets.push([s.starts[k], s.ends[k]]);
          e.specialTokensMask.push(0);
          e.sequenceIds.push(p.sequence);
          e.wordIds.push(s.words[k]);
        }
      }
    }
    return e;
  }
}
