/**
 * Layer: config. The typed, frozen Config the rest of Rivet sees: defaults applied,
 * secrets still as references (env names, file paths), resolved only at connect time.
 */
import type { GcsPlan, S3Plan } from '../contracts/object-store-plan.js';
import type { Compression, ReadPolicy, SourceRelation } from '../contracts/run-plan.js';
import type { ResolvedTuning } from './tuning-profiles.js';

export type SourceConnection =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'url_env'; readonly name: string }
  | { readonly kind: 'url_file'; readonly path: string }
  | {
      readonly kind: 'structured';
      readonly host: string;
      readonly port: number | undefined;
      readonly user: string;
      readonly password:
        | { readonly kind: 'inline'; readonly value: string }
        | { readonly kind: 'env'; readonly name: string }
        | undefined;
      readonly database: string;
    };

export interface TlsConfig {
  readonly mode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  readonly caFile: string | undefined;
  readonly acceptInvalidCerts: boolean;
  readonly acceptInvalidHostnames: boolean;
}

export interface SourceConfig {
  readonly type: 'postgres' | 'mysql';
  readonly connection: SourceConnection;
  /** `undefined` when the file has no `tls:` block (remote hosts are then refused). */
  readonly tls: TlsConfig | undefined;
}

export type DestinationConfig =
  | { readonly kind: 'local'; readonly path: string }
  | S3DestinationConfig
  | GcsDestinationConfig
  | { readonly kind: 'stdout' };

/** Same shape as the plan; here `prefix` may still hold placeholders such as `{export}`. */
export type S3DestinationConfig = S3Plan;
export type GcsDestinationConfig = GcsPlan;

/** The incremental cursor: one column, or `COALESCE(column, fallback)`. */
export interface CursorConfig {
  readonly column: string;
  readonly fallback: string | undefined;
}

/**
 * How a chunked export is cut. `auto` (a `table:` without a strategy) resolves at
 * plan time to the table's key: `range` for a single integer key, `key` otherwise.
 */
export type ChunkingConfig =
  | { readonly kind: 'range'; readonly column: string; readonly size: number }
  | { readonly kind: 'count'; readonly column: string; readonly count: number }
  | { readonly kind: 'days'; readonly column: string; readonly days: number }
  | { readonly kind: 'key'; readonly column: string; readonly size: number }
  | { readonly kind: 'auto'; readonly size: number };

export type ModeConfig =
  | { readonly kind: 'full' }
  | {
      readonly kind: 'incremental';
      readonly cursor: CursorConfig;
      /** `cursor_lag`: the cursor never advances past `now − lag` (late commits are not skipped). */
      readonly lagMs: number | undefined;
    }
  | {
      readonly kind: 'time_window';
      readonly column: string;
      readonly days: number;
      readonly columnType: 'timestamp' | 'unix';
    }
  | {
      readonly kind: 'chunked';
      readonly chunking: ChunkingConfig;
      readonly parallel: number;
      readonly checkpoint: boolean;
      /** Total attempts per chunk (`chunk_max_attempts`, else `max_retries + 1`). */
      readonly maxAttempts: number;
      /** `chunk_null_keys`: NULL chunk keys refuse the plan, or become their own chunk. */
      readonly nullKeys: 'refuse' | 'own_chunk';
    };

export interface ExportConfig {
  readonly name: string;
  readonly relation: SourceRelation;
  readonly mode: ModeConfig;
  readonly format: 'parquet' | 'csv';
  readonly compression: Compression;
  readonly compressionLevel: number | undefined;
  readonly skipEmpty: boolean;
  readonly maxFileBytes: number | undefined;
  readonly destination: DestinationConfig;
  /** `columns:` overrides; `allowLossy` from the export's `allow_lossy`, `strict` from `--strict`. */
  readonly columns: readonly {
    readonly column: string;
    readonly type: string;
    readonly allowLossy: boolean;
    readonly strict?: boolean;
  }[];
  readonly rowGroupRows: number | undefined;
  readonly rowGroupBytes: number;
  readonly tuning: ResolvedTuning;
  readonly readPolicy: ReadPolicy;
  /** Default warehouse of `rivet check --type-report` (`target:`). */
  readonly target: string | undefined;
}

export interface Config {
  /** Path of the config file as given, and its absolute directory (state lives there). */
  readonly path: string;
  readonly dir: string;
  readonly source: SourceConfig;
  readonly exports: readonly ExportConfig[];
  /** `parallel_exports` / `parallel_export_processes`: run exports concurrently (in-process). */
  readonly parallelExports: boolean;
  /** Non-fatal findings, each printed once. */
  readonly warnings: readonly string[];
}
