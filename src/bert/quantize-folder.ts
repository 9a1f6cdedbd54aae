/**
 * `bert-ts quantize MODEL OUT` (Node): a model folder written again with its
 * matrices in int8 (the format: quantized-checkpoint.ts), which loads as q8
 * without quantizing, beside every other file of the folder (tokenizer,
 * sentence-transformers modules, card) copied as is.
 */
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BertTsError } from '../errors.ts';
import { listFolderFiles, pathKind } from '../read-file.ts';
import { openCheckpoint, writeSafetensors, SINGLE_FILE } from '../tensor/safetensors-fs.ts';
import { readBertConfig } from './load.ts';
import { QUANTIZATION_CONFIG } from './quantized-checkpoint.ts';
import { quantizeCheckpoint } from './write-quantized.ts';

export interface QuantizeResult {
  /** the folder written */
  out: string;
  /** matrices stored in int8 (the embeddings table counts as one) */
  quantized: number;
  tensors: number;
  /** the weight files' bytes before and after */
  bytesIn: number;
  bytesOut: number;
  /** the other files copied, relative to the folder */
  copied: string[];
}

/** Weight files of other formats, and the float checkpoint itself: not copied. */
const WEIGHTS = /(^|\/)(model\.safetensors\.index\.json|[^/]*\.(safetensors|bin|onnx|onnx_data|h5|msgpack|ot|pt|pth|ckpt|gguf))$/;

export function quantizeModelFolder(dir: string, out: string): QuantizeResult {
  const config = readBertConfig(dir);
  const kind = pathKind(out);
  if (kind === 'folder' ? readdirSync(out).length > 0 : kind !== 'missing') {
    throw new BertTsError(`${out}: exists and is not an empty folder`, 'give a new folder for the quantized model');
  }
  const source = openCheckpoint(dir, { onDemand: true });
  const { tensors, quantized } = quantizeCheckpoint(config, source);
  const files = listFolderFiles(dir).map((f) => f.file).filter((f) => !WEIGHTS.test(f) && f !== 'config.json');
  mkdirSync(out, { recursive: true });
  writeSafetensors(join(out, SINGLE_FILE), tensors, { format: 'pt', quantization: QUANTIZATION_CONFIG.quant_method });
  writeFileSync(join(out, 'config.json'), JSON.stringify({ ...config.raw, quantization_config: QUANTIZATION_CONFIG }, null, 2) + '\n');
  for (const f of files) {
    mkdirSync(join(out, f, '..'), { recursive: true });
    copyFileSync(join(dir, f), join(out, f)); // follows symlinks (a Hub cache snapshot's files are links to blobs)
  }
  return {
    out,
    quantized,
    tensors: tensors.length,
    bytesIn: source.files.reduce((n, f) => n + statSync(f).size, 0),
    bytesOut: statSync(join(out, SINGLE_FILE)).size,
    copied: files,
  };
}
