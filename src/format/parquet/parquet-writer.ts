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
import { type ColumnSpec, formatRivetType, type RivetType } from '../../types/rivet-type.js';
import type { ByteSink, Format, FormatOptions, FormatWriter } from '../format.js';
import { arrowSchema, toRecordBatch } from './arrow-batch.js';
import { footerRowCount, patchParquetTail } from './footer-patch.js';
import { writerProperties } from './writer-properties.js';

const SLICE_BYTES = 4 * 1024 * 1024;

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
  bytesWritten = 0;

  constructor(sink: ByteSink, columns: readonly ColumnSpec[], options: FormatOptions) {
    this.#sink = sink;
    this.#columns = columns;
    this.#options = options;
    this.#schema = arrowSchema(columns);
  }

  async write(batch: Batch): Promise<void> {
    if (batch.length === 0) return;
    this.#checkSchema(batch);
    const record = toRecordBatch(this.#schema, batch);
    // Slices bound the WASM copies of a batch (IPC bytes + decoded arrays) to a few MB.
    const rowsPerSlice = Math.max(1, Math.floor((SLICE_BYTES * batch.length) / Math.max(batch.byteSize, 1)));
    for (let from = 0; from < batch.length; from += rowsPerSlice) {
      const wasmBatches = toWasmBatches(record.slice(from, Math.min(batch.length, from + rowsPerSlice)));
      if (this.#pump === undefined) {
        await this.#start(batch, wasmBatches);
      } else {
        await this.#waitForDemand();
        this.#throwIfFailed();
        for (const wasmBatch of wasmBatches) this.#input!.enqueue(wasmBatch);
      }
      // parquet-wasm only flushes finished row groups when the event loop turns.
      await nextTurn();
      this.#throwIfFailed();
    }
    this.#rows += batch.length;
  }

  async finish(): Promise<{ rows: number }> {
    // Parts are opened on their first batch, so a writer always has a schema by now.
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
  async #start(first: Batch, wasmBatches: readonly pw.RecordBatch[]): Promise<void> {
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
      writerProperties(this.#columns, first, this.#options),
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

function toWasmBatches(record: arrow.RecordBatch): pw.RecordBatch[] {
  const ipc = arrow.tableToIPC(new arrow.Table([record]), 'stream');
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
