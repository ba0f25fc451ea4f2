/**
 * Layer: source/postgres. One set of column builders plus the decoders of the read
 * path in use (binary for COPY, text for FETCH, built on first use); `take()` hands
 * the filled columns over as a Batch.
 */

import { type ColumnBuilder, createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnConversion, ColumnSpec } from '../../types/rivet-type.js';
import {
  bytesToUuid,
  countValue,
  reportAltered,
  type TextConverter,
  textConverter,
} from '../override-converter.js';
import { effectiveValueLimit, valueTooLarge } from '../value-errors.js';
import type { CopyColumn } from './copy-binary-parser.js';
import { type BinaryDecoder, binaryDecoder, type DecoderContext } from './pg-binary-decoders.js';
import { type TextDecoder, textDecoder } from './pg-text-decoders.js';

export class PgBatchDecoder {
  readonly columns: readonly ColumnSpec[];
  readonly #builders: readonly ColumnBuilder[];
  readonly #maxValueBytes: number;
  #copyColumns: readonly CopyColumn[] | undefined;
  #text: readonly TextDecoder[] | undefined;
  readonly #numericSpecials: 'null' | 'error';
  /** `numeric_special: as_null`: NaN / ±Infinity values read as NULL, per column. */
  readonly numericSpecials = new Map<string, number>();
  /** Values a lossy override rounded or truncated, per column. */
  readonly altered = new Map<string, number>();

  constructor(
    columns: readonly ColumnSpec[],
    maxValueBytes: number,
    numericSpecials: 'null' | 'error' = 'error',
  ) {
    this.columns = columns;
    this.#numericSpecials = numericSpecials;
    this.#maxValueBytes = effectiveValueLimit(maxValueBytes);
    this.#builders = columns.map((c) => createBuilder(c.type));
  }

  /** Column decoders for COPY (FORMAT binary); a `text` override arrives as UTF-8 bytes there too. */
  get copyColumns(): readonly CopyColumn[] {
    this.#copyColumns ??= this.columns.map((c, i) => {
      const builder = this.#builders[i]!;
      const decode: BinaryDecoder =
        c.convert === undefined
          ? binaryDecoder(c.type, builder, this.#context(c))
          : this.#convertBinary(c, c.convert, builder);
      return { name: c.name, decode, appendNull: () => builder.appendNull() };
    });
    return this.#copyColumns;
  }

  get rows(): number {
    return this.#builders[0]?.length ?? 0;
  }

  byteSize(): number {
    let total = 0;
    for (const b of this.#builders) total += b.byteSize();
    return total;
  }

  /** Appends one row of raw text values (NULL as null), from a FETCH on the cursor path. */
  appendTextRow(row: readonly (string | null)[]): void {
    this.#text ??= this.columns.map((c, i) =>
      c.convert === undefined
        ? textDecoder(c.type, this.#builders[i]!, this.#context(c))
        : this.#convertText(c, c.convert, this.#builders[i]!),
    );
    const text = this.#text;
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) {
        this.#builders[i]!.appendNull();
        continue;
      }
      // A UTF-16 unit is at most 3 UTF-8 bytes: only long values need the exact count.
      if (value.length * 3 > this.#maxValueBytes && Buffer.byteLength(value) > this.#maxValueBytes) {
        throw valueTooLarge(this.columns[i]!.name, Buffer.byteLength(value), this.#maxValueBytes);
      }
      text[i]!(value);
    }
  }

  /** An overridden column read from its text form (or raw bytes, from COPY) into the override's type. */
  #convertBinary(column: ColumnSpec, convert: ColumnConversion, builder: ColumnBuilder): BinaryDecoder {
    if (convert.input === 'bytes') {
      const append = bytesToUuid(builder, column.name);
      return (buf, start, len) => append(buf, start, start + len);
    }
    const append = this.#converter(column, convert, builder);
    return (buf, start, len) => append(buf.toString('utf8', start, start + len));
  }

  /** The FETCH path prints bytea as `\x` hex. */
  #convertText(column: ColumnSpec, convert: ColumnConversion, builder: ColumnBuilder): TextDecoder {
    if (convert.input === 'text') return this.#converter(column, convert, builder);
    const append = bytesToUuid(builder, column.name);
    return (text) => {
      const bytes = Buffer.from(text.slice(2), 'hex');
      append(bytes, 0, bytes.length);
    };
  }

  #converter(column: ColumnSpec, convert: ColumnConversion, builder: ColumnBuilder): TextConverter {
    return textConverter(column.type, builder, {
      column: column.name,
      from: convert.from,
      lossy: convert.lossy,
      onAltered: () => countValue(this.altered, column.name),
    });
  }

  /** Values of an overridden column are checked against the override as they are decoded. */
  #context(column: ColumnSpec): DecoderContext {
    const count = () =>
      this.numericSpecials.set(column.name, (this.numericSpecials.get(column.name) ?? 0) + 1);
    return {
      column: column.name,
      checkPrecision: column.override !== undefined,
      ...(this.#numericSpecials === 'null' && { onNumericSpecial: count }),
    };
  }

  /** Hands over the rows decoded so far; the views stay valid until the next append. */
  take(): Batch {
    const byteSize = this.byteSize();
    const length = this.rows;
    const columns = this.#builders.map((b) => b.finish());
    return { schema: this.columns, length, columns, byteSize };
  }
}

/** NaN / ±Infinity numerics read as NULL (`numeric_special: as_null`), reported per column. */
export function reportNumericSpecials(
  decoder: PgBatchDecoder,
  onWarning: ((message: string) => void) | undefined,
): void {
  for (const [column, count] of decoder.numericSpecials)
    onWarning?.(`column '${column}': ${count} numeric NaN/Infinity value(s) exported as NULL`);
  reportAltered(decoder.altered, onWarning);
}
