/**
 * Layer: format/parquet. Streaming Parquet through parquet-wasm: batches go in
 * through a pull-driven stream (backpressure), row groups come out as they fill,
 * and the bytes emitted after the input closes — the footer — are held back, checked
 * (row count) and patched (UUID/JSON logical types) before they reach the sink.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import { InternalError } from '../../common/errors.js';
import type { Batch } from '../../types/column-data.js';
import { copyRows } from '../../types/copy-rows.js';
import { type ColumnSpec, formatRivetType, type RivetType } from '../../types/rivet-type.js';
import type { ByteSink, Format, FormatOptions, FormatWriter } from '../format.js';
import { arrowSchema, toRecordBatch } from './arrow-batch.js';
import { footerRowCount, patchParquetTail } from './footer-patch.js';
import { writerProperties } from './writer-properties.js';

const SLICE_BYTES = 4 * 1024 * 1024;
/** A write unit holds about this many bytes: small enough to copy, large enough to be cheap. */
const UNIT_BYTES = 1024 * 1024;

/** Rows per encoder write call: a power of two from 1 to 16384, from the first batch's row width. */
function writeUnit(first: Batch): number {
  const rowBytes = Math.max(1, first.byteSize / first.length);
  return 2 ** Math.max(0, Math.min(14, Math.floor(Math.log2(UNIT_BYTES / rowBytes))));
}

export const parquetFormat: Format = {
  kind: 'parquet',
  open: async (sink, columns, options) => new ParquetWriter(sink, columns, options),
};

class ParquetWriter implements FormatWriter {
  readonly #sink: ByteSink;
  readonly #columns: readonly ColumnSpec[];
  readonly #options: FormatOptions;
  readonly #schema: arrow.Schema;
  #input: ReadableStreamDefaultController<pw.RecordBatch> | undefined;
  #pulled: (() => void) | undefined;
  #demand = false;
  #pump: Promise<void> | undefined;
  #closing = false;
  readonly #tail: Uint8Array[] = [];
  #rows = 0;
  #failure: unknown;
  /** The first batch's shape: it sizes row groups (the first page is always the same rows). */
  #first: { readonly length: number; readonly byteSize: number } | undefined;
  /** Rows per encoder write call (0 until the first batch). */
  #unit = 0;
  /** Rows past the last whole unit, copied out of their batch, waiting for the next one. */
  #carry: Batch | undefined;
  bytesWritten = 0;

  constructor(sink: ByteSink, columns: readonly ColumnSpec[], options: FormatOptions) {
    this.#sink = sink;
    this.#columns = columns;
    this.#options = options;
    this.#schema = arrowSchema(columns);
  }

  /**
   * arrow-rs's page boundaries depend on how rows are split into write calls, and our
   * batch sizes follow statement timings. So every write call holds exactly `unit` rows
   * (from the first batch's width; the last call may hold fewer): the rows past a batch's
   * last whole unit are copied and carried into the next. Equal rows give equal bytes.
   */
  async write(batch: Batch): Promise<void> {
    if (batch.length === 0) return;
    this.#checkSchema(batch);
    this.#first ??= { length: batch.length, byteSize: batch.byteSize };
    this.#unit ||= writeUnit(batch);
    this.#rows += batch.length;
    let start = 0;
    const carry = this.#carry;
    if (carry !== undefined) {
      const need = this.#unit - carry.length;
      const whole = { batch: carry, start: 0, end: carry.length };
      if (batch.length < need) {
        this.#carry = copyRows([whole, { batch, start: 0, end: batch.length }]);
        return;
      }
      this.#carry = undefined;
      await this.#emit(copyRows([whole, { batch, start: 0, end: need }]), 0, this.#unit);
      start = need;
    }
    const aligned = start + Math.floor((batch.length - start) / this.#unit) * this.#unit;
    if (aligned > start) await this.#emit(batch, start, aligned);
    if (aligned < batch.length) this.#carry = copyRows([{ batch, start: aligned, end: batch.length }]);
  }

  /** Rows [from, to) of a batch to the encoder, in slices of whole units (bounded WASM copies). */
  async #emit(batch: Batch, from: number, to: number): Promise<void> {
    const record = toRecordBatch(this.#schema, batch);
    const fit = Math.floor((SLICE_BYTES * batch.length) / Math.max(batch.byteSize, 1) / this.#unit);
    const rowsPerSlice = Math.max(1, fit) * this.#unit;
    for (let at = from; at < to; at += rowsPerSlice) {
      const wasmBatches = toWasmBatches(record.slice(at, Math.min(to, at + rowsPerSlice)), this.#unit);
      if (this.#pump === undefined) {
        await this.#start(wasmBatches);
      } else {
        await this.#waitForDemand();
        this.#throwIfFailed();
        for (const wasmBatch of wasmBatches) this.#input!.enqueue(wasmBatch);
      }
      // parquet-wasm only flushes finished row groups when the event loop turns.
      await nextTurn();
      this.#throwIfFailed();
    }
  }

  async finish(): Promise<{ rows: number }> {
    // Parts are opened on their first batch, so a writer always has a schema by now.
    const carry = this.#carry;
    this.#carry = undefined;
    if (carry !== undefined) await this.#emit(carry, 0, carry.length);
    if (this.#pump === undefined)
      throw new InternalError('a Parquet part was finished before any batch was written');
    this.#closing = true;
    this.#input!.close();
    await this.#pump;
    this.#throwIfFailed();
    const tail = Buffer.concat(this.#tail);
    const written = footerRowCount(tail);
    if (written !== BigInt(this.#rows)) {
      throw new InternalError(`Parquet footer records ${written} rows but ${this.#rows} were written`);
    }
    const patched = patchParquetTail(tail, {
      uuidColumns: leafPaths(this.#columns, 'uuid'),
      jsonColumns: leafPaths(this.#columns, 'json'),
    });
    await this.#sink.write(patched);
    this.bytesWritten += patched.length;
    return { rows: this.#rows };
  }

  abort(): void {
    this.#failure ??= new Error('aborted');
    try {
      this.#input?.error(this.#failure);
    } catch {
      // The stream may already be closed or errored.
    }
  }

  /** parquet-wasm takes the schema from the first batch: it must be queued before the transform resolves. */
  async #start(wasmBatches: readonly pw.RecordBatch[]): Promise<void> {
    const input = new ReadableStream<pw.RecordBatch>(
      {
        start: (controller) => {
          this.#input = controller;
        },
        pull: () => {
          this.#demand = true;
          this.#pulled?.();
        },
      },
      { highWaterMark: 1 },
    );
    const transformed = pw.transformParquetStream(
      input,
      writerProperties(this.#columns, this.#first, this.#options),
    );
    for (const wasmBatch of wasmBatches) this.#input!.enqueue(wasmBatch);
    this.#demand = false;
    const output = await transformed;
    this.#pump = this.#drain(output).catch((error: unknown) => {
      this.#failure ??= error;
    });
  }

  async #drain(output: ReadableStream<Uint8Array>): Promise<void> {
    const reader = output.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (this.#closing) {
        this.#tail.push(value);
      } else {
        await this.#sink.write(value);
        this.bytesWritten += value.length;
      }
    }
  }

  async #waitForDemand(): Promise<void> {
    while (!this.#demand && this.#failure === undefined) {
      await new Promise<void>((resolve) => {
        this.#pulled = resolve;
        // A failed pump never pulls again: wake up to notice the failure.
        void this.#pump?.then(resolve);
      });
    }
    this.#demand = false;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** parquet-wasm silently drops a batch whose schema differs, so every batch is checked. */
  #checkSchema(batch: Batch): void {
    if (batch.schema === this.#columns) return;
    const same =
      batch.schema.length === this.#columns.length &&
      batch.schema.every(
        (c, i) =>
          c.name === this.#columns[i]!.name &&
          formatRivetType(c.type) === formatRivetType(this.#columns[i]!.type),
      );
    if (!same) throw new InternalError('a batch does not match the Parquet file schema');
  }
}

/** One encoder batch per `unit` rows, through a single IPC stream. */
function toWasmBatches(record: arrow.RecordBatch, unit: number): pw.RecordBatch[] {
  const units: arrow.RecordBatch[] = [];
  for (let at = 0; at < record.numRows; at += unit)
    units.push(record.slice(at, Math.min(record.numRows, at + unit)));
  const ipc = arrow.tableToIPC(new arrow.Table(units), 'stream');
  const table = pw.Table.fromIPCStream(ipc);
  // The batches hold their own references; freeing the table now keeps WASM memory flat.
  const batches = table.recordBatches();
  table.free();
  return batches;
}

/** Parquet leaf paths of columns whose (list item) type is `kind`; lists nest as `<name>.list.item`. */
function leafPaths(columns: readonly ColumnSpec[], kind: RivetType['kind']): string[][] {
  const paths: string[][] = [];
  for (const c of columns) {
    if (c.type.kind === kind) paths.push([c.name]);
    else if (c.type.kind === 'list' && c.type.item.kind === kind) paths.push([c.name, 'list', 'item']);
  }
  return paths;
}
