/**
 * Layer: types. Builders for fixed-width columns. Decoders write straight into the
 * typed arrays; int64-backed values are written as two int32 words so the hot path
 * never allocates a BigInt. Every builder reuses its storage: `finish()` returns views
 * that stay valid until the builder is appended to again (one batch in flight).
 */
import type { ColumnData } from './column-data.js';
import { ValidityBuilder } from './validity-builder.js';

const INITIAL_CAPACITY = 1024;

type NumericLayout = 'int16' | 'int32' | 'float32' | 'float64' | 'bool';
type ArrayFor<L extends NumericLayout> = L extends 'int16'
  ? Int16Array
  : L extends 'int32'
    ? Int32Array
    : L extends 'float32'
      ? Float32Array
      : L extends 'float64'
        ? Float64Array
        : Uint8Array;

const CONSTRUCTORS = {
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
  bool: Uint8Array,
} as const;

/** int16 / int32 / float32 / float64 / bool (one byte per value; packed by the writers). */
export class NumberBuilder<L extends NumericLayout> {
  readonly layout: L;
  values: ArrayFor<L>;
  length = 0;
  readonly #validity = new ValidityBuilder();

  constructor(layout: L, capacity = INITIAL_CAPACITY) {
    this.layout = layout;
    this.values = new CONSTRUCTORS[layout](capacity) as ArrayFor<L>;
  }

  append(value: number): void {
    if (this.length === this.values.length) this.#grow();
    this.values[this.length++] = value;
  }

  appendNull(): void {
    if (this.length === this.values.length) this.#grow();
    this.#validity.setNull(this.length, this.values.length);
    this.values[this.length++] = 0;
  }

  byteSize(): number {
    return this.length * this.values.BYTES_PER_ELEMENT;
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const values = this.values.subarray(0, this.length);
    const data = { layout: this.layout, length: this.length, values, validity, nullCount } as ColumnData;
    this.length = 0;
    return data;
  }

  #grow(): void {
    const next = new CONSTRUCTORS[this.layout](this.values.length * 2) as ArrayFor<L>;
    next.set(this.values as never);
    this.values = next;
    this.#validity.reserve(next.length);
  }
}

/** int64, time (µs) and timestamp (µs since the Unix epoch) columns. */
export class Int64Builder {
  /** Little-endian word pairs: words[2i] low, words[2i+1] high. */
  words: Int32Array;
  length = 0;
  readonly #validity = new ValidityBuilder();

  constructor(capacity = INITIAL_CAPACITY) {
    this.words = new Int32Array(capacity * 2);
  }

  appendWords(low: number, high: number): void {
    if (this.length * 2 === this.words.length) this.#grow();
    const i = this.length++ * 2;
    this.words[i] = low;
    this.words[i + 1] = high;
  }

  /** Exact for |value| < 2^53; larger values must come through appendWords or appendBigInt. */
  appendNumber(value: number): void {
    this.appendWords((value % 0x1_0000_0000) | 0, Math.floor(value / 0x1_0000_0000) | 0);
  }

  appendBigInt(value: bigint): void {
    this.appendWords(Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n)));
  }

  appendNull(): void {
    if (this.length * 2 === this.words.length) this.#grow();
    this.#validity.setNull(this.length, this.words.length / 2);
    this.appendWords(0, 0);
  }

  byteSize(): number {
    return this.length * 8;
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const values = new BigInt64Array(this.words.buffer, this.words.byteOffset, this.length);
    const data: ColumnData = { layout: 'int64', length: this.length, values, validity, nullCount };
    this.length = 0;
    return data;
  }

  #grow(): void {
    const next = new Int32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
    this.#validity.reserve(next.length / 2);
  }
}

/** Fixed-size binary columns (UUID: 16 bytes per value). */
export class FixedBytesBuilder {
  readonly width: number;
  bytes: Uint8Array;
  length = 0;
  readonly #validity = new ValidityBuilder();

  constructor(width: number, capacity = INITIAL_CAPACITY) {
    this.width = width;
    this.bytes = new Uint8Array(capacity * width);
  }

  /** Reserves the next slot and returns its byte offset; the caller fills `bytes`. */
  next(): number {
    if (this.length * this.width === this.bytes.length) this.#grow();
    return this.length++ * this.width;
  }

  appendNull(): void {
    const offset = this.next();
    this.bytes.fill(0, offset, offset + this.width);
    this.#validity.setNull(this.length - 1, this.bytes.length / this.width);
  }

  byteSize(): number {
    return this.length * this.width;
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const data = this.bytes.subarray(0, this.length * this.width);
    const length = this.length;
    this.length = 0;
    return { layout: 'fixedBinary', length, width: this.width, data, validity, nullCount };
  }

  #grow(): void {
    const next = new Uint8Array(this.bytes.length * 2);
    next.set(this.bytes);
    this.bytes = next;
    this.#validity.reserve(next.length / this.width);
  }
}

/** Decimal128 columns: four little-endian uint32 words per value, two's complement. */
export class DecimalBuilder {
  readonly precision: number;
  readonly scale: number;
  words: Uint32Array;
  length = 0;
  readonly #validity = new ValidityBuilder();

  constructor(precision: number, scale: number, capacity = INITIAL_CAPACITY) {
    this.precision = precision;
    this.scale = scale;
    this.words = new Uint32Array(capacity * 4);
  }

  /** Reserves the next value (zeroed) and returns the index of its lowest word. */
  next(): number {
    if (this.length * 4 === this.words.length) this.#grow();
    const at = this.length++ * 4;
    this.words.fill(0, at, at + 4);
    return at;
  }

  /** Drops the value reserved last (its conversion failed). */
  undoNext(): void {
    this.length--;
  }

  appendNull(): void {
    this.next();
    this.#validity.setNull(this.length - 1, this.words.length / 4);
  }

  byteSize(): number {
    return this.length * 16;
  }

  finish(): ColumnData {
    const { validity, nullCount } = this.#validity.finish(this.length);
    const words = this.words.subarray(0, this.length * 4);
    const length = this.length;
    this.length = 0;
    return { layout: 'decimal128', length, words, validity, nullCount };
  }

  #grow(): void {
    const next = new Uint32Array(this.words.length * 2);
    next.set(this.words);
    this.words = next;
    this.#validity.reserve(next.length / 4);
  }
}
