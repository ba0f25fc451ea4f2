/**
 * Layer: types. The columnar batch: fixed-width values in typed arrays, variable
 * values as offsets + one byte buffer, validity as an Arrow-style LSB bitmap.
 * Never an array of row objects (ARCHITECTURE.md, "Batch").
 */
import type { ColumnSpec } from './rivet-type.js';

/** Bit i of `validity` is 1 when value i is present; `null` means no value is NULL. */
export type Validity = Uint8Array | null;

export type ColumnData =
  | {
      readonly layout: 'bool';
      readonly length: number;
      readonly values: Uint8Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'int16';
      readonly length: number;
      readonly values: Int16Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'int32';
      readonly length: number;
      readonly values: Int32Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'int64';
      readonly length: number;
      readonly values: BigInt64Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'float32';
      readonly length: number;
      readonly values: Float32Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'float64';
      readonly length: number;
      readonly values: Float64Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  /** Decimal128: four little-endian uint32 words per value, two's complement. */
  | {
      readonly layout: 'decimal128';
      readonly length: number;
      readonly words: Uint32Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'fixedBinary';
      readonly length: number;
      readonly width: number;
      readonly data: Uint8Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'var';
      readonly length: number;
      readonly offsets: Int32Array;
      readonly data: Uint8Array;
      readonly validity: Validity;
      readonly nullCount: number;
    }
  | {
      readonly layout: 'list';
      readonly length: number;
      readonly offsets: Int32Array;
      readonly child: ColumnData;
      readonly validity: Validity;
      readonly nullCount: number;
    };

/** A batch of rows, column by column, all columns of the same length. */
export interface Batch {
  readonly schema: readonly ColumnSpec[];
  readonly length: number;
  readonly columns: readonly ColumnData[];
  /** Approximate bytes held by the batch, for memory budgets. */
  readonly byteSize: number;
}

export function isValid(validity: Validity, index: number): boolean {
  return validity === null || ((validity[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
}
