/**
 * The one seam every loader reads a model through: a ModelFiles opens a file
 * by name and streams its bytes, wherever they are.
 *
 *   urlFiles('https://example.org/models/demo/')  →  …/models/demo/config.json, …
 *   urlFiles('./weights/demo'), ('/weights/demo')  →  the same, relative to the page
 *   hubFiles('org/name')                           →  {endpoint}/org/name/resolve/{revision}/config.json
 *   pickedFiles([File, File, …])                   →  matched by file name (a picked folder works)
 *   folderFiles(dir)   (Node: load/folder-files.ts) →  files on disk, read in place
 *
 * modelFiles(source) picks one (load/browser.ts, load/node.ts). Everything a
 * loader reads as text or JSON is capped at MAX_TEXT_FILE_BYTES, and no file is
 * read past the size its server announced.
 */
import { BertTsError } from '../errors.ts';
import { MAX_TEXT_FILE_BYTES } from '../text-limit.ts';
import { isRepoId } from '../hub/repo-id.ts';
import type { HubOptions, ProgressCallback } from '../load-options.ts';

/** One file being read: its bytes arrive on `body`; size is null when the server does not say. */
export interface FileStream {
  name: string;
  /** where it is (a URL, or "name (picked file)") for errors */
  where: string;
  size: number | null;
  body: ReadableStream<Uint8Array>;
}

export interface ModelFiles {
  /** the model, for messages: a URL, a Hub id, a folder, or "picked files" */
  where: string;
  /** the model's folder name (the last path part): the tokenizer's "-cased" rule reads it */
  folder: string;
  /** Node: the folder on disk holding the files, so the loaders read them in place (synchronously) */
  dir?: string;
  /** Open `name`; undefined when the model has no such file. */
  open(name: string): Promise<FileStream | undefined>;
}

export const HUB_ENDPOINT = 'https://huggingface.co';

/** Whether a model source string is a URL (else a Hub id). */
export function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(s) || s.startsWith('/') || s.startsWith('./') || s.startsWith('../');
}

/** Files under a base URL (relative to the page's, or the worker's, location). */
export function urlFiles(base: string, options: HubOptions = {}): ModelFiles {
  const here = (globalThis as { location?: { href: string } }).location?.href;
  const dir = new URL(base.endsWith('/') ? base : `${base}/`, here);
  const parts = dir.pathname.split('/').filter(Boolean);
  return fetchedFiles(dir.href, parts.at(-1) ?? '', (name) => new URL(name, dir).href, options);
}

/** A Hub model id: `org/name` or `name`, at {endpoint}/{id}/resolve/{revision}/{file}. */
export function hubFiles(id: string, options: HubOptions = {}): ModelFiles {
  if (!isRepoId(id)) {
    throw new BertTsError(`${JSON.stringify(id)} is not a URL and not a model id`, "give a URL ('https://…', '/models/x', './x') or a Hub id such as 'org/name'");
  }
  const endpoint = (options.endpoint ?? HUB_ENDPOINT).replace(/\/+$/, '');
  const revision = encodeURIComponent(options.revision ?? 'main');
  // the token goes to the Hub only; fetch drops it on a redirect to another origin (the Fetch standard)
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  return fetchedFiles(id, id.split('/').at(-1)!, (name) => `${endpoint}/${id}/resolve/${revision}/${name.split('/').map(encodeURIComponent).join('/')}`, options, headers);
}

function fetchedFiles(where: string, folder: string, urlOf: (name: string) => string, options: HubOptions, headers: Record<string, string> = {}): ModelFiles {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    where,
    folder,
    async open(name) {
      const url = urlOf(name);
      let response: Response;
      try {
        response = await fetchFn(url, { headers });
      } catch (e) {
        throw new BertTsError(`${url}: cannot fetch (${(e as Error).message})`, 'check the address; a model on another site must allow CORS');
      }
      const code = response.headers.get('x-error-code');
      // a missing file is absent; a missing repository or revision is an error (the Hub says which)
      if (response.status === 404 && (code === null || code === 'EntryNotFound')) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel();
        if (code === 'RepoNotFound') {
          throw new BertTsError(`${where}: repository not found, or private and needs a token (HTTP ${response.status} RepoNotFound)`, 'check the model id; for a private model pass your token (token option)');
        }
        if (code === 'RevisionNotFound') throw new BertTsError(`${where}: no such revision (HTTP ${response.status} RevisionNotFound)`, 'use a branch, tag or commit the repository has (default "main")');
        throw new BertTsError(`${url}: HTTP ${response.status}${code ? ` (${code})` : ''}`, code === 'GatedRepo' ? 'this model is gated: accept its terms on the Hub and pass your token (token option)' : 'check the address and the revision');
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
export async function readText(files: ModelFiles, name: string, onProgress?: ProgressCallback): Promise<string | undefined> {
  const bytes = await readBytes(files, name, onProgress, MAX_TEXT_FILE_BYTES);
  return bytes && new TextDecoder().decode(bytes);
}

/** The whole file as JSON (at most MAX_TEXT_FILE_BYTES); undefined when absent. */
export async function readJson(files: ModelFiles, name: string, onProgress?: ProgressCallback): Promise<unknown> {
  const text = await readText(files, name, onProgress);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BertTsError(`${files.where}: ${name} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The whole file, into one buffer; undefined when absent. Reading stops one
 * byte past the size the server announced, or past `limit`: a server cannot
 * make the page hold more than it promised.
 */
export async function readBytes(files: ModelFiles, name: string, onProgress?: ProgressCallback, limit = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
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
    onProgress?.({ status: 'progress', repo: files.where, file: name, loaded, total: f.size ?? undefined });
  });
  if (f.size !== null && loaded < f.size) throw new BertTsError(`${f.where}: the server sent ${loaded} of ${f.size} bytes`, 'the download was cut short; try again');
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  onProgress?.({ status: 'done', repo: files.where, file: name, loaded, total: loaded });
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
