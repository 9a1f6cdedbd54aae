import { describe, expect, it } from 'vitest';
import { Tensor, numel, shapeString, sameShape } from '../src/tensor/tensor.ts';
import { allocFloat32 } from '../src/tensor/alloc.ts';
import { BertTsError } from '../src/errors.ts';

describe('Tensor', () => {
  it('holds data with an explicit shape and checks the element count', () => {
    const t = new Tensor(new Float32Array(6), [2, 3]);
    expect(t.size).toBe(6);
    expect(t.shape).toEqual([2, 3]);
    expect(() => new Tensor(new Float32Array(5), [2, 3])).toThrow(/tensor data has 5 elements, shape \[2, 3\] needs 6/);
  });
  it('reshape and at() are views, not copies', () => {
    const t = new Tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const r = t.reshape([6, 4]);
    expect(r.data).toBe(t.data);
    const second = t.at(1);
    expect(second.shape).toEqual([3, 4]);
    expect(second.data[0]).toBe(12);
    second.data[0] = -1;
    expect(t.data[12]).toBe(-1);
    expect(() => t.at(2)).toThrow(BertTsError);
    expect(() => t.reshape([5, 5])).toThrow(BertTsError);
  });
  it('zeros, numel, shapeString, sameShape', () => {
    expect(Tensor.zeros([2, 2]).data).toEqual(new Float32Array(4));
    expect(numel([])).toBe(1);
    expect(numel([3, 0, 2])).toBe(0);
    expect(shapeString([1, 128, 768])).toBe('[1, 128, 768]');
    expect(sameShape([1, 2], [1, 2])).toBe(true);
    expect(sameShape([1, 2], [2, 1])).toBe(false);
    expect(sameShape([1, 2], [1, 2, 1])).toBe(false);
  });
});

describe('allocFloat32', () => {
  it('gives zeroed shared memory in Node', () => {
    const a = allocFloat32(10);
    expect(a.length).toBe(10);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(a)).toEqual(new Array(10).fill(0));
  });
});

describe('Tensor.toArray / toString', () => {
  it('nests plain arrays by shape and copies', () => {
    const t = new Tensor(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const a = t.toArray();
    expect(a).toEqual([[1, 2, 3], [4, 5, 6]]);
    t.data[0] = 9;
    expect(a).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 1, 2]).toArray()).toEqual([[[1, 2]], [[3, 4]]]);
    expect(new Tensor(Float32Array.from([7]), []).toArray()).toBe(7);
    expect(new Tensor(new Float32Array(0), [0, 3]).toArray()).toEqual([]);
  });
  it('prints a shape and the first values', () => {
    expect(String(new Tensor(Float32Array.from([0.5, 1, 2]), [3]))).toBe('Tensor [3] [0.5, 1, 2]');
    expect(String(Tensor.zeros([2, 4]))).toBe('Tensor [2, 4] [0, 0, 0, 0, 0, 0, …]');
  });
});
