// BERT (BertModel, eager attention, inference) written with tfjs ops, from the
// same safetensors weights bert-ts loads: the tfjs peer of the benchmark.
// Linear weights are transposed once to [in, out], tfjs's fast layout.
// GELU is the exact erf form, the mask fill is float32's most negative value,
// as in Hugging Face's BertModel.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSafetensorsF32 } from './safetensors.mjs';

const MASK_FILL = -3.4028234663852886e38;

/** Build the model on tf's current backend. Returns { forward(ids, mask, types, B, S) → Promise<Float32Array> , dispose }. */
export function buildTfjsBert(tf, dir, cached) {
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const weights = cached ?? readSafetensorsF32(join(dir, 'model.safetensors'));
  const wordKey = [...weights.keys()].find((k) => k.endsWith('embeddings.word_embeddings.weight'));
  const prefix = wordKey.slice(0, -'embeddings.word_embeddings.weight'.length);
  const all = [];
  const get = (name) => {
    let t = weights.get(prefix + name);
    if (!t && name.endsWith('LayerNorm.weight')) t = weights.get(prefix + name.replace(/weight$/, 'gamma'));
    if (!t && name.endsWith('LayerNorm.bias')) t = weights.get(prefix + name.replace(/bias$/, 'beta'));
    if (!t) throw new Error(`tfjs-bert: ${prefix + name} missing`);
    const x = tf.tensor(t.data, t.shape);
    all.push(x);
    return x;
  };
  const linear = (name) => {
    const w = get(`${name}.weight`);
    const wt = tf.transpose(w); // [in, out]
    all.push(wt);
    return { w: wt, b: get(`${name}.bias`) };
  };
  const ln = (name) => ({ g: get(`${name}.weight`), b: get(`${name}.bias`) });
  const H = cfg.hidden_size, A = cfg.num_attention_heads, D = H / A, eps = cfg.layer_norm_eps ?? 1e-12;
  const emb = {
    word: get('embeddings.word_embeddings.weight'),
    pos: get('embeddings.position_embeddings.weight'),
    type: get('embeddings.token_type_embeddings.weight'),
    ln: ln('embeddings.LayerNorm'),
  };
  const layers = [];
  for (let l = 0; l < cfg.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    layers.push({
      q: linear(`${p}attention.self.query`), k: linear(`${p}attention.self.key`), v: linear(`${p}attention.self.value`),
      o: linear(`${p}attention.output.dense`), ln1: ln(`${p}attention.output.LayerNorm`),
      i: linear(`${p}intermediate.dense`), out: linear(`${p}output.dense`), ln2: ln(`${p}output.LayerNorm`),
    });
  }
  const layerNorm = (x, { g, b }) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(eps))).mul(g).add(b);
  };
  const dense = (x, { w, b }) => tf.matMul(x, w).add(b);
  const gelu = (x) => x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1));
  const scale = 1 / Math.sqrt(D);

  async function forward(ids, mask, types, B, S) {
    const M = B * S;
    const y = tf.tidy(() => {
      const idsT = tf.tensor1d(ids, 'int32'), typesT = tf.tensor1d(types, 'int32');
      const posT = tf.tile(tf.range(0, S, 1, 'int32'), [B]);
      let x = tf.gather(emb.word, idsT).add(tf.gather(emb.pos, posT)).add(tf.gather(emb.type, typesT)); // [M, H]
      x = layerNorm(x, emb.ln);
      const maskAdd = tf.sub(1, tf.tensor(mask, [B, 1, 1, S], 'float32')).mul(MASK_FILL); // [B, 1, 1, S]
      const heads = (t) => t.reshape([B, S, A, D]).transpose([0, 2, 1, 3]); // [B, A, S, D]
      for (const L of layers) {
        const q = heads(dense(x, L.q)), k = heads(dense(x, L.k)), v = heads(dense(x, L.v));
        const scores = tf.matMul(q, k, false, true).mul(scale).add(maskAdd); // [B, A, S, S]
        const ctx = tf.matMul(tf.softmax(scores), v).transpose([0, 2, 1, 3]).reshape([M, H]);
        const a = layerNorm(dense(ctx, L.o).add(x), L.ln1);
        x = layerNorm(dense(gelu(dense(a, L.i)), L.out).add(a), L.ln2);
      }
      return x;
    });
    const data = await y.data();
    y.dispose();
    return data;
  }
  return { forward, dispose: () => all.forEach((t) => t.dispose()), weights };
}
