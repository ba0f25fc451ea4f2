/**
 * Layer: state (seam). What Rivet remembers between runs, as small domain stores:
 * runs (lifecycle), files (the manifest ledger), metrics (one terminal row per run).
 * Async so a networked backend fits the same seam.
 */
import type { FileRecord } from '../contracts/file-record.js';

export type RunStatus = 'running' | 'success' | 'failed' | 'skipped';

export interface RunRecord {
  readonly runId: string;
  readonly exportName: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly finishedAt: string;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export interface RunStore {
  start(run: {
    readonly runId: string;
    readonly exportName: string;
    readonly startedAt: string;
  }): Promise<void>;
  finish(runId: string, outcome: RunOutcome): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
  list(filter: { readonly exportName?: string; readonly limit: number }): Promise<readonly RunRecord[]>;
}

export interface FileStore {
  /** Idempotent per (run, path): a retried part never double-counts. */
  record(file: FileRecord): Promise<void>;
  forRun(runId: string): Promise<readonly FileRecord[]>;
  list(filter: { readonly exportName?: string; readonly limit: number }): Promise<readonly FileRecord[]>;
}

export interface MetricRecord {
  readonly runId: string;
  readonly exportName: string;
  readonly runAt: string;
  readonly status: Exclude<RunStatus, 'running'>;
  readonly durationMs: number;
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly peakRssMb: number;
  readonly format: string;
  readonly compression: string;
  readonly mode: string;
  readonly tuningProfile: string;
  readonly retries: number;
  readonly statements: number;
  readonly longestStatementMs: number;
  readonly errorMessage: string | null;
}

export interface MetricStore {
  record(metric: MetricRecord): Promise<void>;
  list(filter: { readonly exportName?: string; readonly limit: number }): Promise<readonly MetricRecord[]>;
}

/** The incremental cursor of an export: an opaque string, exactly as the source printed it. */
export interface CursorRecord {
  readonly exportName: string;
  /** What the value is a value of (`updated_at`, `coalesce(updated_at,created_at)`): a changed
   * cursor definition makes the stored value meaningless, so the engine compares it. */
  readonly column: string;
  readonly value: string;
  readonly runId: string;
  readonly updatedAt: string;
}

export interface CursorStore {
  get(exportName: string): Promise<CursorRecord | undefined>;
  /** Called only after the run's files and manifest are durable (write before cursor). */
  set(cursor: CursorRecord): Promise<void>;
  /** Every stored cursor, by export name. */
  list(): Promise<readonly CursorRecord[]>;
  /** Forgets the cursor; true when there was one. */
  reset(exportName: string): Promise<boolean>;
}

export type ChunkRunStatus = 'in_progress' | 'completed' | 'abandoned';
export type ChunkTaskStatus = 'pending' | 'running' | 'done' | 'failed';

export interface ChunkRunRecord {
  readonly runId: string;
  readonly exportName: string;
  /** XXH3 over the key-sorted JSON of what defines the chunk plan; `--resume` refuses another. */
  readonly planHash: string;
  readonly status: ChunkRunStatus;
  readonly maxAttempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ChunkTaskRecord {
  readonly runId: string;
  readonly index: number;
  /** The chunk's window, serialized by the engine (opaque to state). */
  readonly unit: string;
  /** Human-readable bounds for `rivet state chunks`. */
  readonly lower: string | null;
  readonly upper: string | null;
  readonly status: ChunkTaskStatus;
  readonly attempts: number;
  readonly rows: number;
  /** Paths of the parts the chunk committed (prefix-relative). */
  readonly files: readonly string[];
  readonly lastError: string | null;
  readonly updatedAt: string;
}

export interface NewChunkTask {
  readonly index: number;
  readonly unit: string;
  readonly lower: string | null;
  readonly upper: string | null;
}

export interface ChunkStore {
  /**
   * Creates a chunk run with its pending tasks in one transaction. Throws a RivetError
   * `RIVET_STATE_CHUNK_RUN_EXISTS` when the export already has an `in_progress` run
   * (enforced by the store, not check-then-act).
   */
  create(run: Omit<ChunkRunRecord, 'status' | 'updatedAt'>, tasks: readonly NewChunkTask[]): Promise<void>;
  inProgress(exportName: string): Promise<ChunkRunRecord | undefined>;
  /** The newest chunk run of the export, whatever its status. */
  latest(exportName: string): Promise<ChunkRunRecord | undefined>;
  tasks(runId: string): Promise<readonly ChunkTaskRecord[]>;
  /** `--resume` preamble: `running` → `pending`; `failed` → `pending` with attempts 0. */
  prepareResume(runId: string, at: string): Promise<void>;
  /**
   * Atomically hands out the lowest-index claimable task — `pending`, or `failed` with
   * attempts < maxAttempts — as `running` with attempts + 1; undefined when none is left.
   */
  claim(runId: string, at: string): Promise<ChunkTaskRecord | undefined>;
  /** Marks the task done and records its files in the ledger, in one transaction. */
  complete(
    runId: string,
    index: number,
    result: { readonly rows: number; readonly files: readonly FileRecord[] },
    at: string,
  ): Promise<void>;
  /** Marks the task failed; a permanent failure pins attempts to maxAttempts (never re-claimed this run). */
  fail(runId: string, index: number, error: string, permanent: boolean, at: string): Promise<void>;
  /**
   * `--resume` found a done chunk's part missing or changed: the chunk goes back to
   * `pending` (files and rows cleared, attempts 0) with the reason as its last error.
   */
  reopen(runId: string, index: number, reason: string, at: string): Promise<void>;
  finish(runId: string, status: Exclude<ChunkRunStatus, 'in_progress'>, at: string): Promise<void>;
  /** Deletes every chunk run (and its tasks) of the export; returns how many runs. */
  reset(exportName: string): Promise<number>;
}

/** Who holds an export: one run at a time, across processes, surviving crashes via a lease. */
export interface ExportLockRecord {
  readonly exportName: string;
  readonly runId: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: string;
  readonly heartbeatAt: string;
  /** ISO time after which the holder is presumed dead (it stopped heartbeating). */
  readonly expiresAt: string;
}

export interface LockStore {
  get(exportName: string): Promise<ExportLockRecord | undefined>;
  /**
   * Compare-and-set in one transaction: takes the lock when it is free, or when the
   * current holder's runId equals `replacing` (the caller decided that holder is dead
   * or was told to `--force`). Returns the holder when the lock was not taken.
   */
  acquire(
    lock: ExportLockRecord,
    replacing?: string,
  ): Promise<{ readonly acquired: true } | { readonly acquired: false; readonly holder: ExportLockRecord }>;
  /** Extends the lease; false when the lock is no longer ours (someone forced it). */
  heartbeat(exportName: string, runId: string, heartbeatAt: string, expiresAt: string): Promise<boolean>;
  /** Releases the lock if this run holds it. */
  release(exportName: string, runId: string): Promise<void>;
}

export interface StateStore {
  readonly runs: RunStore;
  readonly files: FileStore;
  readonly metrics: MetricStore;
  readonly cursors: CursorStore;
  readonly chunks: ChunkStore;
  readonly locks: LockStore;
  close(): Promise<void>;
}
