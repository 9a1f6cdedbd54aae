// The tokenizer, browser-safe (no node: imports). Loading from a folder is in load.ts.
export { BertTokenizer, type BertTokenizerOptions, type BertTokenizerSpec, type EncodeOptions, type Encoding, type AddedToken, type TokenizerJsonOverrides } from './bert-tokenizer.ts';
export { BertNormalizer, type BertNormalizerOptions } from './normalizer.ts';
export { Vocab } from './vocab.ts';
export { cleanUpTokenization } from './decoder.ts';
