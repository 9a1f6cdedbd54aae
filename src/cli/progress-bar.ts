// A download progress bar on stderr, only when stderr is a terminal (quiet in
// pipes, logs and CI). Drawn by cli-progress, a small, widely used package; the
// engine itself does not depend on it, and it is loaded only when a bar is shown.
import type { ProgressCallback, ProgressEvent } from '../load-options.ts';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export interface ProgressReporter {
  onProgress: ProgressCallback | undefined;
  stop(): void;
}

/** A bar per downloaded file (bytes, rate, ETA) when `stream` is a TTY; nothing otherwise. */
export async function progressReporter(stream: NodeJS.WriteStream = process.stderr): Promise<ProgressReporter> {
  if (!stream.isTTY) return { onProgress: undefined, stop() {} };
  const { SingleBar } = (await import('cli-progress')).default;
  const bar = new SingleBar({
    stream,
    format: '{file} |{bar}| {percentage}% {done}/{size} {rate} ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 10,
  });
  let active = false;
  let started = 0;
  let startBytes = 0;
  const payload = (e: { file: string; loaded: number; total: number | undefined }) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0.2 ? `${formatBytes((e.loaded - startBytes) / seconds)}/s` : '';
    return { file: e.file, done: formatBytes(e.loaded), size: e.total === undefined ? '?' : formatBytes(e.total), rate };
  };
  const onProgress = (e: ProgressEvent) => {
    if (e.status === 'cached') return;
    if (e.status === 'initiate' || !active) {
      if (active) bar.stop();
      active = true;
      started = performance.now();
      startBytes = e.loaded;
      bar.start(e.total ?? 0, e.loaded, payload(e));
      return;
    }
    if (e.total !== undefined) bar.setTotal(e.total);
    bar.update(e.loaded, payload(e));
    if (e.status === 'done') {
      bar.stop();
      active = false;
    }
  };
  return {
    onProgress,
    stop() {
      if (active) bar.stop();
      active = false;
    },
  };
}
