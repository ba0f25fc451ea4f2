/**
 * Layer: config. The upstream `rivet.yaml` surface as strict zod schemas: every key
 * the upstream tool knows is known here (unknown keys are errors at every level),
 * even where Rivet does not act on it yet — those are refused later by name.
 */
import { z } from 'zod';

const uint = z.number().int().min(0);

export const tuningSchema = z.strictObject({
  profile: z.enum(['fast', 'balanced', 'safe']).optional(),
  batch_size: uint.optional(),
  batch_size_memory_mb: uint.optional(),
  throttle_ms: uint.optional(),
  statement_timeout_s: uint.optional(),
  max_retries: uint.optional(),
  retry_backoff_ms: uint.optional(),
  lock_timeout_s: uint.optional(),
  memory_threshold_mb: uint.optional(),
  max_batch_memory_mb: uint.optional(),
  on_batch_memory_exceeded: z.enum(['warn', 'fail', 'auto_shrink']).optional(),
  adaptive: z.boolean().optional(),
  min_parallel: uint.optional(),
  max_value_mb: uint.optional(),
});
export const TUNING_KEYS = Object.keys(tuningSchema.shape);

const tlsSchema = z.strictObject({
  mode: z.enum(['disable', 'require', 'verify-ca', 'verify-full']).optional(),
  ca_file: z.string().optional(),
  accept_invalid_certs: z.boolean().optional(),
  accept_invalid_hostnames: z.boolean().optional(),
});

export const sourceSchema = z.strictObject({
  type: z.enum(['postgres', 'mysql', 'mssql', 'mongo']),
  url: z.string().optional(),
  url_env: z.string().optional(),
  url_file: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  password_env: z.string().optional(),
  database: z.string().optional(),
  environment: z.enum(['local', 'replica', 'production']).optional(),
  tuning: tuningSchema.optional(),
  tls: tlsSchema.optional(),
  mongo: z.record(z.string(), z.unknown()).optional(),
});

const destinationSchema = z.strictObject({
  type: z.enum(['local', 's3', 'gcs', 'azure', 'stdout']),
  path: z.string().optional(),
  prefix: z.string().optional(),
  bucket: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  credentials_file: z.string().optional(),
  access_key_env: z.string().optional(),
  secret_key_env: z.string().optional(),
  session_token_env: z.string().optional(),
  aws_profile: z.string().optional(),
  account_name: z.string().optional(),
  account_key_env: z.string().optional(),
  sas_token_env: z.string().optional(),
  allow_anonymous: z.boolean().optional(),
});

const parquetSchema = z.strictObject({
  row_group_strategy: z.enum(['auto', 'fixed_rows', 'fixed_memory']).optional(),
  row_group_rows: z.number().int().min(1).optional(),
  target_row_group_mb: z.number().int().min(1).optional(),
  max_row_group_mb: z.number().int().min(1).optional(),
});

const qualitySchema = z.strictObject({
  row_count_min: uint.optional(),
  row_count_max: uint.optional(),
  null_ratio_max: z.record(z.string(), z.number()).optional(),
  unique_columns: z.array(z.string()).optional(),
  unique_max_entries: uint.optional(),
});

export const exportSchema = z.strictObject({
  name: z.string(),
  query: z.string().optional(),
  query_file: z.string().optional(),
  table: z.string().optional(),
  tables: z.array(z.string()).optional(),
  mode: z.enum(['full', 'incremental', 'chunked', 'time_window', 'cdc']).optional(),
  format: z.enum(['parquet', 'csv']),
  compression: z.enum(['zstd', 'snappy', 'gzip', 'lz4', 'none']).optional(),
  compression_level: uint.optional(),
  compression_profile: z.enum(['none', 'fast', 'balanced', 'compact']).optional(),
  skip_empty: z.boolean().optional(),
  /** A bare YAML number (`max_file_size: 1048576`, `0`) is a size in bytes and goes through the same grammar. */
  max_file_size: z.union([z.string(), z.number().transform(String)]).optional(),
  destination: destinationSchema,
  meta_columns: z
    .strictObject({
      exported_at: z.boolean().optional(),
      row_hash: z.union([z.boolean(), z.array(z.string())]).optional(),
    })
    .optional(),
  quality: qualitySchema.optional(),
  on_schema_drift: z.enum(['warn', 'continue', 'fail']).optional(),
  shape_drift_warn_factor: z.number().min(0).optional(),
  columns: z.record(z.string(), z.string()).optional(),
  parquet: parquetSchema.optional(),
  verify: z.enum(['size', 'content']).optional(),
  tuning: tuningSchema.optional(),
  wave: uint.optional(),
  parallel_safe: z.boolean().optional(),
  source_group: z.string().optional(),
  reconcile_required: z.boolean().optional(),
  target: z.string().optional(),
  partition_by: z.string().optional(),
  partition_granularity: z.enum(['day', 'month', 'year']).optional(),
  load: z.unknown().optional(),
  cdc: z.record(z.string(), z.unknown()).optional(),
  cursor_column: z.string().optional(),
  incremental_cursor_mode: z.enum(['single_column', 'coalesce']).optional(),
  cursor_fallback_column: z.string().optional(),
  chunk_column: z.string().optional(),
  chunk_size: z.number().int().optional(),
  chunk_size_memory_mb: uint.optional(),
  chunk_count: z.number().int().optional(),
  chunk_by_days: z.number().int().optional(),
  chunk_dense: z.boolean().optional(),
  chunk_by_key: z.string().optional(),
  parallel: z.number().int().optional(),
  chunk_checkpoint: z.boolean().optional(),
  chunk_max_attempts: uint.optional(),
  keyset_incremental: z.boolean().optional(),
  time_column: z.string().optional(),
  days_window: uint.optional(),
  time_column_type: z.enum(['timestamp', 'unix']).optional(),
  cursor_lag: z.string().optional(),
  chunk_null_keys: z.enum(['refuse', 'own_chunk']).optional(),
  allow_unbounded_read: z.boolean().optional(),
  consistent_snapshot: z.boolean().optional(),
  zero_dates: z.enum(['as_null', 'error']).optional(),
  numeric_special: z.enum(['as_null', 'error']).optional(),
  allow_lossy: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  source: sourceSchema,
  exports: z.array(exportSchema),
  notifications: z.record(z.string(), z.unknown()).optional(),
  parallel_exports: z.boolean().optional(),
  parallel_export_processes: z.boolean().optional(),
  load: z.unknown().optional(),
});

export type RawConfig = z.infer<typeof configSchema>;
export type RawExport = z.infer<typeof exportSchema>;
export type RawSource = z.infer<typeof sourceSchema>;
export type RawTuning = z.infer<typeof tuningSchema>;
