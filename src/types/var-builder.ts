/**
 * Layer: types. Builder for variable-width columns (text, bytes, JSON, labels):
 * Arrow-style int32 offsets into one growing byte buffer, filled from raw bytes
 * or UTF-8 encoded once, never kept as JS strings. Storage is reused batch after batch
 * (the returned views are valid until the next append), so steady state allocates nothing.
 */
import type { ColumnData } from './column-data.js';
import { ValidityBuilder } from './validity-builder.js';

const INITIAL_VALUES = 1024;
const INITIAL_BYTES = 64 * 1024;
/** Arrow Utf8/Binary use int32 offsets: one batch column cannot exceed 2 GiB. */
const MAX_COLUMN_BYTES = 0x7fff_ffff;

export class VarBuilder {
  offsets: Int32Array;
  data: Buffer;
  length = 0;
  #end = 0;
  readonly #validity = new ValidityBuilder();

  constructor() {
    this.offsets = new Int32Array(INITIAL_VALUES + 1);
    this.data = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  /** Copies `len` bytes of `source` starting at `start`. */
  appendBytes(source: Buffer, start: number, len: number): void {
    this.#reserveBytes(len);
    // Buffer#copy takes offsets: no view object per value on the hot path.
    source.copy(this.data, this.#end, start, start + len);
    this.#close(len);
  }

  appendString(value: string): void {
    this.#reserveBytes(value.length * 3);
    this.#close(this.data.write(value, this.#end, 'utf8'));
  }

  appendNull(): void {
    this.#reserveBytes(0);
    this.#validity.setNull(this.length, this.offsets.length - 1);
    this.#close(0);
  }

  /** Bytes written so far (lists use this to size their children). */
  get byteLength(): number {
    return this.#end;
  }

  byteSize(): number {
    return this.#end + this.length * 4;
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const data: ColumnData = {
      layout: 'var',
      length: this.length,
      offsets: this.offsets.subarray(0, this.length + 1),
      data: this.data.subarray(0, this.#end),
      validity,
      nullCount,
    };
    // Storage is reused for the next batch: the views above stay valid until then.
    this.length = 0;
    this.#end = 0;
    return data;
  }

  #close(written: number): void {
    this.#end += written;
    this.offsets[++this.length] = this.#end;
  }

  #reserveBytes(extra: number): void {
    if (this.length + 1 >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
      this.#validity.reserve(next.length - 1);
    }
    const needed = this.#end + extra;
    if (needed <= this.data.length) return;
    if (needed > MAX_COLUMN_BYTES) {
      throw new RangeError(`a batch column would exceed ${MAX_COLUMN_BYTES} bytes`);
    }
    const next = Buffer.allocUnsafe(Math.min(MAX_COLUMN_BYTES, Math.max(needed, this.data.length * 2)));
    this.data.copy(next, 0, 0, this.#end);
    this.data = next;
  }
}
