/**
 * Layer: contracts. Manifest v1 as written beside the parts (`manifest.json`,
 * `manifest-<run_id>.json`), upstream-compatible; readers ignore unknown fields.
 */
import type { FileRecord } from './file-record.js';

export interface ManifestPart {
  readonly part_id: number;
  readonly path: string;
  readonly rows: number;
  readonly size_bytes: number;
  readonly content_fingerprint: string;
  readonly content_md5: string;
  readonly status: 'committed';
}

export interface ManifestColumn {
  readonly name: string;
  readonly type: string;
  readonly source_type: string;
}

export interface Manifest {
  readonly manifest_version: 1;
  readonly run_id: string;
  readonly export_name: string;
  readonly mode: 'batch';
  readonly started_at: string;
  readonly finished_at: string;
  readonly status: 'success' | 'failed';
  readonly error?: { readonly code: string; readonly message: string };
  readonly source: {
    readonly engine: string;
    readonly schema: string | null;
    readonly table: string | null;
    readonly extraction: { readonly strategy: 'full'; readonly source_row_count?: number };
  };
  readonly destination: { readonly kind: string; readonly uri: string };
  readonly format: string;
  readonly compression: string;
  /** The configured level, if any (the Parquet writer applies its default level). */
  readonly compression_level?: number;
  readonly schema_fingerprint: string;
  readonly schema: readonly ManifestColumn[];
  readonly row_count: number;
  readonly part_count: number;
  readonly parts: readonly ManifestPart[];
}

export function manifestPart(file: FileRecord): ManifestPart {
  return {
    part_id: file.partIndex,
    path: file.path,
    rows: file.rows,
    size_bytes: file.bytes,
    content_fingerprint: file.xxh3,
    content_md5: file.md5,
    status: 'committed',
  };
}
