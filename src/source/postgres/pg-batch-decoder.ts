/**
 * Layer: source/postgres. One set of column builders plus their binary and text
 * decoders for an export's columns; `take()` hands the filled columns over as a Batch.
 */

import { type ColumnBuilder, createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import type { CopyColumn } from './copy-binary-parser.js';
import { binaryDecoder } from './pg-binary-decoders.js';
import { type TextDecoder, textDecoder } from './pg-text-decoders.js';
import { valueTooLarge } from './pg-value-error.js';

export class PgBatchDecoder {
  readonly columns: readonly ColumnSpec[];
  readonly #builders: readonly ColumnBuilder[];
  readonly copyColumns: readonly CopyColumn[];
  readonly #text: readonly TextDecoder[];
  readonly #maxValueBytes: number;

  constructor(columns: readonly ColumnSpec[], maxValueBytes: number) {
    this.columns = columns;
    this.#maxValueBytes = maxValueBytes > 0 ? maxValueBytes : Number.MAX_SAFE_INTEGER;
    this.#builders = columns.map((c) => createBuilder(c.type));
    this.copyColumns = columns.map((c, i) => {
      const builder = this.#builders[i]!;
      // The text rendering of a `text` override arrives as UTF-8 bytes in binary COPY too.
      const ctx = { column: c.name, checkPrecision: c.sourceType === 'numeric' };
      return {
        name: c.name,
        decode: binaryDecoder(c.type, builder, ctx),
        appendNull: () => builder.appendNull(),
      };
    });
    this.#text = columns.map((c, i) =>
      textDecoder(c.type, this.#builders[i]!, { column: c.name, checkPrecision: c.sourceType === 'numeric' }),
    );
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
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) this.#builders[i]!.appendNull();
      else {
        // A UTF-16 unit is at most 3 UTF-8 bytes: only long values need the exact count.
        if (value.length * 3 > this.#maxValueBytes && Buffer.byteLength(value) > this.#maxValueBytes) {
          throw valueTooLarge(this.columns[i]!.name, Buffer.byteLength(value), this.#maxValueBytes);
        }
        this.#text[i]!(value);
      }
    }
  }

  /** Hands over the rows decoded so far and starts empty columns. */
  take(): Batch {
    const byteSize = this.byteSize();
    const length = this.rows;
    const columns = this.#builders.map((b) => b.finish());
    return { schema: this.columns, length, columns, byteSize };
  }
}
