/**
 * Layer: contracts. One committed part, as the destination reports it and the
 * state ledger and manifest record it.
 */
export interface FileRecord {
  readonly runId: string;
  readonly exportName: string;
  /** Path relative to the destination prefix (the manifest's `path`). */
  readonly path: string;
  /** Where the part lives, for humans (`file:///…`, `stdout`). */
  readonly uri: string;
  readonly partIndex: number;
  readonly rows: number;
  readonly bytes: number;
  /** `xxh3:<16 hex>` of the part's bytes. */
  readonly xxh3: string;
  /** Base64 MD5 of the part's bytes. */
  readonly md5: string;
  readonly format: 'parquet' | 'csv';
  readonly compression: string;
  readonly createdAt: string;
}
