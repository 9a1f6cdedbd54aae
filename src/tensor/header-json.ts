/**
 * The strict JSON reader for safetensors headers. JSON.parse cannot be used
 * as is, because it hides what the reference reader (Rust, serde_json) refuses:
 *   - `2.0` and `8e0` are floats there, not integers (a shape or an offset
 *     written so is an error, "invalid type: floating point");
 *   - nesting deeper than 128 levels is an error ("recursion limit exceeded");
 * and because it silently keeps the last of two equal keys, which lets a file
 * say two things about one tensor. We refuse duplicate keys.
 *
 * Objects come back as Maps (so no key, `__proto__` included, is special),
 * integer literals as numbers, other number literals as JsonFloat. The parser
 * is iterative: no input can overflow the call stack.
 */

export type HeaderJson = null | boolean | number | string | JsonFloat | HeaderJson[] | Map<string, HeaderJson>;

/** A number literal with a fraction or an exponent: not an integer, whatever its value. */
export class JsonFloat {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
  toJSON(): number {
    return this.value;
  }
}

/** serde_json's default recursion limit: deeper headers are refused there too. */
export const MAX_HEADER_DEPTH = 128;

/** A syntax problem: `message` says what and where (a character offset in the text). */
export class HeaderJsonError extends Error {}

interface Frame {
  container: HeaderJson[] | Map<string, HeaderJson>;
  key: string; // the pending key of an object
}

export function parseHeaderJson(text: string, maxDepth = MAX_HEADER_DEPTH): HeaderJson {
  return new Parser(text, maxDepth).parse();
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** One pass, one explicit stack; state in fields (closures over a mutated index are slow in V8). */
class Parser {
  private i = 0;
  private readonly n: number;
  private readonly stack: Frame[] = [];
  private result: HeaderJson = null;
  private done = false;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.n = text.length;
  }

  private fail(what: string): never {
    throw new HeaderJsonError(`${what} at character ${this.i}`);
  }

  private skip(): void {
    const t = this.text;
    let i = this.i;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  parse(): HeaderJson {
    const t = this.text;
    for (;;) {
      this.skip();
      if (this.i >= this.n) this.fail('unexpected end of header');
      const c = t.charCodeAt(this.i);
      if (c === 0x7b || c === 0x5b) {
        if (this.stack.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
        this.i++;
        const frame: Frame = { container: c === 0x7b ? new Map() : [], key: '' };
        this.stack.push(frame);
        this.skip();
        if (t.charCodeAt(this.i) === (c === 0x7b ? 0x7d : 0x5d)) {
          this.i++;
          this.stack.pop();
          this.emit(frame.container);
        } else {
          if (c === 0x7b) this.readKey(frame);
          continue;
        }
      } else if (c === 0x22) this.emit(this.readString());
      else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) this.emit(this.readNumber());
      else if (c === 0x74) this.emit(this.literal('true', true));
      else if (c === 0x66) this.emit(this.literal('false', false));
      else if (c === 0x6e) this.emit(this.literal('null', null));
      else this.fail('unexpected character');
      if (this.done || !this.afterValue()) break;
    }
    this.skip();
    if (this.i < this.n) this.fail('unexpected text after the header object');
    return this.result;
  }

  /** Attach a finished value to the enclosing container, or make it the result. */
  private emit(v: HeaderJson): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.result = v;
      this.done = true;
    } else if (Array.isArray(top.container)) top.container.push(v);
    else top.container.set(top.key, v);
  }

  /** After a value inside a container: ',' or the closing bracket. Returns true when a value must follow. */
  private afterValue(): boolean {
    for (;;) {
      this.skip();
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) return false;
      const c = this.text.charCodeAt(this.i);
      const isArray = Array.isArray(top.container);
      if (c === 0x2c) {
        this.i++;
        if (!isArray) this.readKey(top);
        return true;
      }
      if ((isArray && c === 0x5d) || (!isArray && c === 0x7d)) {
        this.i++;
        this.stack.pop();
        this.emit(top.container);
        if (this.done) return false;
        continue;
      }
      return this.fail(this.i >= this.n ? 'unexpected end of header' : `expected ',' or '${isArray ? ']' : '}'}'`);
    }
  }

  private readKey(frame: Frame): void {
    this.skip();
    if (this.text.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
    const start = this.i;
    const key = this.readString();
    if ((frame.container as Map<string, HeaderJson>).has(key)) {
      this.i = start;
      this.fail(`duplicate key ${JSON.stringify(key.length > 60 ? key.slice(0, 60) + '…' : key)}`);
    }
    this.skip();
    if (this.text.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
    this.i++;
    frame.key = key;
  }

  private readString(): string {
    const t = this.text;
    let i = this.i + 1; // after the opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= this.n) {
        this.i = i;
        this.fail('unterminated string');
      }
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return start === this.i - 1 && out === '' ? '' : out + t.slice(start, i);
      }
      if (c < 0x20) {
        this.i = i;
        this.fail('control character in string');
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(start, i);
      const e = t.charCodeAt(i + 1);
      switch (e) {
        case 0x22: out += '"'; break;
        case 0x5c: out += '\\'; break;
        case 0x2f: out += '/'; break;
        case 0x62: out += '\b'; break;
        case 0x66: out += '\f'; break;
        case 0x6e: out += '\n'; break;
        case 0x72: out += '\r'; break;
        case 0x74: out += '\t'; break;
        case 0x75: {
          const hex = t.slice(i + 2, i + 6);
          if (!HEX4.test(hex)) {
            this.i = i;
            this.fail('bad \\u escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          this.i = i;
          this.fail('bad escape in string');
      }
      i += 2;
      start = i;
    }
  }

  private readNumber(): number | JsonFloat {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.fail('bad number');
    this.i += m[0].length;
    const value = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new JsonFloat(value, m[0]) : value;
  }

  private literal(word: string, value: HeaderJson): HeaderJson {
    if (!this.text.startsWith(word, this.i)) this.fail('unexpected character');
    this.i += word.length;
    return value;
  }
}
