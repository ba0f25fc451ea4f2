/**
 * Layer: state/sqlite. The default StateStore: `.rivet_state.db` beside the config,
 * WAL journal, 10 s busy timeout, migrated on open. Cursors, chunks and locks live in
 * their own sibling files.
 */
import Database from 'better-sqlite3';
import { RivetError } from '../../common/errors.js';
import type { FileRecord } from '../../contracts/file-record.js';
import type { ChunkStore, CursorStore, LockStore, MetricRecord, RunRecord, StateStore } from '../state.js';
import { migrate } from './migrations.js';
import { recordFile } from './record-file.js';
import { createSqliteChunkStore } from './sqlite-chunk-store.js';
import { createSqliteCursorStore } from './sqlite-cursor-store.js';
import { createSqliteLockStore } from './sqlite-lock-store.js';

export function openSqliteState(path: string): StateStore {
  if (path.trim() === '') throw new RivetError('RIVET_STATE_PATH', 'refusing an empty state database path');
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 10_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, path);
  } catch (error) {
    if (error instanceof RivetError) throw error;
    throw new RivetError(
      'RIVET_STATE_OPEN',
      `cannot open state database ${path}: ${(error as Error).message}`,
      {
        hint: 'the directory of the config file must be writable (the state lives beside it)',
        cause: error,
      },
    );
  }
  return new SqliteState(db);
}

class SqliteState implements StateStore {
  readonly #db: Database.Database;

  readonly cursors: CursorStore;
  readonly chunks: ChunkStore;
  readonly locks: LockStore;

  constructor(db: Database.Database) {
    this.#db = db;
    this.cursors = createSqliteCursorStore(db);
    this.chunks = createSqliteChunkStore(db);
    this.locks = createSqliteLockStore(db);
  }

  readonly runs = {
    start: async (run: { runId: string; exportName: string; startedAt: string }) => {
      this.#db
        .prepare("INSERT INTO runs (run_id, export_name, status, started_at) VALUES (?, ?, 'running', ?)")
        .run(run.runId, run.exportName, run.startedAt);
    },
    finish: async (runId: string, o: Omit<RunRecord, 'runId' | 'exportName' | 'startedAt'>) => {
      this.#db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, rows = ?, files = ?, bytes = ?, error_code = ?, error_message = ?
            WHERE run_id = ?`,
        )
        .run(o.status, o.finishedAt, o.rows, o.files, o.bytes, o.errorCode, o.errorMessage, runId);
    },
    get: async (runId: string) => {
      const row = this.#db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
      return row === undefined ? undefined : runFromRow(row);
    },
    list: async ({ exportName, limit }: { exportName?: string; limit: number }) =>
      (this.#select('runs', 'started_at DESC', exportName, limit) as RunRow[]).map(runFromRow),
  };

  readonly files = {
    record: async (f: FileRecord) => {
      recordFile(this.#db, f);
    },
    forRun: async (runId: string) =>
      (
        this.#db.prepare('SELECT * FROM files WHERE run_id = ? ORDER BY part_index').all(runId) as FileRow[]
      ).map(fileFromRow),
    list: async ({ exportName, limit }: { exportName?: string; limit: number }) =>
      (this.#select('files', 'id DESC', exportName, limit) as FileRow[]).map(fileFromRow),
  };

  readonly metrics = {
    record: async (m: MetricRecord) => {
      this.#db
        .prepare(
          `INSERT INTO metrics (run_id, export_name, run_at, status, duration_ms, rows, files, bytes, peak_rss_mb, format,
             compression, mode, tuning_profile, retries, statements, longest_statement_ms, error_message)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.runId,
          m.exportName,
          m.runAt,
          m.status,
          m.durationMs,
          m.rows,
          m.files,
          m.bytes,
          m.peakRssMb,
          m.format,
          m.compression,
          m.mode,
          m.tuningProfile,
          m.retries,
          m.statements,
          m.longestStatementMs,
          m.errorMessage,
        );
    },
    list: async ({ exportName, limit }: { exportName?: string; limit: number }) =>
      (this.#select('metrics', 'id DESC', exportName, limit) as MetricRow[]).map(metricFromRow),
  };

  async close(): Promise<void> {
    this.#db.close();
  }

  #select(
    table: 'runs' | 'files' | 'metrics',
    order: string,
    exportName: string | undefined,
    limit: number,
  ): unknown[] {
    const where = exportName === undefined ? '' : 'WHERE export_name = ?';
    const params = exportName === undefined ? [limit] : [exportName, limit];
    return this.#db.prepare(`SELECT * FROM ${table} ${where} ORDER BY ${order} LIMIT ?`).all(...params);
  }
}

interface RunRow {
  run_id: string;
  export_name: string;
  status: RunRecord['status'];
  started_at: string;
  finished_at: string | null;
  rows: number;
  files: number;
  bytes: number;
  error_code: string | null;
  error_message: string | null;
}
interface FileRow {
  run_id: string;
  export_name: string;
  path: string;
  uri: string;
  part_index: number;
  rows: number;
  bytes: number;
  xxh3: string;
  md5: string;
  format: FileRecord['format'];
  compression: string;
  created_at: string;
}
interface MetricRow {
  run_id: string;
  export_name: string;
  run_at: string;
  status: MetricRecord['status'];
  duration_ms: number;
  rows: number;
  files: number;
  bytes: number;
  peak_rss_mb: number;
  format: string;
  compression: string;
  mode: string;
  tuning_profile: string;
  retries: number;
  statements: number;
  longest_statement_ms: number;
  error_message: string | null;
}

function runFromRow(r: RunRow): RunRecord {
  return {
    runId: r.run_id,
    exportName: r.export_name,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rows: r.rows,
    files: r.files,
    bytes: r.bytes,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

function fileFromRow(r: FileRow): FileRecord {
  return {
    runId: r.run_id,
    exportName: r.export_name,
    path: r.path,
    uri: r.uri,
    partIndex: r.part_index,
    rows: r.rows,
    bytes: r.bytes,
    xxh3: r.xxh3,
    md5: r.md5,
    format: r.format,
    compression: r.compression,
    createdAt: r.created_at,
  };
}

function metricFromRow(r: MetricRow): MetricRecord {
  return {
    runId: r.run_id,
    exportName: r.export_name,
    runAt: r.run_at,
    status: r.status,
    durationMs: r.duration_ms,
    rows: r.rows,
    files: r.files,
    bytes: r.bytes,
    peakRssMb: r.peak_rss_mb,
    format: r.format,
    compression: r.compression,
    mode: r.mode,
    tuningProfile: r.tuning_profile,
    retries: r.retries,
    statements: r.statements,
    longestStatementMs: r.longest_statement_ms,
    errorMessage: r.error_message,
  };
}
