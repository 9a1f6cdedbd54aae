import { BertTsError } from '../errors.ts';

/**
 * The tensor: a Float32Array and an explicit row-major shape. Nothing more.
 * Kernels take raw arrays and integer dims (llm.c style); the Tensor exists so
 * that weights and outputs carry their shape with them.
 */
export class Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];

  constructor(data: Float32Array, shape: readonly number[]) {
    const n = numel(shape);
    if (data.length !== n) {
      throw new BertTsError(`tensor data has ${data.length} elements, shape ${shapeString(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = shape.slice();
  }

  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(new Float32Array(numel(shape)), shape);
  }

  get size(): number {
    return this.data.length;
  }

  /** Same data, another shape with the same number of elements (no copy). */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  /**
   * The i-th sub-tensor along the first axis, as a view (no copy):
   * for x of shape [L, B, S, H], x.at(l) has shape [B, S, H].
   */
  at(i: number): Tensor {
    const inner = this.shape.slice(1);
    const n = numel(inner);
    if (!Number.isInteger(i) || i < 0 || i >= this.shape[0]) {
      throw new BertTsError(`index ${i} out of range for axis 0 of a tensor of shape ${shapeString(this.shape)}`);
    }
    return new Tensor(this.data.subarray(i * n, (i + 1) * n), inner);
  }

  /**
   * The values as nested plain arrays of numbers, shape-major: a [2, 3] tensor
   * gives [[a, b, c], [d, e, f]]; a 0-d tensor its one number. A copy: safe to
   * keep after the buffers it came from are reused.
   */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      const n = this.shape[axis];
      if (axis === this.shape.length - 1) return Array.from(this.data.subarray(offset, offset + n));
      const stride = numel(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return this.shape.length === 0 ? this.data[0] : build(0, 0);
  }

  /** A short description for people who print a tensor: `Tensor [2, 3] [0.1, 0.2, …]` (at most 6 values). */
  toString(): string {
    const shown = Array.from(this.data.subarray(0, 6), (v) => Number(v.toPrecision(4)));
    return `Tensor ${shapeString(this.shape)} [${shown.join(', ')}${this.data.length > 6 ? ', …' : ''}]`;
  }
}

/** What Tensor.toArray returns: a number (0-d) or arrays nested once per axis. */
export type NestedArray = number | NestedArray[];

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[2, 3]`; a shape of more than 8 dims (only a hostile file has one) is cut: `[1, 1, …(1000000 dims)]`. */
export function shapeString(shape: readonly number[]): string {
  if (shape.length <= 8) return `[${shape.join(', ')}]`;
  return `[${shape.slice(0, 8).join(', ')}, …(${shape.length} dims)]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
