/**
 * Layer: config. Upstream's tuning profiles and the per-field merge: source-level
 * `tuning:` is the base, export-level `tuning:` overrides field by field.
 */
import type { RawTuning } from './config-schema.js';

export type ProfileName = 'fast' | 'balanced' | 'safe';

export interface ProfileValues {
  readonly batchSize: number;
  readonly batchSizeMemoryMb: number | undefined;
  readonly throttleMs: number;
  readonly statementTimeoutS: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly lockTimeoutS: number;
  readonly maxValueMb: number;
}

export const PROFILES: Readonly<Record<ProfileName, ProfileValues>> = {
  fast: {
    batchSize: 50_000,
    batchSizeMemoryMb: 64,
    throttleMs: 0,
    statementTimeoutS: 0,
    maxRetries: 1,
    retryBackoffMs: 1_000,
    lockTimeoutS: 0,
    maxValueMb: 256,
  },
  balanced: {
    batchSize: 10_000,
    batchSizeMemoryMb: 32,
    throttleMs: 50,
    statementTimeoutS: 300,
    maxRetries: 3,
    retryBackoffMs: 2_000,
    lockTimeoutS: 30,
    maxValueMb: 256,
  },
  safe: {
    batchSize: 2_000,
    batchSizeMemoryMb: undefined,
    throttleMs: 500,
    statementTimeoutS: 120,
    maxRetries: 10,
    retryBackoffMs: 5_000,
    lockTimeoutS: 10,
    maxValueMb: 256,
  },
};

export interface ResolvedTuning {
  readonly profile: ProfileName;
  /** Rows per batch: explicit `batch_size` caps pages; otherwise the profile's row count is a fallback. */
  readonly batchRows: number;
  readonly batchRowsExplicit: boolean;
  readonly batchBytes: number;
  readonly throttleMs: number;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  readonly maxValueBytes: number;
}

/** A profile with no memory-driven size (`safe`) reads batches of about this many bytes. */
const DEFAULT_BATCH_MB = 16;

export function resolveTuning(
  environment: 'local' | 'replica' | 'production' | undefined,
  sourceTuning: RawTuning | undefined,
  exportTuning: RawTuning | undefined,
): ResolvedTuning {
  const merged: RawTuning = { ...sourceTuning, ...exportTuning };
  const profile: ProfileName = merged.profile ?? (environment === 'local' ? 'fast' : 'balanced');
  const p = PROFILES[profile];
  const memoryMb =
    merged.batch_size_memory_mb ?? (merged.batch_size === undefined ? p.batchSizeMemoryMb : undefined);
  return {
    profile,
    batchRows: merged.batch_size ?? p.batchSize,
    batchRowsExplicit: merged.batch_size !== undefined,
    batchBytes: (memoryMb ?? DEFAULT_BATCH_MB) * 1024 * 1024,
    throttleMs: merged.throttle_ms ?? p.throttleMs,
    statementTimeoutMs: (merged.statement_timeout_s ?? p.statementTimeoutS) * 1000,
    lockTimeoutMs: (merged.lock_timeout_s ?? p.lockTimeoutS) * 1000,
    maxRetries: merged.max_retries ?? p.maxRetries,
    retryBackoffMs: merged.retry_backoff_ms ?? p.retryBackoffMs,
    maxValueBytes: (merged.max_value_mb ?? p.maxValueMb) * 1024 * 1024,
  };
}
