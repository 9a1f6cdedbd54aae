/**
 * One worker of the pool (pool.ts), for any platform: it polls the task
 * number for the pool's spin time, then sleeps in Atomics.wait on it; woken
 * (or seeing a new number while it polls), it reads the task's index and
 * arguments from the shared argument block, claims chunks from the shared
 * counter and runs them with the task's runner from the one registry
 * (tasks.ts), then stores "done". No task has a branch of its own here.
 * A chunk that throws is reported through the error slot and text block.
 */
import { attachHeap } from './heap.ts';
import { TASKS } from './tasks.ts';
import { readArgs } from './task.ts';
import { ARGS_AT, CTL, LINE, TEXT_CHARS, spinUntil } from './pool.ts';
import { ThreadScratch } from './scratch.ts';
import type { WorkerData } from './worker-host.ts';

/** Serve tasks until the pool stops; ready() is called once this worker waits for tasks. */
export function runWorker(data: WorkerData, ready: () => void, exit: () => void): void {
  attachHeap(data.memory);
  const ctl = new Int32Array(data.ctl);
  const args = new Float64Array(data.args);
  const text = new Uint16Array(data.text, data.index * TEXT_CHARS * 2, TEXT_CHARS);
  const line = CTL.workers + data.index * LINE.stride;
  const thread = data.index + 1;
  const local = new ThreadScratch(); // this thread's private scratch, for its life
  // started, then the task number now: a task published before this line was read is the caller's alone
  Atomics.store(ctl, line + LINE.started, 1);
  let seen = Atomics.load(ctl, CTL.seq);
  Atomics.store(ctl, line + LINE.done, seen);
  ready();
  for (;;) {
    spinUntil(() => Atomics.load(ctl, CTL.seq) !== seen, Atomics.load(ctl, CTL.spin) / 1000);
    Atomics.wait(ctl, CTL.seq, seen); // returns at once when the number has changed
    const seq = Atomics.load(ctl, CTL.seq);
    if (seq < 0) return;
    if (seq === seen) continue;
    seen = seq;
    try {
      const task = TASKS[args[0]];
      const chunks = args[1];
      const run = task.prepare(readArgs(task, args, ARGS_AT), thread, local);
      for (let c = Atomics.add(ctl, CTL.counter, 1); c < chunks; c = Atomics.add(ctl, CTL.counter, 1)) {
        const fault = Atomics.exchange(ctl, line + LINE.fault, 0);
        if (fault === 1) throw new Error('a fault injected by a test');
        if (fault === 2) return exit();
        run(c);
        Atomics.add(ctl, CTL.completed, 1);
      }
    } catch (err) {
      const message = String((err as Error)?.message ?? err).slice(0, TEXT_CHARS - 1);
      for (let i = 0; i < TEXT_CHARS; i++) text[i] = i < message.length ? message.charCodeAt(i) : 0;
      Atomics.store(ctl, line + LINE.error, seq);
    }
    Atomics.add(ctl, line + LINE.tasks, 1);
    Atomics.store(ctl, line + LINE.done, seq);
    Atomics.notify(ctl, line + LINE.done);
  }
}
