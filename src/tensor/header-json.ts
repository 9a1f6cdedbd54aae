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

const WS = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

interface Frame {
  container: HeaderJson[] | Map<string, HeaderJson>;
  key: string | undefined; // the pending key of an object
}

export function parseHeaderJson(text: string, maxDepth = MAX_HEADER_DEPTH): HeaderJson {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new HeaderJsonError(`${what} at character ${i}`);
  };
  const skip = () => {
    while (i < n && WS(text.charCodeAt(i))) i++;
  };
  const stack: Frame[] = [];
  let result: HeaderJson | undefined;
  let done = false;

  /** Attach a finished value to the enclosing container, or make it the result. */
  const emit = (v: HeaderJson) => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      result = v;
      done = true;
    } else if (Array.isArray(top.container)) top.container.push(v);
    else top.container.set(top.key!, v);
  };

  /** After a value inside a container: ',' or the closing bracket. Returns true when a value must follow. */
  const afterValue = (): boolean => {
    for (;;) {
      skip();
      const top = stack[stack.length - 1];
      if (top === undefined) return false;
      const c = text.charCodeAt(i);
      const isArray = Array.isArray(top.container);
      if (c === 0x2c) {
        i++;
        if (!isArray) readKey(top);
        return true;
      }
      if ((isArray && c === 0x5d) || (!isArray && c === 0x7d)) {
        i++;
        stack.pop();
        emit(top.container);
        if (done) return false;
        continue;
      }
      return fail(i >= n ? 'unexpected end of header' : `expected ',' or '${isArray ? ']' : '}'}'`);
    }
  };

  const readKey = (frame: Frame) => {
    skip();
    if (text.charCodeAt(i) !== 0x22) fail('expected a string key');
    const key = readString();
    if ((frame.container as Map<string, HeaderJson>).has(key)) {
      i -= 1;
      fail(`duplicate key ${JSON.stringify(key.length > 60 ? key.slice(0, 60) + '…' : key)}`);
    }
    skip();
    if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
    i++;
    frame.key = key;
  };

  const readString = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text.charCodeAt(i + 1);
      i += 2;
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
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          i -= 2;
          fail('bad escape in string');
      }
      start = i;
    }
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const readNumber = (): number | JsonFloat => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail('bad number');
    i += m[0].length;
    const value = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? new JsonFloat(value, m[0]) : value;
  };

  const literal = (word: string, value: HeaderJson): HeaderJson => {
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
    return value;
  };

  // Read values until the top-level one is complete.
  for (;;) {
    skip();
    if (i >= n) fail('unexpected end of header');
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
      i++;
      const frame: Frame = { container: c === 0x7b ? new Map() : [], key: undefined };
      stack.push(frame);
      skip();
      const close = c === 0x7b ? 0x7d : 0x5d;
      if (text.charCodeAt(i) === close) {
        i++;
        stack.pop();
        emit(frame.container);
      } else {
        if (c === 0x7b) readKey(frame);
        continue;
      }
    } else if (c === 0x22) emit(readString());
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) emit(readNumber());
    else if (c === 0x74) emit(literal('true', true));
    else if (c === 0x66) emit(literal('false', false));
    else if (c === 0x6e) emit(literal('null', null));
    else fail('unexpected character');
    if (done || !afterValue()) break;
  }
  skip();
  if (i < n) fail('unexpected text after the header object');
  return result!;
}
