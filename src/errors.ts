/**
 * One error type for everything a user can get wrong (a file, a shape, an option).
 * The message is one line that names the thing; `hint` says what to do about it
 * (llm.c's HINT). The CLI prints `error: message` and `hint: hint`, never a stack.
 */
export class BertTsError extends Error {
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'BertTsError';
    this.hint = hint;
  }
}

/** The most characters of untrusted text (a name, a value, a shape) an error message quotes. */
export const QUOTE_LIMIT = 80;

/**
 * Untrusted text or a parsed JSON value, made safe to put in an error message:
 * strings JSON-quoted, anything else rendered without recursion past a few
 * levels, and the result cut at `limit` characters with "…(N chars)" after it.
 * Never throws, whatever the value (deep nesting, cycles, huge strings).
 */
const PLAIN = /^[^'"\\\x00-\x1f\x7f-\x9f\u2028\u2029]*$/;

export function quote(value: unknown, limit = QUOTE_LIMIT): string {
  if (typeof value === 'string') {
    const cut = value.length <= limit ? value : value.slice(0, limit);
    // plain text as 'name' (the house style); anything with quotes or control characters JSON-escaped, so it stays one line
    const q = PLAIN.test(cut) ? `'${cut}'` : JSON.stringify(cut);
    return cut === value ? q : `${q}…(${value.length} chars)`;
  }
  let out: string;
  try {
    out = render(value, 0, { left: limit });
  } catch {
    out = Object.prototype.toString.call(value); // a getter that throws, a revoked proxy
  }
  return out.length <= limit ? out : `${out.slice(0, limit)}…`;
}

/** A bounded rendering: at most 4 levels, and it stops once `budget.left` characters are spent. */
function render(x: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  if (x instanceof Map) {
    const head: [unknown, unknown][] = [];
    for (const e of x) if (head.push(e) >= 16) break;
    x = Object.fromEntries(head);
  }
  else if (typeof x === 'object' && x !== null && typeof (x as { toJSON?: unknown }).toJSON === 'function') x = (x as { toJSON(): unknown }).toJSON();
  let s: string;
  if (x === null || typeof x === 'number' || typeof x === 'boolean') s = String(x);
  else if (x === undefined) s = 'undefined';
  else if (typeof x === 'string') s = JSON.stringify(x.length > budget.left ? x.slice(0, budget.left) : x);
  else if (typeof x === 'bigint') s = `${x}n`;
  else if (typeof x === 'function' || typeof x === 'symbol') s = typeof x;
  else if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    if (depth >= 4) s = '[…]';
    else {
      const arr = x as ArrayLike<unknown>;
      const parts: string[] = [];
      for (let i = 0; i < arr.length && budget.left > 0; i++) parts.push(render(arr[i], depth + 1, budget));
      s = `[${parts.join(',')}${parts.length < arr.length ? ',…' : ''}]`;
    }
  } else {
    if (depth >= 4) s = '{…}';
    else {
      const parts: string[] = [];
      const keys = Object.keys(x as object);
      for (let i = 0; i < keys.length && budget.left > 0; i++) {
        parts.push(`${JSON.stringify(keys[i].slice(0, budget.left))}:${render((x as Record<string, unknown>)[keys[i]], depth + 1, budget)}`);
      }
      s = `{${parts.join(',')}${parts.length < keys.length ? ',…' : ''}}`;
    }
  }
  budget.left -= s.length;
  return s;
}

/** Like quote(), but a string is always JSON-quoted ("F12"): for values, where quote() is for names. */
export function quoteJson(value: unknown, limit = QUOTE_LIMIT): string {
  if (typeof value !== 'string') return quote(value, limit);
  const cut = value.length <= limit ? value : value.slice(0, limit);
  return cut === value ? JSON.stringify(cut) : `${JSON.stringify(cut)}…(${value.length} chars)`;
}
