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

export interface StateStore {
  readonly runs: RunStore;
  readonly files: FileStore;
  readonly metrics: MetricStore;
  close(): Promise<void>;
}
