/**
 * A task the worker pool can share out: a name, the list of its numeric
 * arguments, and `prepare`, which a thread calls once per task to get the
 * runner of one chunk. The argument block's layout is derived from the field
 * list (field i at slot i), so no slot is numbered by hand; every argument is
 * a number (sizes, or byte offsets in the heap, which every thread addresses).
 *
 *   const scale = defineTask('scale', ['x', 'n', 'chunks'], (a) => { … return (c) => …; });
 *   parallelFor(scale, chunks, { x: ptr, n, chunks })   // src/runtime/pool.ts
 */
import type { ThreadScratch } from './scratch.ts';

export type TaskArgs<F extends string> = Readonly<Record<F, number>>;

/** On one thread (0 = the caller, 1… the workers) with its private scratch: the runner of chunk c of a task. */
export type Prepare<F extends string> = (args: TaskArgs<F>, thread: number, local: ThreadScratch) => (chunk: number) => void;

export interface Task<F extends string = string> {
  readonly name: string;
  readonly fields: readonly F[];
  readonly prepare: Prepare<F>;
}

export function defineTask<F extends string>(name: string, fields: readonly F[], prepare: Prepare<F>): Task<F> {
  return { name, fields, prepare };
}

/** Write `args` into block[at + i] in the order of task.fields. */
export function writeArgs<F extends string>(task: Task<F>, block: Float64Array, at: number, args: TaskArgs<F>): void {
  const { fields } = task;
  for (let i = 0; i < fields.length; i++) block[at + i] = args[fields[i]];
}

/** Read a task's arguments back from block[at …] (in a worker). */
export function readArgs<F extends string>(task: Task<F>, block: Float64Array, at: number): TaskArgs<F> {
  const args = {} as Record<F, number>;
  const { fields } = task;
  for (let i = 0; i < fields.length; i++) args[fields[i]] = block[at + i];
  return args;
}
