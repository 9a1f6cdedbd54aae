// bert-ts ambiguity: one word in two senses, static vector vs contextual vectors.
import { BertTsError } from '../../errors.ts';
import { loadForCli } from '../load.ts';
import { ambiguityDemo, BANK_DEMO, type AmbiguityResult, type ContextSentence } from '../../word-vectors/ambiguity.ts';
import { int, str } from '../command.ts';
import { applyCompute, COMPUTE, computeOptions, MODEL, modelDir, releaseCompute } from '../common.ts';
import { resultCommand, strs } from '../result-command.ts';
import { table } from './word-vectors.ts';

export const ambiguityCommand = resultCommand<AmbiguityResult>({
  name: 'ambiguity',
  summary: "one word in two senses: its static vector vs BERT's contextual vectors",
  args: '',
  argsHelp: `A static embedding gives a word one vector, whatever the sentence. BERT gives
each use of the word its own vector, computed from the whole sentence. This
prints the word's static vector's nearest tokens (the model's input embedding
table), then, for each sentence, which context sentences use the word most
similarly (cosine of BERT's vectors for the word), and the cosine between the
sentences' vectors. The comparison subtracts the mean of all the word's vectors
first (what every use shares: the word's own embedding and its position), so
what is compared is what each context added; --raw compares the raw vectors.
Without --word it runs the 'bank' demo: a river bank and a money bank, against
three river and three money context sentences.`,
  options: {
    ...MODEL,
    word: { type: 'string', value: 'W', help: 'the ambiguous word' },
    sentence: { type: 'string', value: 'S', multiple: true, help: 'a sentence using W (give two or more)' },
    context: { type: 'string', value: 'C', multiple: true, help: 'a sentence using W to compare with (repeatable)' },
    layer: { type: 'string', value: 'L', help: 'hidden state to read: 0 = embeddings … L = last (default)' },
    k: { type: 'string', short: 'k', value: 'N', help: 'static neighbours to list (default 8)' },
    raw: { type: 'boolean', help: "compare the raw vectors (default: minus their mean, what all uses share)" },
    ...COMPUTE,
  },
  examples: [
    'bert-ts ambiguity -m weights/en',
    'bert-ts ambiguity -m weights/en --word bat --sentence "he swung the bat" --sentence "a bat flew out of the cave" --context "the bat hit the ball" --context "the bat hung in the dark cave"',
  ],
  async compute(p) {
    const dir = modelDir('ambiguity', p);
    const k = int('ambiguity', p, 'k', 1, 8);
    const layer = int('ambiguity', p, 'layer', 0);
    const sentences = strs(p, 'sentence');
    const contexts = strs(p, 'context').map((text): ContextSentence => ({ text }));
    const word = str(p, 'word');
    let demo = BANK_DEMO;
    if (word !== undefined) {
      if (sentences.length < 2) throw new BertTsError('ambiguity: --word needs two or more --sentence using it', "e.g. --word bank --sentence 'the river bank' --sentence 'the bank lent money'");
      demo = { word, sentences, contexts };
    } else if (sentences.length > 0 || contexts.length > 0) {
      throw new BertTsError('ambiguity: --sentence and --context need --word', "run 'bert-ts ambiguity --help'");
    }
    const compute = computeOptions('ambiguity', p);
    await applyCompute(compute);
    try {
      const { model, tokenizer } = await loadForCli(dir, { dtype: compute.dtype });
      return ambiguityDemo(model, tokenizer, { ...demo, k, layer, centered: p.values.raw !== true });
    } finally {
      await releaseCompute(compute);
    }
  },
  format: formatAmbiguity,
});

export function formatAmbiguity(r: AmbiguityResult): string {
  const out: string[] = [];
  const q = (s: string) => (s.length > 66 ? s.slice(0, 65) + '…' : s);
  out.push(`STATIC: '${r.word}' has one vector (tokens: ${r.static.tokens.join(' ')}), in every sentence.`);
  out.push(`Its nearest tokens in the input embedding table:`);
  out.push(table(r.static.neighbours));
  out.push('');
  out.push(`CONTEXTUAL: BERT's vector for '${r.word}' (hidden state ${r.layer}) in each sentence.`);
  if (r.centered) out.push(`Cosines of the vectors minus their mean over all these sentences (--raw: not).`);
  r.uses.forEach((u, i) => {
    out.push('');
    out.push(`[${i + 1}] "${q(u.sentence)}"`);
    out.push(`    nearest uses of '${r.word}' among the context sentences:`);
    for (const n of u.nearest) {
      const label = n.label ? `${n.label.padEnd(6)} ` : '';
      out.push(`    ${n.cosine.toFixed(3).padStart(6)}  ${label}${q(n.text).slice(0, 80 - 14 - label.length)}`);
    }
    if (u.senses.length > 1) out.push(`    closest sense: ${u.senses.map((x) => `${x.label} ${x.meanCosine.toFixed(3)}`).join(' > ')} (mean cosine)`.slice(0, 80));
  });
  out.push('');
  out.push(`cosine between the uses        static   contextual`);
  for (let i = 0; i < r.uses.length; i++) {
    for (let j = i + 1; j < r.uses.length; j++) {
      out.push(`  [${i + 1}] vs [${j + 1}]${' '.repeat(Math.max(1, 21 - String(i + 1).length - String(j + 1).length))}${r.static.cosines[i][j].toFixed(3).padStart(6)}   ${r.cosines[i][j].toFixed(3).padStart(10)}`);
    }
  }
  return out.join('\n');
}
