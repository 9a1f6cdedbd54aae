/**
 * Where a model's files come from in a browser: a base URL, a Hugging Face Hub
 * model id (its CORS-enabled `resolve` URLs), or File objects the user picked.
 *
 *   'https://example.org/models/demo/'  →  https://example.org/models/demo/config.json, …
 *   './weights/demo', '/weights/demo'   →  the same, relative to the page
 *   'org/name', 'name'                  →  {endpoint}/org/name/resolve/{revision}/config.json
 *   [File, File, …] or a FileList       →  matched by file name (a picked folder works)
 *
 * A string is a URL when it has a scheme (`https:`, `blob:`, …) or starts with
 * `/`, `./` or `../`; anything else is a Hub id. No cache beyond the browser's.
 */
import { BertTsError } from '../errors.ts';
import { MAX_TEXT_FILE_BYTES } from '../text-limit.ts';

/** One file being read: its bytes arrive on `body`; size is null when the server does not say. */
export interface FileStream {
  name: string;
  /** where it is (a URL, or "name (picked file)") for errors */
  where: string;
  size: number | null;
  body: ReadableStream<Uint8Array>;
}

export interface ModelFiles {
  /** the model, for messages: a URL, a Hub id, or "picked files" */
  where: string;
  /** the model's folder name (the last path part): the tokenizer's "-cased" rule reads it */
  folder: string;
  /** Open `name`; undefined when the model has no such file. */
  open(name: string): Promise<FileStream | undefined>;
}

export interface HubOptions {
  /** default 'https://huggingface.co' */
  endpoint?: string;
  /** a branch, tag or commit; default 'main' */
  revision?: string;
}

export interface SourceOptions extends HubOptions {
  /** the fetch to use (default globalThis.fetch): e.g. one that adds headers */
  fetch?: typeof fetch;
}

export const HUB_ENDPOINT = 'https://huggingface.co';

/** A model's files from a URL, a Hub id or picked files (see the top of this file). */
export function modelFiles(source: string | URL | ArrayLike<File>, options: SourceOptions = {}): ModelFiles {
  if (typeof source === 'string' || source instanceof URL) {
    const s = String(source);
    if (isUrl(s)) return urlFiles(s, options);
    return hubFiles(s, options);
  }
  return pickedFiles(Array.from(source));
}

/** Whether a model source string is a URL (else a Hub id). */
export function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) || s.startsWith('/') || s.startsWith('./') || s.startsWith('../');
}

/** Files under a base URL (relative to the page's, or the worker's, location). */
export function urlFiles(base: string, options: SourceOptions = {}): ModelFiles {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  const dir = new URL(base.endsWith('/') ? base : `${base}/`, here);
  const parts = dir.pathname.split('/').filter(Boolean);
  return fetchedFiles(dir.href, parts.at(-1) ?? '', (name) => new URL(name, dir).href, options);
}

/** A Hub model id: `org/name` or `name`, at {endpoint}/{id}/resolve/{revision}/{file}. */
export function hubFiles(id: string, options: SourceOptions = {}): ModelFiles {
  if (!/^([\w.-]+\/)?[\w.-]+$/.test(id) || id.includes('..')) {
    throw new BertTsError(`${JSON.stringify(id)}: not a model URL nor a Hub model id`, "give a URL ('https://…', '/models/x', './x') or a Hub id such as 'org/name'");
  }
  const endpoint = (options.endpoint ?? HUB_ENDPOINT).replace(/\/+$/, '');
  const revision = encodeURIComponent(options.revision ?? 'main');
  return fetchedFiles(id, id.split('/').at(-1)!, (name) => `${endpoint}/${id}/resolve/${revision}/${name}`, options);
}

function fetchedFiles(where: string, folder: string, urlOf: (name: string) => string, options: SourceOptions): ModelFiles {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    where,
    folder,
    async open(name) {
      const url = urlOf(name);
      let response: Response;
      try {
        response = await fetchFn(url);
      } catch (e) {
        throw new BertTsError(`${url}: cannot fetch (${(e as Error).message})`, 'check the address; a model on another site must allow CORS');
      }
      if (response.status === 404) return undefined;
      if (!response.ok) {
        const code = response.headers.get('x-error-code');
        throw new BertTsError(`${url}: HTTP ${response.status}${code ? ` (${code})` : ''}`, code === 'GatedRepo' ? 'this model is gated: accept its terms on the Hub and pass a fetch that sends your token' : 'check the address and the revision');
      }
      if (!response.body) throw new BertTsError(`${url}: the response has no body`);
      // Content-Length is the size on the wire: only trust it when nothing was compressed
      const length = response.headers.get('content-length');
      const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
      const size = length !== null && !encoded && /^\d+$/.test(length) ? Number(length) : null;
      return { name, where: url, size, body: response.body };
    },
  };
}

/** Files the user picked (an <input type="file" multiple> or a folder with webkitdirectory). */
export function pickedFiles(files: File[]): ModelFiles {
  const byName = new Map<string, File>();
  let folder = '';
  for (const f of files) {
    byName.set(f.name, f);
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath;
    if (rel && rel.includes('/')) folder = rel.split('/').at(-2)!;
  }
  return {
    where: folder ? `picked folder ${folder}` : 'picked files',
    folder,
    async open(name) {
      const f = byName.get(name);
      if (!f) return undefined;
      return { name, where: `${name} (picked file)`, size: f.size, body: f.stream() as ReadableStream<Uint8Array> };
    },
  };
}

/** The whole file as text (at most MAX_TEXT_FILE_BYTES); undefined when absent. */
export async function readText(files: ModelFiles, name: string, onProgress?: (p: LoadProgress) => void): Promise<string | undefined> {
  const bytes = await readBytes(files, name, onProgress, MAX_TEXT_FILE_BYTES);
  return bytes && new TextDecoder().decode(bytes);
}

/** The whole file as JSON (at most MAX_TEXT_FILE_BYTES); undefined when absent. */
export async function readJson(files: ModelFiles, name: string, onProgress?: (p: LoadProgress) => void): Promise<unknown> {
  const text = await readText(files, name, onProgress);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BertTsError(`${files.where}: ${name} is not valid JSON (${(e as Error).message})`);
  }
}

/** A progress event: `loaded` of `total` bytes of `file` (total null when unknown). */
export interface LoadProgress {
  file: string;
  loaded: number;
  total: number | null;
  done: boolean;
}

/**
 * The whole file, into one buffer; undefined when absent. Reading stops one
 * byte past the size the server announced, or past `limit`: a server cannot
 * make the page hold more than it promised.
 */
export async function readBytes(files: ModelFiles, name: string, onProgress?: (p: LoadProgress) => void, limit = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
  const f = await files.open(name);
  if (!f) return undefined;
  if (f.size !== null && f.size > limit) {
    await f.body.cancel().catch(() => {});
    throw new BertTsError(`${f.where}: ${f.size} bytes is more than the ${limit}-byte limit for a text file`, 'this is not a model file bert-ts reads; check the address');
  }
  const most = Math.min(f.size ?? limit, limit);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  await drain(f, (chunk) => {
    if (loaded + chunk.length > most) {
      throw new BertTsError(
        f.size !== null && f.size <= limit ? `${f.where}: more bytes arrived than the ${f.size} announced` : `${f.where}: more than the ${limit}-byte limit for a text file`,
        'the server is misbehaving; nothing was kept',
      );
    }
    chunks.push(chunk);
    loaded += chunk.length;
    onProgress?.({ file: name, loaded, total: f.size, done: false });
  });
  if (f.size !== null && loaded < f.size) throw new BertTsError(`${f.where}: the server sent ${loaded} of ${f.size} bytes`, 'the download was cut short; try again');
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  onProgress?.({ file: name, loaded, total: f.size ?? loaded, done: true });
  return bytes;
}

/** Hand every chunk of the stream to `take`, in order. */
export async function drain(f: FileStream, take: (chunk: Uint8Array) => void): Promise<void> {
  const reader = f.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.length > 0) take(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {}); // stop the transfer: nothing more is read
    if (e instanceof BertTsError) throw e;
    throw new BertTsError(`${f.where}: the download failed (${(e as Error).message})`, 'try again; check the connection');
  } finally {
    reader.releaseLock();
  }
}
