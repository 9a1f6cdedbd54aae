// Typed reads of the fields of tokenizer.json / tokenizer_config.json: each
// wrong type is one BertTsError naming the file, the field and what was found.
// The types are the ones Hugging Face's readers require (serde in the Rust
// `tokenizers`: u32 ids, usize lengths, bool flags); where Python's transformers
// would take a wrong type anyway ("false" is truthy) we refuse rather than guess.
// Lookups are own-key only, so "__proto__" or "constructor" find nothing.
import { BertTsError, quoteJson } from '../errors.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The largest id a tokenizer.json may hold (Rust's u32). */
export const MAX_TOKEN_ID = 0xffffffff;

export class Fields {
  constructor(readonly file: string) {}

  fail(where: string, expected: string, found: unknown): never {
    throw new BertTsError(`${this.file}: ${where} must be ${expected}, found ${quoteJson(found)}`);
  }

  /** obj[key] when obj has it as an own property, else undefined. */
  get(obj: Json, key: string): Json {
    return obj !== null && typeof obj === 'object' && Object.hasOwn(obj, key) ? obj[key] : undefined;
  }

  isObject(x: unknown): x is Record<string, Json> {
    return typeof x === 'object' && x !== null && !Array.isArray(x);
  }

  object(x: unknown, where: string): Record<string, Json> {
    if (!this.isObject(x)) this.fail(where, 'an object', x);
    return x as Record<string, Json>;
  }

  optObject(x: unknown, where: string): Record<string, Json> | undefined {
    return x === undefined || x === null ? undefined : this.object(x, where);
  }

  array(x: unknown, where: string): Json[] {
    if (!Array.isArray(x)) this.fail(where, 'an array', x);
    return x as Json[];
  }

  string(x: unknown, where: string): string {
    if (typeof x !== 'string') this.fail(where, 'a string', x);
    return x as string;
  }

  optString(x: unknown, where: string, fallback: string): string {
    return x === undefined || x === null ? fallback : this.string(x, where);
  }

  bool(x: unknown, where: string, fallback: boolean): boolean {
    if (x === undefined) return fallback;
    if (typeof x !== 'boolean') this.fail(where, 'true or false', x);
    return x as boolean;
  }

  /** true, false or null (strip_accents); undefined → fallback. */
  optBool(x: unknown, where: string, fallback: boolean | null): boolean | null {
    if (x === undefined) return fallback;
    if (x !== null && typeof x !== 'boolean') this.fail(where, 'true, false or null', x);
    return x as boolean | null;
  }

  /** An integer in [min, max]. */
  int(x: unknown, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
      this.fail(where, `an integer in [${min}, ${max}]`, x);
    }
    return x as number;
  }

  optInt(x: unknown, where: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    return x === undefined ? fallback : this.int(x, where, min, max);
  }

  /** A token id (u32). */
  id(x: unknown, where: string): number {
    return this.int(x, where, 0, MAX_TOKEN_ID);
  }
}
