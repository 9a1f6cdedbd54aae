// Progress of `bert-ts embed --output`: a bar with rate and ETA on a terminal
// (cli-progress, as the download bar), plain lines every few seconds otherwise
// (logs of a Kubernetes pod or a Slurm job), so a long job is never silent.
import type { CorpusProgress } from '../corpus/embed-corpus.ts';
import type { Io } from './command.ts';

export interface CorpusProgressReporter {
  update(p: CorpusProgress): void;
  stop(): void;
}

const count = (n: number) => n.toLocaleString('en-US');

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One plain line: what was read, embedded and written, the rate, and (for a file) the share read and the ETA. */
export function progressLine(p: CorpusProgress): string {
  const rate = p.seconds > 0 ? p.embedded / p.seconds : 0;
  const share = p.totalBytes ? p.bytes / p.totalBytes : undefined;
  const eta = share && share > 0 ? (p.seconds * (1 - share)) / share : undefined;
  return (
    `${count(p.lines)} lines read, ${count(p.embedded)} embedded, ${count(p.written)} written (${rate.toFixed(1)} texts/s)` +
    (share !== undefined ? `, ${(share * 100).toFixed(0)}% of the input, ETA ${duration(eta ?? NaN)}` : '') +
    (p.skipped ? `, ${count(p.skipped)} skipped` : '') +
    (p.duplicates ? `, ${count(p.duplicates)} duplicate ids` : '')
  );
}

export async function corpusProgress(io: Io, everySeconds: number): Promise<CorpusProgressReporter> {
  const stream = io.stderr as NodeJS.WriteStream;
  if (stream.isTTY) {
    const { SingleBar } = (await import('cli-progress')).default;
    let bar: InstanceType<typeof SingleBar> | undefined;
    return {
      update(p) {
        const share = p.totalBytes ? Math.min(p.bytes / p.totalBytes, 1) : undefined;
        const payload = {
          embedded: count(p.embedded),
          written: count(p.written),
          rate: p.seconds > 0 ? (p.embedded / p.seconds).toFixed(1) : '0',
          left: share ? duration((p.seconds * (1 - share)) / share) : '?',
        };
        if (!bar) {
          // a file: the bar is the share of its bytes read; stdin has no total, so no bar
          const format = share !== undefined ? '{bar} {percentage}% | {embedded} embedded, {written} written | {rate} texts/s | ETA {left}' : '{embedded} embedded, {written} written | {rate} texts/s';
          bar = new SingleBar({ stream, format, barsize: 24, hideCursor: true, clearOnComplete: false, fps: 5 });
          bar.start(p.totalBytes ?? 1, p.bytes, payload);
        } else {
          bar.update(p.totalBytes ? p.bytes : 0, payload);
        }
      },
      stop() {
        bar?.stop();
      },
    };
  }
  if (everySeconds === 0) return { update() {}, stop() {} };
  let last: CorpusProgress | undefined;
  let printed = performance.now();
  let said: CorpusProgress | undefined;
  const say = () => {
    if (last && last !== said) io.stderr.write(`bert-ts: embed: ${progressLine(last)}\n`);
    said = last;
    printed = performance.now();
  };
  const timer = setInterval(say, everySeconds * 1000);
  timer.unref();
  return {
    update(p) {
      last = p;
      // the event loop is busy while a window is embedded: print from here too when a line is due
      if (performance.now() - printed >= everySeconds * 1000) say();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
