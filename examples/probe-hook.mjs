// The probe hook: look inside BERT from your own code, without editing the model.
//
//   node examples/probe-hook.mjs [MODEL_DIR] [TEXT]      (default: weights/en)
//
// forward(input, { probe }) calls probe(name, tensor) after each step
// (embeddings.sum, embeddings, encoder.layer.{l}.attention.self.probs,
// encoder.layer.{l}.output, pooler, …). The tensor is a view into buffers the
// model reuses: copy what you want to keep (tensor.data.slice()).
//
// This program records every layer's output and prints how much each token's
// vector changes from one layer to the next (1 − cosine), and which token each
// token attends to most in the last layer's first head.
import { loadPipeline } from 'bert-ts';
import { modelArg, runIfMain } from './run.mjs';

export async function main(argv) {
  const dir = modelArg(argv, 0, 'weights/en', 'a BERT model');
  const text = argv[1] ?? 'the river bank was covered in grass.';
  const { model, tokenizer } = await loadPipeline(dir);
  const enc = tokenizer.encode(text);
  const { numHiddenLayers: L, hiddenSize: H } = model.config;
  const S = enc.inputIds.length;

  /** name → a copy of the tensor's data */
  const recorded = new Map();
  function probe(name, t) {
    if (name === 'embeddings' || /^encoder\.layer\.\d+\.output$/.test(name) || name === `encoder.layer.${L - 1}.attention.self.probs`) {
      recorded.set(name, t.data.slice());
    }
}
model.forward({ inputIds: [enc.inputIds], attentionMask: [enc.attentionMask], tokenTypeIds: [enc.tokenTypeIds] }, { probe });

const cos = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) (ab += a[i] * b[i]), (aa += a[i] * a[i]), (bb += b[i] * b[i]);
  return ab / Math.sqrt(aa * bb);
};
const row = (x, s) => x.subarray(s * H, (s + 1) * H);
const states = ['embeddings', ...Array.from({ length: L }, (_, l) => `encoder.layer.${l}.output`)].map((n) => recorded.get(n));
const probs = recorded.get(`encoder.layer.${L - 1}.attention.self.probs`); // [1, A, S, S]: head 0 first

console.log(`${dir}: "${text}"\n`);
console.log(`how much each token's vector changes in each layer (1 − cosine), and where it looks`);
console.log(`${'token'.padEnd(12)}${Array.from({ length: L }, (_, l) => `layer ${l}`.padStart(9)).join('')}   → (last layer, head 0)`);
for (let s = 0; s < S; s++) {
  const change = Array.from({ length: L }, (_, l) => (1 - cos(row(states[l], s), row(states[l + 1], s))).toFixed(3).padStart(9));
  const p = probs.subarray(s * S, (s + 1) * S);
  const j = p.indexOf(Math.max(...p));
  console.log(`${enc.tokens[s].padEnd(12)}${change.join('')}   ${enc.tokens[j]} (${p[j].toFixed(2)})`);
}
}

runIfMain(import.meta.url, main);
