// Run by load.mjs in a fresh process: choose the backend and the threads, load
// a model folder with bert-ts, run one forward at [1, 128], print
// {loadMs, forwardMs, peakRssMB, …} as JSON.
import { readFileSync } from 'node:fs';
const [libPath, dir, backend = 'auto', threads = '1'] = process.argv.slice(2);
/**
 * Peak RSS in MiB: VmHWM of /proc/self/status. (getrusage's maxRSS is no good
 * here: Linux carries it over from the parent across fork + exec, so a child of
 * a big benchmark process would report the parent's peak.)
 */
function peakRss() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}
const rss0 = peakRss();
const lib = await import(libPath);
lib.setBackend(backend);
await lib.setThreads(Number(threads));
const t0 = performance.now();
const model = lib.loadBertModel(dir);
const loadMs = performance.now() - t0;
const rssLoaded = process.memoryUsage().rss / 2 ** 20;
const S = 128;
const ids = [Array.from({ length: S }, (_, i) => (i === 0 ? 101 : i === S - 1 ? 102 : 1000 + ((i * 7919) % 29000)))];
const t1 = performance.now();
model.forward({ inputIds: ids });
const forwardMs = performance.now() - t1;
const peakRssMB = peakRss();
console.log(JSON.stringify({ backend: lib.getBackend(), threads: lib.getThreads(), loadMs, forwardMs, peakRssMB, startRssMB: rss0, loadedRssMB: rssLoaded }));
await lib.setThreads(1);
