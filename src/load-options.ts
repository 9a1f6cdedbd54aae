/**
 * The options of every loader, Node and browser alike (loadModel, loadTokenizer,
 * loadPipeline, modelFiles, resolveModelFolder), and the progress events they
 * send: where the Hub is and how to ask it, and what the loaded model should be.
 * Defined here once; it imports nothing, so the Hub client (src/hub/), the
 * folder loader (src/bert/load.ts) and the loaders (src/load/) all stand on it.
 */
export interface HubOptions {
  /** branch, tag or commit (default "main") */
  revision?: string;
  /** the Hub's address (default: HF_ENDPOINT in Node, then https://huggingface.co) */
  endpoint?: string;
  /**
   * a Hugging Face access token (Node default: HF_TOKEN, then the token file `hf auth login` writes).
   * It is sent to the endpoint's origin only, never to a server a redirect names.
   */
  token?: string;
  /** Node: the cache folder (default: HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub) */
  cacheDir?: string;
  /** Node: never make a request, use the cache only (HF_HUB_OFFLINE=1 forces this) */
  localFilesOnly?: boolean;
  /** the fetch to use for URLs and, in a browser, the Hub (default globalThis.fetch) */
  fetch?: typeof fetch;
  /** typed events as files are found, downloaded and read */
  onProgress?: ProgressCallback;
  /** a warning that does not stop the load (default: console.warn) */
  onWarning?: (message: string) => void;
}

/** The weight types a model can be loaded as: float32 (exact, the default) or int8 matrices (opt-in; src/bert/quantize-weights.ts). */
export type DType = 'f32' | 'q8';

export interface ModelOptions {
  /** the head to load instead of config.architectures' ('BertModel': the encoder alone; see ARCHITECTURES) */
  architecture?: string;
  /** called once with the checkpoint tensors the model does not use (as transformers warns) */
  onUnusedTensors?: (names: string[]) => void;
  /** 'f32' (default, exact) or 'q8': the encoder's matrices quantized to int8 at load (faster, approximate; docs/performance.md) */
  dtype?: DType;
}

export type LoadModelOptions = HubOptions & ModelOptions;

/** Each option type's keys, for the strict check (src/options.ts): a misspelt key is an error, not a default. */
export const HUB_OPTION_KEYS = ['revision', 'endpoint', 'token', 'cacheDir', 'localFilesOnly', 'fetch', 'onProgress', 'onWarning'] as const;
export const MODEL_OPTION_KEYS = ['architecture', 'onUnusedTensors', 'dtype'] as const;
export const LOAD_MODEL_OPTION_KEYS = [...HUB_OPTION_KEYS, ...MODEL_OPTION_KEYS] as const;

/** The ModelOptions among `options` (a folder loader takes no Hub options). */
export function modelPart(options: ModelOptions): ModelOptions {
  const out: ModelOptions = {};
  for (const k of MODEL_OPTION_KEYS) if (Object.hasOwn(options, k)) (out as Record<string, unknown>)[k] = options[k];
  return out;
}

export function warn(options: HubOptions, message: string): void {
  if (options.onWarning) options.onWarning(message);
  else console.warn(`bert-ts: warning: ${message}`);
}

/**
 * Typed progress events for loading from the Hub (the onProgress option).
 * One file goes through: 'initiate' (about to fetch, total known or not) →
 * 'progress' (bytes so far) … → 'done'; a file already in the cache gives one
 * 'cached'. `loaded` counts bytes of the whole file, including bytes a resumed
 * download already had.
 */
export type ProgressEvent =
  | { status: 'initiate'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'progress'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'done'; repo: string; file: string; loaded: number; total: number | undefined }
  | { status: 'cached'; repo: string; file: string; path: string };

export type ProgressCallback = (event: ProgressEvent) => void;
