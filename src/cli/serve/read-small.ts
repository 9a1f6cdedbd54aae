// A small file as text, for the server: a regular file only (opened without
// blocking, so a FIFO cannot hang the server), at most `limit` bytes.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export async function readSmallText(path: string, limit: number): Promise<string> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error(`${path}: not a regular file`);
    if (st.size > limit) throw new Error(`${path}: larger than ${limit} bytes`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}
