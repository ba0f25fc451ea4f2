/**
 * Layer: format (seam). Turns columnar batches into file bytes, streaming: memory is
 * bounded by one row group (Parquet) or one batch (CSV), never by the file.
 */
import type { Batch } from '../types/column-data.js';
import type { ColumnSpec } from '../types/rivet-type.js';

/**
 * Where encoded bytes go; awaiting `write` is the backpressure. A sink must not keep a
 * reference to `chunk` after its promise settles: writers reuse their buffers.
 */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
}

export interface FormatWriter {
  write(batch: Batch): Promise<void>;
  /** Flushes everything (footer, tail) into the sink; returns the rows the file holds. */
  finish(): Promise<{ readonly rows: number }>;
  /** Releases resources after a failure; the sink's bytes are then discarded by its owner. */
  abort(): void;
  /** Bytes handed to the sink so far (drives `max_file_size` rotation). */
  readonly bytesWritten: number;
}

export interface FormatOptions {
  readonly compression: 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'none';
  /** Target bytes of one Parquet row group (bounds writer memory). */
  readonly rowGroupBytes: number;
  /** Fixed rows per row group, when the config asks for it. */
  readonly rowGroupRows: number | undefined;
}

export interface Format {
  readonly kind: 'parquet' | 'csv';
  /** Async so heavy encoders (the Parquet WASM module) load only when a part is opened. */
  open(sink: ByteSink, columns: readonly ColumnSpec[], options: FormatOptions): Promise<FormatWriter>;
}
