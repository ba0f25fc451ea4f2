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
import { rowBytes } from '../../types/row-bytes.js';
import type { ByteSink, Format, FormatOptions, FormatWriter } from '../format.js';
import { arrowSchema, toRecordBatch } from './arrow-batch.js';
import { footerRowCount, patchParquetTail } from './footer-patch.js';
import { writerProperties } from './writer-properties.js';

const SLICE_BYTES = 4 * 1024 * 1024;
/** A write unit ends after this many rows, or once its rows hold UNIT_BYTES. */
const MAX_UNIT_ROWS = 16_384;
const UNIT_BYTES = 1024 * 1024;

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
  /** Rows of the unit in progress, copied out of their batches, waiting for the rest. */
  #carry: Batch | undefined;
  /** Bytes (rowBytes) of the carried rows. */
  #carryBytes = 0;
  bytesWritten = 0;

  constructor(sink: ByteSink, columns: readonly ColumnSpec[], options: FormatOptions) {
    this.#sink = sink;
    this.#columns = columns;
    this.#options = options;
    this.#schema = arrowSchema(columns);
  }

  /**
   * arrow-rs's page boundaries depend on how rows are split into write calls, and our
   * batch sizes follow statement timings. So the encoder gets one call per *unit*: a run
   * of rows that ends after MAX_UNIT_ROWS rows or once its rows hold UNIT_BYTES (sizes
   * from the values alone). Units depend on the rows only, so equal rows give equal
   * bytes; rows past a batch's last complete unit are copied and carried into the next.
   */
  async write(batch: Batch): Promise<void> {
    if (batch.length === 0) return;
    this.#checkSchema(batch);
    this.#first ??= { length: batch.length, byteSize: batch.byteSize };
    this.#rows += batch.length;
    const ends = this.#unitEnds(batch);
    let from = 0;
    let next = 0;
    const carry = this.#carry;
    if (carry !== undefined && ends.length > 0) {
      this.#carry = undefined;
      const head = copyRows([
        { batch: carry, start: 0, end: carry.length },
        { batch, start: 0, end: ends[0]! },
      ]);
      await this.#emit(head, [[0, head.length]]);
      from = ends[0]!;
      next = 1;
    }
    const units: [number, number][] = [];
    for (; next < ends.length; next++) {
      units.push([from, ends[next]!]);
      from = ends[next]!;
    }
    if (units.length > 0) await this.#emit(batch, units);
    if (from < batch.length) {
      const rest = { batch, start: from, end: batch.length };
      const held = this.#carry;
      this.#carry = copyRows(
        held === undefined ? [rest] : [{ batch: held, start: 0, end: held.length }, rest],
      );
    }
  }

  /** Ends (exclusive, in batch rows) of the units this batch completes, counting the carry. */
  #unitEnds(batch: Batch): number[] {
    const sizes = rowBytes(batch);
    const ends: number[] = [];
    let rows = this.#carry?.length ?? 0;
    let bytes = this.#carryBytes;
    for (let r = 0; r < batch.length; r++) {
      rows++;
      bytes += sizes[r]!;
      if (rows >= MAX_UNIT_ROWS || bytes >= UNIT_BYTES) {
        ends.push(r + 1);
        rows = 0;
        bytes = 0;
      }
    }
    this.#carryBytes = bytes;
    return ends;
  }

  /** Units of a batch to the encoder, grouped into IPC streams of about SLICE_BYTES (bounded WASM copies). */
  async #emit(batch: Batch, units: readonly (readonly [number, number])[]): Promise<void> {
    const record = toRecordBatch(this.#schema, batch);
    const perRow = batch.byteSize / batch.length;
    let group: arrow.RecordBatch[] = [];
    let groupBytes = 0;
    for (const [from, to] of units) {
      group.push(record.slice(from, to));
      groupBytes += (to - from) * perRow;
      if (groupBytes >= SLICE_BYTES) {
        await this.#enqueue(toWasmBatches(group));
        group = [];
        groupBytes = 0;
      }
    }
    if (group.length > 0) await this.#enqueue(toWasmBatches(group));
  }

  async #enqueue(wasmBatches: readonly pw.RecordBatch[]): Promise<void> {
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

  async finish(): Promise<{ rows: number }> {
    // Parts are opened on their first batch, so a writer always has a schema by now.
    const carry = this.#carry;
    this.#carry = undefined;
    if (carry !== undefined) await this.#emit(carry, [[0, carry.length]]);
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

/** One encoder batch per unit, through a single IPC stream. */
function toWasmBatches(units: readonly arrow.RecordBatch[]): pw.RecordBatch[] {
  const ipc = arrow.tableToIPC(new arrow.Table([...units]), 'stream');
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
