/**
 * Layer: source/mysql. One set of column builders fed with text-protocol rows (arrays
 * of raw Buffers, NULL as null); `take()` hands the filled columns over as a Batch.
 * Zero dates turned into NULL are counted per column for the summary's warnings.
 */
import { type ColumnBuilder, createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { effectiveValueLimit, valueTooLarge } from '../value-errors.js';
import { type MyDecoder, myDecoder } from './my-decoders.js';

export type ZeroDatePolicy = 'null' | 'error';

export class MyBatchDecoder {
  readonly columns: readonly ColumnSpec[];
  readonly #builders: readonly ColumnBuilder[];
  readonly #decoders: readonly MyDecoder[];
  readonly #maxValueBytes: number;
  /** Zero dates read as NULL, per column name. */
  readonly zeroDates = new Map<string, number>();
  /** Raw bytes decoded since the last `take()` (a page's size, for the page sizer). */
  bytes = 0;

  constructor(columns: readonly ColumnSpec[], maxValueBytes: number, zeroDates: ZeroDatePolicy) {
    this.columns = columns;
    this.#maxValueBytes = effectiveValueLimit(maxValueBytes);
    this.#builders = columns.map((c) => createBuilder(c.type));
    this.#decoders = columns.map((c, i) =>
      myDecoder(c.type, this.#builders[i]!, {
        column: c.name,
        checkPrecision: c.override !== undefined,
        zeroDates,
        onZeroDate: () => this.zeroDates.set(c.name, (this.zeroDates.get(c.name) ?? 0) + 1),
      }),
    );
  }

  get rows(): number {
    return this.#builders[0]?.length ?? 0;
  }

  appendRow(row: readonly (Buffer | null)[]): void {
    const limit = this.#maxValueBytes;
    let bytes = 0;
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (value === null || value === undefined) {
        this.#builders[i]!.appendNull();
        continue;
      }
      if (value.length > limit) throw valueTooLarge(this.columns[i]!.name, value.length, limit);
      bytes += value.length;
      this.#decoders[i]!(value);
    }
    this.bytes += bytes + row.length;
  }

  /** Hands over the rows decoded so far; the views stay valid until the next append. */
  take(): Batch {
    let byteSize = 0;
    for (const b of this.#builders) byteSize += b.byteSize();
    const length = this.rows;
    const columns = this.#builders.map((b) => b.finish());
    this.bytes = 0;
    return { schema: this.columns, length, columns, byteSize };
  }
}
