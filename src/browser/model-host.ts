/**
 * The worker side of model-worker.ts's BertWorker: one model per worker. Each
 * request {id, op, …} gets one reply {id, value} or {id, error}; loading also
 * sends {id, progress} events. Outputs are copied out of the model's buffers
 * (which the next forward reuses) and transferred, not shared.
 */
import { BertTsError } from '../errors.ts';
import type { BertInput, ForwardOptions } from '../bert/model.ts';
import type { EncodeOptions } from '../tokenizer/bert-tokenizer.ts';
import type { Tolerance } from '../golden/compare.ts';
import { getBackend, setBackend, type Backend } from '../runtime/backend.ts';
import { getThreads, threadStats } from '../runtime/pool.ts';
import { setThreads } from './threads.ts';
import type { BertConfig } from '../bert/config.ts';
import type { BertModel } from '../bert/model.ts';
import type { BertTokenizer } from '../tokenizer/bert-tokenizer.ts';
import { loadPipeline, modelFiles } from '../load/browser.ts';
import type { ModelFiles } from '../load/model-files.ts';
import { checkGoldenCase } from './golden.ts';
import './web-pool.ts';

export interface HostInit { type: 'host' }

export type HostRequest =
  | { id: number; op: 'load'; source: string | File[]; hub: { endpoint?: string; revision?: string; token?: string }; threads: number; backend: Backend | 'auto'; minMacs?: number }
  | { id: number; op: 'encode'; text: string; pair?: string; options?: EncodeOptions }
  | { id: number; op: 'encodeBatch'; inputs: (string | [string, string])[]; options?: EncodeOptions }
  | { id: number; op: 'decode'; ids: number[]; options?: { skipSpecialTokens?: boolean; cleanUpTokenizationSpaces?: boolean } }
  | { id: number; op: 'forward'; input: BertInput; options?: Omit<ForwardOptions, 'state'> }
  | { id: number; op: 'golden'; tolerance?: Tolerance };

export type HostReply =
  | { id: number; value: unknown }
  | { id: number; error: { message: string; hint?: string; name: string } }
  | { id: number; progress: unknown };

/** What `load` answers. */
export interface HostModelInfo {
  config: BertConfig;
  threads: number;
  backend: Backend;
  unusedTensors: string[];
}

/** A forward's outputs as plain {data, shape} (a Tensor's fields), the time it took, and the products it split over the pool. */
export interface HostForward {
  outputs: Record<string, { data: Float32Array; shape: number[] }>;
  ms: number;
  parallelCalls: number;
}

interface Scope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(msg: unknown, transfer?: Transferable[]): void;
}

interface Loaded {
  model: BertModel;
  tokenizer: BertTokenizer;
  /** where the model came from: the golden case is read from there */
  files: ModelFiles;
}

export function serveModel(_init: HostInit, scope: Scope): void {
  let loaded: Loaded | null = null;
  const need = (): Loaded => {
    if (!loaded) throw new BertTsError('BertWorker: no model loaded yet', 'await BertWorker.load(...) first');
    return loaded;
  };
  const handle = async (req: HostRequest): Promise<{ value: unknown; transfer?: Transferable[] }> => {
    switch (req.op) {
      case 'load': {
        setBackend(req.backend);
        await setThreads(req.threads, req.minMacs === undefined ? {} : { minMacs: req.minMacs });
        const files = await modelFiles(req.source, req.hub);
        const { model, tokenizer } = await loadPipeline(files, { onProgress: (p) => scope.postMessage({ id: req.id, progress: p } satisfies HostReply) });
        loaded = { model, tokenizer, files };
        const info: HostModelInfo = { config: model.config, threads: getThreads(), backend: getBackend(), unusedTensors: loaded.model.unusedTensors };
        return { value: info };
      }
      case 'encode':
        return { value: need().tokenizer.encode(req.text, req.pair, req.options) };
      case 'encodeBatch':
        return { value: need().tokenizer.encodeBatch(req.inputs, req.options) };
      case 'decode':
        return { value: need().tokenizer.decode(req.ids, req.options) };
      case 'forward': {
        const calls = threadStats().parallelCalls;
        const t0 = performance.now();
        const out = need().model.forward(req.input, req.options);
        const ms = performance.now() - t0;
        const parallelCalls = threadStats().parallelCalls - calls;
        const outputs: HostForward['outputs'] = {};
        const transfer: Transferable[] = [];
        for (const [name, t] of Object.entries(out)) {
          if (!t) continue;
          const data = t.data.slice(); // a fresh, unshared copy: the model's buffers are reused
          outputs[name] = { data, shape: [...t.shape] };
          transfer.push(data.buffer);
        }
        return { value: { outputs, ms, parallelCalls } satisfies HostForward, transfer };
      }
      case 'golden':
        return { value: await checkGoldenCase(need(), need().files, req.tolerance) };
      default:
        throw new BertTsError(`BertWorker: unknown request ${JSON.stringify((req as { op: unknown }).op)}`);
    }
  };
  // one request at a time, in order
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (e: MessageEvent) => {
    const req = e.data as HostRequest;
    queue = queue.then(async () => {
      try {
        const { value, transfer } = await handle(req);
        scope.postMessage({ id: req.id, value } satisfies HostReply, transfer ?? []);
      } catch (err) {
        const error = err as BertTsError;
        scope.postMessage({ id: req.id, error: { message: error.message, hint: error.hint, name: error.name } } satisfies HostReply);
      }
    });
  };
}
