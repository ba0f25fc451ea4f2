/**
 * Layer: format/parquet. parquet-wasm writer properties for one file: codec, row-group
 * size from the first batch's measured row width, no dictionaries (measured: on the
 * wide fixture they doubled the file and cost 20% time next to zstd), pinned
 * `created_by` so equal input gives equal bytes.
 */
import * as pw from 'parquet-wasm/node';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { formatRivetType } from '../../types/rivet-type.js';
import type { FormatOptions } from '../format.js';

const CODECS = {
  zstd: pw.Compression.ZSTD,
  snappy: pw.Compression.SNAPPY,
  gzip: pw.Compression.GZIP,
  lz4: pw.Compression.LZ4_RAW,
  none: pw.Compression.UNCOMPRESSED,
} as const;

const MIN_GROUP_ROWS = 1_000;
/** DuckDB writes ~123k-row groups; a cap in rows also bounds WASM memory for narrow rows. */
const MAX_GROUP_ROWS = 262_144;

/** The first batch's shape (row groups are sized from its row width). */
type FirstBatch = Pick<Batch, 'length' | 'byteSize'>;

export function writerProperties(
  columns: readonly ColumnSpec[],
  first: FirstBatch | undefined,
  options: FormatOptions,
): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression])
    .setCreatedBy('rivet')
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(groupRows(first, options))
    .setKeyValueMetadata(new Map([['rivet.columns', columnsMetadata(columns)]]))
    .build();
}

function groupRows(first: FirstBatch | undefined, options: FormatOptions): number {
  if (options.rowGroupRows !== undefined) return options.rowGroupRows;
  if (first === undefined || first.length === 0) return MAX_GROUP_ROWS;
  const rowBytes = Math.max(1, first.byteSize / first.length);
  return Math.max(MIN_GROUP_ROWS, Math.min(MAX_GROUP_ROWS, Math.floor(options.rowGroupBytes / rowBytes)));
}

/** Provenance for readers: each column's source type, Rivet type, fidelity and override (no run ids: bytes stay deterministic). */
function columnsMetadata(columns: readonly ColumnSpec[]): string {
  return JSON.stringify(
    columns.map((c) => ({
      name: c.name,
      source_type: c.sourceType,
      rivet_type: formatRivetType(c.type),
      fidelity: c.fidelity?.fidelity ?? 'exact',
      ...(c.override === undefined ? {} : { override: c.override }),
    })),
  );
}
