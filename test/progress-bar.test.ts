// The CLI's download bar: drawn only on a terminal, with file, bytes, rate and ETA.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { formatBytes, progressReporter } from '../src/cli/progress-bar.ts';

function fakeStream(tty: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; cursorTo: (x: number) => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  s.isTTY = tty;
  s.columns = 120;
  s.cursorTo = () => true;
  s.clearLine = () => true;
  s.moveCursor = () => true;
  let text = '';
  s.on('data', (d) => (text += d));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('progress bar', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(438_000_000)).toBe('418 MiB');
  });

  it('is silent when stderr is not a terminal', async () => {
    const { stream, text } = fakeStream(false);
    const bar = await progressReporter(stream);
    expect(bar.onProgress).toBeUndefined();
    bar.stop();
    expect(text()).toBe('');
  });

  it('draws file, bytes and total on a terminal, and ignores cached files', async () => {
    const { stream, text } = fakeStream(true);
    const bar = await progressReporter(stream);
    const on = bar.onProgress!;
    on({ status: 'cached', repo: 'o/m', file: 'config.json', path: '/x' });
    on({ status: 'initiate', repo: 'o/m', file: 'model.safetensors', loaded: 0, total: 4 << 20 });
    on({ status: 'progress', repo: 'o/m', file: 'model.safetensors', loaded: 2 << 20, total: 4 << 20 });
    on({ status: 'done', repo: 'o/m', file: 'model.safetensors', loaded: 4 << 20, total: 4 << 20 });
    bar.stop();
    await new Promise((r) => setImmediate(r));
    const out = text();
    expect(out).toContain('model.safetensors');
    expect(out).toContain('4.0 MiB/4.0 MiB');
    expect(out).toContain('100%');
    expect(out).not.toContain('config.json');
  });
});
