import { expect } from 'vitest';
import { BertTsError } from '../../src/errors.ts';

/** fn must throw one BertTsError of one line matching every pattern (a string: contained); returns it. */
export function expectError(fn: () => unknown, ...patterns: (RegExp | string)[]): BertTsError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BertTsError);
  const message = (error as BertTsError).message;
  expect(message).not.toContain('\n');
  for (const p of patterns) {
    if (typeof p === 'string') expect(message).toContain(p);
    else expect(message).toMatch(p);
  }
  return error as BertTsError;
}
