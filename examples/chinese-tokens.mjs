// The seed's snippet: tokenizer("今天天气真好") → model → last_hidden_state, with
// an English vocabulary (bert-base-uncased: no Chinese characters, so [UNK]s)
// next to a Chinese one (bert-base-chinese: one token per character).
//   node examples/chinese-tokens.mjs [ENGLISH_MODEL_DIR] [CHINESE_MODEL_DIR] [text]
import { loadPipeline, toModelInput } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const text = argv[2] ?? '今天天气真好';
  const folders = [
    ['English vocabulary', modelArg(argv, 0, 'weights/en', 'an English BERT')],
    ['Chinese vocabulary', modelArg(argv, 1, 'weights/zh', 'a Chinese BERT')],
  ];
  console.log(`text: ${text}`);
  for (const [what, dir] of folders) {
    const { model, tokenizer } = await loadPipeline(dir);
    const enc = tokenizer.encode(text);
    const out = model.forward(toModelInput([enc]));
    const unk = enc.inputIds.filter((id) => id === tokenizer.unkTokenId).length;
    console.log(`\n${what} (${dir}):`);
    console.log(`  tokens: ${enc.tokens.join(' ')}${unk > 0 ? `   (${unk} unknown: the vocabulary has no such characters)` : ''}`);
    console.log(`  last_hidden_state: ${out.lastHiddenState}`);
  }
}

runIfMain(import.meta.url, main);
