/**
 * A normalized piece of text with its alignment to the original: for each UTF-16
 * unit of the normalized text, the [start, end) UTF-16 range of the original code
 * point it came from. This is the alignment HF's NormalizedString keeps per byte;
 * a token's offsets are then [start of its first unit, end of its last unit].
 *
 * The buffers are reused across calls so that encoding allocates little.
 */
export class NormalizedText {
  units: Uint16Array;
  start: Int32Array;
  end: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.units = new Uint16Array(capacity);
    this.start = new Int32Array(capacity);
    this.end = new Int32Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  /** Makes room for `capacity` units in total. */
  reserve(capacity: number): void {
    if (capacity <= this.units.length) return;
    const n = Math.max(capacity, this.units.length * 2);
    const units = new Uint16Array(n);
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    units.set(this.units.subarray(0, this.length));
    start.set(this.start.subarray(0, this.length));
    end.set(this.end.subarray(0, this.length));
    this.units = units;
    this.start = start;
    this.end = end;
  }

  /** The normalized text of units [from, to). */
  toString(from = 0, to = this.length): string {
    let s = '';
    for (let i = from; i < to; i += 4096) {
      s += String.fromCharCode.apply(null, this.units.subarray(i, Math.min(to, i + 4096)) as unknown as number[]);
    }
    return s;
  }
}
