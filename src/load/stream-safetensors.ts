/**
 * Read a safetensors file from a stream (a fetch body, a File) as its bytes
 * arrive: the header is parsed from the first bytes, then the body is written
 * straight into the buffer it will live in, wasm memory when `memory` is given
 * (so the wasm kernels read the weights in place). The file is held once: no
 * second copy of the whole file is ever made.
 *
 * Like safetensors-fs.ts's readSafetensors: a file whose float tensors are all
 * F32 and 4-byte aligned is placed whole in `memory`; any other file (F16,
 * BF16, unaligned) is read into JS memory and each tensor is converted into
 * `memory` when the model asks for it.
 */
import { BertTsError } from '../errors.ts';
import type { TensorMemory } from '../tensor/alloc.ts';
import { isIntegerDType } from '../tensor/dtype.ts';
import {
  MAX_HEADER_BYTES, SafetensorsFile, parseSafetensorsHeader, safetensorsHeaderLength, type SafetensorsHeader,
} from '../tensor/safetensors.ts';
import { drain, type FileStream } from './model-files.ts';
import type { ProgressCallback } from '../load-options.ts';

export async function streamSafetensors(
  f: FileStream, memory: TensorMemory | undefined, onProgress?: ProgressCallback, repo = f.where,
): Promise<SafetensorsFile> {
  const file = f.where;
  // Until the header is complete, chunks wait in `head`; then `bytes` is
  // allocated at the file's full size and everything goes straight there.
  let head: Uint8Array[] = [];
  let headBytes = 0;
  let header: SafetensorsHeader | undefined;
  let bytes: Uint8Array | undefined;
  let place = false;
  let loaded = 0;

  const allocate = (size: number) => {
    const first = concat(head, headBytes);
    header = parseSafetensorsHeader(first, size, file);
    place = memory !== undefined && header.tensors.every((t) => (t.dtype === 'F32' ? t.begin % 4 === 0 : isIntegerDType(t.dtype)));
    try {
      bytes = place ? memory!.bytes(size) : new Uint8Array(size);
    } catch (e) {
      const hint = place
        ? `the ${memory!.name} memory cannot hold it (wasm32 memory is at most 4 GiB); choose setBackend('js') before loading`
        : 'the file is too large for one buffer in this browser; use a sharded checkpoint';
      throw new BertTsError(`${file}: cannot allocate ${size} bytes to read it (${(e as Error).message})`, hint);
    }
    bytes.set(first.subarray(0, Math.min(first.length, size)));
    head = [];
  };

  await drain(f, (chunk) => {
    if (bytes) {
      if (loaded + chunk.length > bytes.length) {
        throw new BertTsError(`${file}: more bytes arrived than the ${bytes.length} announced`, 'the server sent a wrong Content-Length; download the file again');
      }
      bytes.set(chunk, loaded);
    } else {
      head.push(chunk);
      headBytes += chunk.length;
    }
    loaded += chunk.length;
    // the size is known (Content-Length, File.size) and the header is complete: allocate now
    if (!bytes && f.size !== null && headBytes >= 8) {
      const n = safetensorsHeaderLength(concat(head, 8));
      if (n < 0 || n > MAX_HEADER_BYTES || 8 + n > f.size || headBytes >= 8 + n) allocate(f.size);
    }
    onProgress?.({ status: 'progress', repo, file: f.name, loaded, total: f.size ?? undefined });
  });
  // size unknown (a compressed response): everything arrived in `head`; one copy into place
  if (!bytes) allocate(loaded);
  if (loaded !== bytes!.length) {
    throw new BertTsError(`${file}: got ${loaded} of ${bytes!.length} bytes`, 'the download was cut short; try again');
  }
  onProgress?.({ status: 'done', repo, file: f.name, loaded, total: loaded });
  const h = header!;
  return new SafetensorsFile(file, bytes!, h.metadata, h.dataStart, h.tensors, place ? undefined : memory);
}

/** The first `n` bytes of the chunks, as one array (the chunk itself when it holds them). */
function concat(chunks: Uint8Array[], n: number): Uint8Array {
  if (chunks.length > 0 && chunks[0].length >= n) return chunks[0];
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    if (at >= n) break;
    const take = Math.min(c.length, n - at);
    out.set(c.subarray(0, take), at);
    at += take;
  }
  return out;
}
