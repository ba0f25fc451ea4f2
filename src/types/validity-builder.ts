/**
 * Layer: types. A validity bitmap that costs nothing until the first NULL arrives.
 */
import type { Validity } from './column-data.js';

export class ValidityBuilder {
  #bits: Uint8Array | null = null;
  #nullCount = 0;

  get nullCount(): number {
    return this.#nullCount;
  }

  /** Marks `index` as NULL; `capacity` is the owner's current value capacity. */
  setNull(index: number, capacity: number): void {
    if (this.#bits === null) {
      this.#bits = new Uint8Array(Math.ceil(capacity / 8)).fill(0xff);
    } else if (this.#bits.length * 8 <= index) {
      this.#grow(capacity);
    }
    this.#bits[index >> 3]! &= ~(1 << (index & 7));
    this.#nullCount++;
  }

  /** Keeps the bitmap (if any) large enough for `capacity` values. */
  reserve(capacity: number): void {
    if (this.#bits !== null && this.#bits.length * 8 < capacity) this.#grow(capacity);
  }

  finish(length: number): { validity: Validity; nullCount: number } {
    const bits = this.#bits;
    const nullCount = this.#nullCount;
    this.#bits = null;
    this.#nullCount = 0;
    if (bits === null || nullCount === 0) return { validity: null, nullCount: 0 };
    return { validity: bits.subarray(0, Math.ceil(length / 8)), nullCount };
  }

  #grow(capacity: number): void {
    const old = this.#bits!;
    const next = new Uint8Array(Math.max(Math.ceil(capacity / 8), old.length * 2)).fill(0xff);
    next.set(old);
    this.#bits = next;
  }
}
