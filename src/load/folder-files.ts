/**
 * A model folder on disk as a ModelFiles (Node). `dir` is set, so the loaders
 * read the folder in place with the synchronous folder loaders (loadBertModel:
 * the weights straight into their arena); open() streams a file for anything
 * that reads through the seam instead. Files are opened as read-file.ts opens
 * them: regular files only, never blocking on a FIFO.
 */
import { closeSync, createReadStream } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { BertTsError } from '../errors.ts';
import { openRegularFile, pathKind } from '../read-file.ts';
import type { FileStream, ModelFiles } from './model-files.ts';

export function folderFiles(dir: string, names: { where?: string; folder?: string } = {}): ModelFiles {
  return {
    where: names.where ?? dir,
    folder: names.folder ?? basename(resolve(dir)),
    dir,
    async open(name: string): Promise<FileStream | undefined> {
      const parts = name.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new BertTsError(`${dir}: refusing the file name ${JSON.stringify(name)}`);
      const path = join(dir, ...parts);
      if (pathKind(path) === 'missing') return undefined;
      const { fd, size } = openRegularFile(path);
      try {
        const body = Readable.toWeb(createReadStream('', { fd, autoClose: true })) as unknown as ReadableStream<Uint8Array>;
        return { name, where: path, size, body };
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    },
  };
}
