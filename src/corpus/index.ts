// The corpus room: read, shard, embed into LanceDB, search.
export { embedCorpus, DEFAULT_CORPUS_BATCH_SIZE, type EmbedCorpusOptions, type EmbedCorpusResult, type CorpusProgress } from './embed-corpus.ts';
export { searchCorpus, openCorpusSearcher, indexCorpus, INDEX_MIN_ROWS, type SearchHit, type SearchCorpusOptions, type CorpusSearcher, type IndexCorpusOptions } from './search-corpus.ts';
export { readCorpus, type CorpusRecord, type CorpusFormat, type ReadCorpusOptions } from './read-corpus.ts';
export { resolveShard, parseShard, shardOf, idHash, type Shard } from './shard.ts';
export { modelFingerprint } from './model-fingerprint.ts';
export { DEFAULT_TABLE, type CorpusModelInfo } from './store.ts';
