// Fill-mask: the likeliest words for a [MASK].
//   node examples/fill-mask.mjs [MODEL_DIR] ["a text with [MASK]"]
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const nlp = await loadPipeline(modelArg(argv, 0, 'weights/en', 'a masked-LM model'));
  const text = argv[1] ?? `The cat sat on the ${nlp.tokenizer.maskToken}.`;
  console.log(text);
  for (const c of nlp.fillMask(text, { topK: 5 })) {
    console.log(`  ${c.score.toFixed(3)}  ${c.token_str.padEnd(12)} ${c.sequence}`);
  }
}

runIfMain(import.meta.url, main);
