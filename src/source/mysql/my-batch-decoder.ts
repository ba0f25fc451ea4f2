/**
 * Layer: source/mysql. One set of column builders fed with text-protocol rows (arrays
 * of raw Buffers, NULL as null); `take()` hands the filled columns over as a Batch.
 * Zero dates turned into NULL are counted per column for the summary's warnings.
 */
import { type ColumnBuilder, createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnConversion, ColumnSpec } from '../../types/rivet-type.js';
import { bytesToUuid, countValue, textConverter } from '../override-converter.js';
import { effectiveValueLimit, valueTooLarge } from '../value-errors.js';
import { type MyDecoder, type MyDecoderContext, myDecoder, zeroDate } from './my-decoders.js';
import { walkRow } from './my-row-packet.js';

export type ZeroDatePolicy = 'null' | 'error';

export class MyBatchDecoder {
  readonly columns: readonly ColumnSpec[];
  readonly #builders: readonly ColumnBuilder[];
  readonly #decoders: readonly MyDecoder[];
  readonly #maxValueBytes: number;
  /** Zero dates read as NULL, per column name. */
  readonly zeroDates = new Map<string, number>();
  /** Values a lossy override rounded or truncated, per column name. */
  readonly altered = new Map<string, number>();
  /** Raw bytes decoded since the last `take()` (a page's size, for the page sizer). */
  bytes = 0;

  constructor(columns: readonly ColumnSpec[], maxValueBytes: number, zeroDates: ZeroDatePolicy) {
    this.columns = columns;
    this.#maxValueBytes = effectiveValueLimit(maxValueBytes);
    this.#builders = columns.map((c) => createBuilder(c.type));
    this.#decoders = columns.map((c, i) => {
      const ctx: MyDecoderContext = {
        column: c.name,
        checkPrecision: c.override !== undefined,
        zeroDates,
        onZeroDate: () => countValue(this.zeroDates, c.name),
      };
      return c.convert === undefined
        ? myDecoder(c.type, this.#builders[i]!, ctx)
        : this.#converting(c, c.convert, this.#builders[i]!, ctx);
    });
  }

  /** An overridden column read from its text form (or raw bytes) into the override's type. */
  #converting(
    column: ColumnSpec,
    convert: ColumnConversion,
    builder: ColumnBuilder,
    ctx: MyDecoderContext,
  ): MyDecoder {
    if (convert.input === 'bytes') return bytesToUuid(builder, column.name);
    const append = textConverter(column.type, builder, {
      column: column.name,
      from: convert.from,
      lossy: convert.lossy,
      onAltered: () => countValue(this.altered, column.name),
      onZeroDate: (text) => zeroDate(builder, ctx, text),
    });
    return (buf, start, end) => append(buf.toString('utf8', start, end));
  }

  get rows(): number {
    return this.#builders[0]?.length ?? 0;
  }

  /** Appends one text-protocol row: the packet payload `buf[start, end)`. */
  appendPacket(buf: Buffer, start: number, end: number): void {
    this.#buffer = buf;
    const count = walkRow(buf, start, end, this.#onValue);
    if (count !== this.#builders.length) {
      throw new Error(`a MySQL row had ${count} values for ${this.#builders.length} columns`);
    }
    this.bytes += end - start;
  }

  readonly #onValue = (column: number, start: number, end: number): void => {
    if (start < 0) {
      this.#builders[column]!.appendNull();
      return;
    }
    if (end - start > this.#maxValueBytes) {
      throw valueTooLarge(this.columns[column]!.name, end - start, this.#maxValueBytes);
    }
    this.#decoders[column]!(this.#buffer, start, end);
  };

  /** The packet being walked (set per row: the value callback is allocated once). */
  #buffer: Buffer = Buffer.alloc(0);

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
