/**
 * The most bytes bert-ts reads into memory as text or JSON from a server: 50 MiB.
 * A model's text files are far below it (bert-base-multilingual's tokenizer.json
 * is 2.9 MB, the largest vocab.txt files a few MB); a server that sends more, or
 * promises more, for config.json or tokenizer_config.json is refused before the
 * bytes fill memory or disk. Weights (*.safetensors) are exempt: they are checked
 * against the size the server announced instead.
 */
export const MAX_TEXT_FILE_BYTES = 50 * 1024 * 1024;

/** Files read as text or JSON (everything a model has except its weights). */
export function isTextFile(name: string): boolean {
  return !/\.(safetensors|bin|onnx|h5|msgpack|ckpt)$/i.test(name);
}
