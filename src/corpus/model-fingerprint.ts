/**
 * What identifies the model a table was embedded with: a SHA-256 over the
 * files that decide a vector (config, weights, tokenizer, sentence-transformers
 * modules), by name and content. Two folders with the same files have the same
 * fingerprint wherever they live (a laptop path, a container path, a Hub
 * cache snapshot), so shards on different machines agree, and a different
 * model is caught however it is named.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DECIDES_VECTORS = /^(config\.json|[^/]*\.safetensors|[^/]*\.safetensors\.index\.json|vocab\.txt|tokenizer\.json|tokenizer_config\.json|special_tokens_map\.json|modules\.json|sentence_bert_config\.json|config_sentence_transformers\.json)$/;
/** files of this project's model folders that hold test data, not the model */
const NOT_THE_MODEL = new Set(['golden.safetensors']);

function modelFiles(dir: string, prefix = '', depth = 0): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = statSync(join(dir, rel));
    if (st.isDirectory() && depth === 0) out.push(...modelFiles(dir, rel, 1));
    else if (st.isFile() && DECIDES_VECTORS.test(name) && !NOT_THE_MODEL.has(name)) out.push(rel);
  }
  return out;
}

/** 'sha256:…' (first 16 bytes, hex) of the folder's model files. */
export async function modelFingerprint(dir: string): Promise<string> {
  const h = createHash('sha256');
  if (!existsSync(dir)) return 'sha256:missing';
  for (const rel of modelFiles(dir)) {
    h.update(`${rel}\0${statSync(join(dir, rel)).size}\0`);
    for await (const chunk of createReadStream(join(dir, rel))) h.update(chunk as Buffer);
  }
  return `sha256:${h.digest('hex').slice(0, 32)}`;
}
