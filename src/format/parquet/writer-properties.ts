/**
 * Layer: format/parquet. parquet-wasm writer properties for one file: codec, row-group
 * size from the first batch's measured row width, dictionaries only where the first
 * batch shows low cardinality, pinned `created_by` so equal input gives equal bytes.
 */
import * as pw from 'parquet-wasm/node';
import type { Batch, ColumnData } from '../../types/column-data.js';
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
const DICTIONARY_SAMPLE = 2_000;
const DICTIONARY_MAX_DISTINCT_RATIO = 0.2;

export function writerProperties(
  columns: readonly ColumnSpec[],
  first: Batch | undefined,
  options: FormatOptions,
): pw.WriterProperties {
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(CODECS[options.compression])
    .setCreatedBy('rivet')
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(groupRows(first, options))
    .setKeyValueMetadata(new Map([['rivet.columns', columnsMetadata(columns)]]));
  if (first !== undefined) {
    first.columns.forEach((column, i) => {
      if (column.layout === 'var' && lowCardinality(column)) {
        builder = builder.setColumnDictionaryEnabled(columns[i]!.name, true);
      }
    });
  }
  return builder.build();
}

function groupRows(first: Batch | undefined, options: FormatOptions): number {
  if (options.rowGroupRows !== undefined) return options.rowGroupRows;
  if (first === undefined || first.length === 0) return MAX_GROUP_ROWS;
  const rowBytes = Math.max(1, first.byteSize / first.length);
  return Math.max(MIN_GROUP_ROWS, Math.min(MAX_GROUP_ROWS, Math.floor(options.rowGroupBytes / rowBytes)));
}

function lowCardinality(column: Extract<ColumnData, { layout: 'var' }>): boolean {
  const n = Math.min(column.length, DICTIONARY_SAMPLE);
  if (n < 100) return false;
  const seen = new Set<string>();
  const data = Buffer.from(column.data.buffer, column.data.byteOffset, column.data.byteLength);
  for (let i = 0; i < n; i++) {
    seen.add(data.toString('latin1', column.offsets[i]!, column.offsets[i + 1]!));
    if (seen.size > n * DICTIONARY_MAX_DISTINCT_RATIO) return false;
  }
  return true;
}

/** Provenance for readers: each column's source type and canonical Rivet type (no run ids: bytes stay deterministic). */
function columnsMetadata(columns: readonly ColumnSpec[]): string {
  return JSON.stringify(
    columns.map((c) => ({ name: c.name, source_type: c.sourceType, rivet_type: formatRivetType(c.type) })),
  );
}
