/**
 * A model in a Web Worker, so that loading and forward never freeze the page:
 *
 *   const bert = await BertWorker.load('/models/demo/', { threads: 2, onProgress });
 *   const enc = await bert.encode('Paris is the capital of [MASK].');
 *   const out = await bert.forward({ inputIds: [enc.inputIds] }, { mlm: true });
 *   out.mlmLogits;   // a Tensor, as BertModel.forward returns it
 *   bert.terminate();
 *
 * The worker runs bert-ts's own worker code (worker-main.ts's host role), from
 * the same blob as the pool's workers. threads > 1 works where the page is
 * cross-origin isolated; elsewhere the worker warns and runs one thread.
 */
import { checkOptions } from '../options.ts';
import { BertTsError } from '../errors.ts';
import { Tensor } from '../tensor/tensor.ts';
import type { BertConfig } from '../bert/config.ts';
import type { BertInput, BertOutput, ForwardOptions } from '../bert/model.ts';
import type { Backend } from '../runtime/backend.ts';
import type { EncodeOptions, Encoding } from '../tokenizer/bert-tokenizer.ts';
import type { Tolerance } from '../golden/compare.ts';
import type { GoldenCheckReport } from './golden.ts';
import { isUrl } from '../load/model-files.ts';
import type { HubOptions, ProgressCallback, ProgressEvent } from '../load-options.ts';
import { ISOLATION_HINT, workerUrl } from './web-pool.ts';
import type { HostForward, HostInit, HostModelInfo, HostReply, HostRequest } from './model-host.ts';

export interface BertWorkerOptions extends Pick<HubOptions, 'endpoint' | 'revision' | 'token' | 'onProgress'> {
  /** threads for the forward pass (default 1); > 1 needs a cross-origin isolated page */
  threads?: number;
  /** kernels: 'wasm', 'js' or 'auto' (default) */
  backend?: Backend | 'auto';
  /** products below this many multiply-adds stay on one thread (threads.ts's PoolOptions) */
  minMacs?: number;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: ProgressCallback };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class BertWorker {
  readonly config: BertConfig;
  /** threads the worker's forward uses (1 when the page is not cross-origin isolated) */
  readonly threads: number;
  readonly backend: Backend;
  readonly unusedTensors: string[];
  /** milliseconds the last forward took inside the worker */
  lastForwardMs = 0;
  /** products the last forward split over the worker's thread pool (0 on one thread) */
  lastParallelCalls = 0;
  private readonly worker: Worker;
  private readonly pending: Map<number, Pending>;
  private nextId: number;

  private constructor(worker: Worker, pending: Map<number, Pending>, nextId: number, info: HostModelInfo) {
    this.worker = worker;
    this.pending = pending;
    this.nextId = nextId;
    this.config = info.config;
    this.threads = info.threads;
    this.backend = info.backend;
    this.unusedTensors = info.unusedTensors;
  }

  /** Start a worker and load the model there: a URL, a Hub id or picked files (see model-files.ts). */
  static async load(source: string | URL | ArrayLike<File>, options: BertWorkerOptions = {}): Promise<BertWorker> {
    checkOptions('BertWorker.load', options, ['endpoint', 'revision', 'threads', 'backend', 'onProgress', 'minMacs']);
    const url = workerUrl();
    if (!url) throw new BertTsError('BertWorker: the worker code is missing', "import bert-ts's browser bundle (dist/bert-ts.browser.js), not its TypeScript source");
    const worker = new Worker(url, { name: 'bert-ts model' });
    const pending = new Map<number, Pending>();
    worker.onmessage = (e: MessageEvent) => {
      const reply = e.data as HostReply;
      const p = pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) return p.progress?.(reply.progress as ProgressEvent);
      pending.delete(reply.id);
      if ('error' in reply) {
        const err = reply.error.name === 'BertTsError' ? new BertTsError(reply.error.message, reply.error.hint) : new Error(reply.error.message);
        p.reject(err);
      } else p.resolve(reply.value);
    };
    worker.onerror = (e: ErrorEvent) => {
      for (const p of pending.values()) p.reject(new Error(`bert-ts worker: ${e.message}`));
      pending.clear();
    };
    worker.postMessage({ type: 'host' } satisfies HostInit);
    const threads = options.threads ?? 1;
    if (threads > 1 && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
      console.warn(`bert-ts: BertWorker threads: ${threads} stays at 1 thread: this page is not cross-origin isolated; ${ISOLATION_HINT}`);
    }
    const src = typeof source === 'string' || source instanceof URL ? absolute(String(source)) : Array.from(source);
    const request: HostRequest = {
      id: 0, op: 'load', source: src, threads, backend: options.backend ?? 'auto', minMacs: options.minMacs,
      hub: { endpoint: options.endpoint, revision: options.revision, token: options.token },
    };
    try {
      const info = (await new Promise<unknown>((resolve, reject) => {
        pending.set(0, { resolve, reject, progress: options.onProgress });
        worker.postMessage(request);
      })) as HostModelInfo;
      return new BertWorker(worker, pending, 1, info);
    } catch (e) {
      worker.terminate();
      throw e;
    }
  }

  private call(req: WithoutId<HostRequest>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  encode(text: string, pair?: string, options?: EncodeOptions): Promise<Encoding> {
    return this.call({ op: 'encode', text, pair, options }) as Promise<Encoding>;
  }

  encodeBatch(inputs: (string | [string, string])[], options?: EncodeOptions): Promise<Encoding[]> {
    return this.call({ op: 'encodeBatch', inputs, options }) as Promise<Encoding[]>;
  }

  decode(ids: number[], options?: { skipSpecialTokens?: boolean; cleanUpTokenizationSpaces?: boolean }): Promise<string> {
    return this.call({ op: 'decode', ids, options }) as Promise<string>;
  }

  /** BertModel.forward, in the worker; the outputs come back as Tensors (copies). */
  async forward(input: BertInput, options: Omit<ForwardOptions, 'state'> = {}): Promise<BertOutput> {
    const plain: BertInput = {
      inputIds: rows(input.inputIds),
      attentionMask: input.attentionMask && rows(input.attentionMask),
      tokenTypeIds: input.tokenTypeIds && rows(input.tokenTypeIds),
    };
    const r = (await this.call({ op: 'forward', input: plain, options })) as HostForward;
    this.lastForwardMs = r.ms;
    this.lastParallelCalls = r.parallelCalls;
    const out: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(r.outputs)) out[name] = new Tensor(t.data, t.shape);
    return out as unknown as BertOutput;
  }

  /** The golden check of the model's folder (its inputs.json and golden.safetensors). */
  checkGolden(tolerance?: Tolerance): Promise<GoldenCheckReport> {
    return this.call({ op: 'golden', tolerance }) as Promise<GoldenCheckReport>;
  }

  /** Stop the worker (and its pool); pending calls fail. */
  terminate(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('bert-ts worker terminated'));
    this.pending.clear();
  }
}

/** A URL relative to the page, made absolute (the worker's own location is a blob:); a Hub id unchanged. */
function absolute(s: string): string {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  return isUrl(s) && here ? new URL(s, here).href : s;
}

/** Id rows as plain arrays (typed arrays and array-likes clone, but plain arrays are what the model expects). */
function rows(r: ArrayLike<ArrayLike<number>>): number[][] {
  return Array.from(r, (row) => Array.from(row));
}
