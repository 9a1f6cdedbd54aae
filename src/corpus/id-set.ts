/**
 * The ids seen so far, to warn about duplicates across the whole input while
 * memory stays small: a 52-bit hash of each id in an open-addressing table of
 * doubles (8 bytes a slot, at most half full: ≤ 16 bytes an id, no strings
 * kept). Two different ids share a hash with probability ~n²/2⁵³, so a false
 * "duplicate" warning is vanishingly rare; it never changes what is written.
 */
import { createHash } from 'node:crypto';

export class IdSet {
  private slots = new Float64Array(1024);
  private used = 0;

  get size(): number {
    return this.used;
  }

  /** true when the id was new (and is now in the set) */
  add(id: string): boolean {
    const h = hash52(id);
    if (this.used * 2 >= this.slots.length) this.grow();
    return insert(this.slots, h) && ++this.used > 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const h of old) if (h !== 0) insert(this.slots, h);
  }
}

/** 1..2⁵²: 0 marks an empty slot. */
function hash52(id: string): number {
  const d = createHash('sha1').update(id).digest();
  return d.readUIntBE(0, 6) * 16 + (d[6] >> 4) + 1;
}

function insert(slots: Float64Array, h: number): boolean {
  const mask = slots.length - 1;
  for (let i = h % slots.length; ; i = (i + 1) & mask) {
    if (slots[i] === 0) {
      slots[i] = h;
      return true;
    }
    if (slots[i] === h) return false;
  }
}
