/**
 * The records of a corpus, read as a stream: JSONL ({"id": …, "text": …}, the
 * field names configurable) or plain text (one text per line; the id is the
 * 1-based line number). Lines are split here from the byte stream rather than
 * by readline, so reading waits for the consumer (backpressure) and memory
 * holds one chunk and one window of records whatever the file size.
 */
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { BertTsError, quote } from '../errors.ts';

export type CorpusFormat = 'jsonl' | 'text';

export interface CorpusRecord {
  /** 1-based line number in the input */
  line: number;
  id: string;
  text: string;
}

/** A line that cannot become a record: not JSON, no text field, an empty text. */
export interface BadLine {
  line: number;
  reason: string;
}

export interface ReadCorpusOptions {
  /** 'auto' (default): .jsonl/.ndjson/.json are JSONL, .txt is text, else JSONL when the first non-blank line starts with '{' */
  format?: CorpusFormat | 'auto';
  idField?: string;
  textField?: string;
  /** what to do with a bad line: 'fail' (default) throws naming the line; 'skip' reports it through onBadLine and goes on */
  onError?: 'skip' | 'fail';
  onBadLine?: (bad: BadLine) => void;
  /** bytes read so far, for progress */
  onBytes?: (bytes: number) => void;
}

export type CorpusSource = string | AsyncIterable<string | Uint8Array>;

/** Bytes of a file input (for a progress bar's ETA), or undefined for stdin and streams. */
export function corpusSize(source: CorpusSource): number | undefined {
  if (typeof source !== 'string' || source === '-') return undefined;
  try {
    return statSync(source).size;
  } catch {
    return undefined;
  }
}

/** A file input that exists and is not a folder (checked before anything is created or loaded). */
export function checkCorpusInput(source: CorpusSource): void {
  if (typeof source !== 'string') return;
  const hint = 'give a .jsonl or .txt file, or - for stdin';
  let st;
  try {
    st = statSync(source);
  } catch (e) {
    throw new BertTsError(`${source}: cannot read the input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, hint);
  }
  if (st.isDirectory()) throw new BertTsError(`${source}: is a folder, not a corpus file`, hint);
}

/** The lines of a file ('-' is not handled here: pass process.stdin), with their 1-based numbers. */
export async function* lines(source: CorpusSource, onBytes?: (bytes: number) => void): AsyncGenerator<{ line: number; text: string }> {
  let stream: AsyncIterable<string | Uint8Array>;
  if (typeof source === 'string') {
    checkCorpusInput(source);
    stream = createReadStream(source, { highWaterMark: 1 << 16 });
  } else {
    stream = source;
  }
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let n = 0;
  let bytes = 0; // of the lines handed out so far, for a progress bar that moves line by line
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    let start = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', start)) {
      n++;
      const text = rest.slice(start, nl);
      bytes += Buffer.byteLength(text) + 1;
      onBytes?.(bytes);
      yield { line: n, text: stripCr(text) };
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest !== '') {
    onBytes?.(bytes + Buffer.byteLength(rest));
    yield { line: n + 1, text: stripCr(rest) };
  }
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/** The corpus's records in input order; bad lines per options.onError. */
export async function* readCorpus(source: CorpusSource, options: ReadCorpusOptions = {}): AsyncGenerator<CorpusRecord> {
  const idField = options.idField ?? 'id';
  const textField = options.textField ?? 'text';
  const onError = options.onError ?? 'fail';
  let format: CorpusFormat | undefined = options.format === 'auto' || options.format === undefined ? formatFromName(source) : options.format;
  const name = typeof source === 'string' ? source : 'stdin';
  for await (const { line, text: raw } of lines(source, options.onBytes)) {
    if (format === undefined) {
      if (raw.trim() === '') continue; // still sniffing: leading blank lines say nothing
      format = raw.trimStart().startsWith('{') ? 'jsonl' : 'text';
    }
    const r = format === 'jsonl' ? fromJsonLine(raw, line, idField, textField) : fromTextLine(raw, line);
    if (r === undefined) continue;
    if ('reason' in r) {
      if (onError === 'fail') {
        throw new BertTsError(`${name} line ${r.line}: ${r.reason}`, 'fix the line, or pass --on-error skip to leave such lines out (each is reported)');
      }
      options.onBadLine?.(r);
      continue;
    }
    yield r;
  }
}

function formatFromName(source: CorpusSource): CorpusFormat | undefined {
  if (typeof source !== 'string') return undefined;
  if (/\.(jsonl|ndjson|json)$/i.test(source)) return 'jsonl';
  if (/\.txt$/i.test(source)) return 'text';
  return undefined;
}

function fromTextLine(raw: string, line: number): CorpusRecord | BadLine {
  if (raw.trim() === '') return { line, reason: 'empty text' };
  return { line, id: String(line), text: raw };
}

/** undefined for a blank line (JSONL files often end with one). */
function fromJsonLine(raw: string, line: number, idField: string, textField: string): CorpusRecord | BadLine | undefined {
  if (raw.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return { line, reason: `not JSON (${(e as Error).message})` };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { line, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  const id = o[idField];
  if (id === undefined || id === null) return { line, reason: `no "${idField}" field` };
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isFinite(id))) return { line, reason: `"${idField}" must be a string or a number, got ${quote(id)}` };
  if (String(id) === '') return { line, reason: `empty "${idField}"` };
  const text = o[textField];
  if (text === undefined || text === null) return { line, reason: `no "${textField}" field` };
  if (typeof text !== 'string') return { line, reason: `"${textField}" must be a string, got ${quote(text)}` };
  if (text.trim() === '') return { line, reason: `empty "${textField}"` };
  return { line, id: String(id), text };
}
