/**
 * The probe hook: `model.forward(input, { probe })` calls probe(name, tensor)
 * after each named step (names and shapes in docs: embeddings.sum,
 * embeddings, encoder.layer.{l}.attention.self.query|key|value|probs|context,
 * encoder.layer.{l}.attention.output, .intermediate, .output, pooler).
 * The tensor is a view into reused buffers, valid only during the call: copy
 * it to keep it. Without a probe nothing is called or allocated.
 */
import { Tensor } from '../tensor/tensor.ts';

/** What the user passes: a step's name and its output. */
export type ProbeFn = (name: string, t: Tensor) => void;

/** Inside the model: report `data` with `shape` under `name` (prefixed per layer). */
export type Probe = (name: string, data: Float32Array, shape: number[]) => void;

/** The internal probe for `fn`, with names prefixed by `prefix` (e.g. 'encoder.layer.3.'). */
export function probeFor(fn: ProbeFn, prefix = ''): Probe {
  return (name, data, shape) => fn(prefix + name, new Tensor(data, shape));
}
