/**
 * Layer: state/sqlite. Chunk checkpoints: a chunk run and its tasks. Every multi-step
 * change runs in an IMMEDIATE transaction, so concurrent handles serialize on the write lock.
 */
import type Database from 'better-sqlite3';
import type { FileRecord } from '../../contracts/file-record.js';
import { chunkRunExists, chunkTaskLost } from '../chunk-run-exists.js';
import type { ChunkRunRecord, ChunkStore, ChunkTaskRecord, NewChunkTask } from '../state.js';
import { recordFile } from './record-file.js';

interface ChunkRunRow {
  run_id: string;
  export_name: string;
  plan_hash: string;
  status: ChunkRunRecord['status'];
  max_attempts: number;
  created_at: string;
  updated_at: string;
}

interface ChunkTaskRow {
  run_id: string;
  chunk_index: number;
  unit: string;
  lower: string | null;
  upper: string | null;
  status: ChunkTaskRecord['status'];
  attempts: number;
  rows: number;
  files: string;
  last_error: string | null;
  updated_at: string;
}

type NewChunkRun = Omit<ChunkRunRecord, 'status' | 'updatedAt'>;

export function createSqliteChunkStore(db: Database.Database): ChunkStore {
  const create = db.transaction((run: NewChunkRun, tasks: readonly NewChunkTask[]) => {
    insertRun(db, run);
    const insertTask = db.prepare(
      `INSERT INTO chunk_tasks (run_id, chunk_index, unit, lower, upper, status, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
    );
    for (const t of tasks) insertTask.run(run.runId, t.index, t.unit, t.lower, t.upper, run.createdAt);
  });

  const claim = db.transaction((runId: string, at: string): ChunkTaskRecord | undefined => {
    const next = db
      .prepare(
        `SELECT t.chunk_index AS i FROM chunk_tasks t JOIN chunk_runs r ON r.run_id = t.run_id
          WHERE t.run_id = ? AND (t.status = 'pending' OR (t.status = 'failed' AND t.attempts < r.max_attempts))
          ORDER BY t.chunk_index LIMIT 1`,
      )
      .get(runId) as { i: number } | undefined;
    if (next === undefined) return undefined;
    const row = db
      .prepare(
        `UPDATE chunk_tasks SET status = 'running', attempts = attempts + 1, updated_at = ?
          WHERE run_id = ? AND chunk_index = ? RETURNING *`,
      )
      .get(at, runId, next.i) as ChunkTaskRow;
    return taskFromRow(row);
  });

  const complete = db.transaction(
    (runId: string, index: number, rows: number, files: readonly FileRecord[], at: string) => {
      // Fenced on `running`: a reset or a takeover must not be undone by a worker finishing late.
      const changed = db
        .prepare(
          `UPDATE chunk_tasks SET status = 'done', rows = ?, files = ?, last_error = NULL, updated_at = ?
            WHERE run_id = ? AND chunk_index = ? AND status = 'running'`,
        )
        .run(rows, JSON.stringify(files.map((f) => f.path)), at, runId, index).changes;
      if (changed !== 1) throw chunkTaskLost(runId, index);
      for (const f of files) recordFile(db, f);
    },
  );

  const prepareResume = db.transaction((runId: string, at: string) => {
    db.prepare(
      `UPDATE chunk_tasks SET status = 'pending', updated_at = ? WHERE run_id = ? AND status = 'running'`,
    ).run(at, runId);
    db.prepare(
      `UPDATE chunk_tasks SET status = 'pending', attempts = 0, updated_at = ? WHERE run_id = ? AND status = 'failed'`,
    ).run(at, runId);
    db.prepare('UPDATE chunk_runs SET updated_at = ? WHERE run_id = ?').run(at, runId);
  });

  const reset = db.transaction((exportName: string): number => {
    db.prepare(
      'DELETE FROM chunk_tasks WHERE run_id IN (SELECT run_id FROM chunk_runs WHERE export_name = ?)',
    ).run(exportName);
    return db.prepare('DELETE FROM chunk_runs WHERE export_name = ?').run(exportName).changes;
  });

  const oneRun = (sql: string, param: string): ChunkRunRecord | undefined => {
    const row = db.prepare(sql).get(param) as ChunkRunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  };

  return {
    create: async (run, tasks) => create.immediate(run, tasks),
    inProgress: async (exportName) =>
      oneRun("SELECT * FROM chunk_runs WHERE export_name = ? AND status = 'in_progress'", exportName),
    latest: async (exportName) =>
      oneRun(
        'SELECT * FROM chunk_runs WHERE export_name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
        exportName,
      ),
    tasks: async (runId) =>
      (
        db
          .prepare('SELECT * FROM chunk_tasks WHERE run_id = ? ORDER BY chunk_index')
          .all(runId) as ChunkTaskRow[]
      ).map(taskFromRow),
    prepareResume: async (runId, at) => prepareResume.immediate(runId, at),
    claim: async (runId, at) => claim.immediate(runId, at),
    complete: async (runId, index, result, at) =>
      complete.immediate(runId, index, result.rows, result.files, at),
    fail: async (runId, index, error, permanent, at) => {
      // A permanent failure pins attempts to the run's budget, which is what keeps claim away from it.
      db.prepare(
        `UPDATE chunk_tasks SET status = 'failed', last_error = ?, updated_at = ?,
           attempts = CASE WHEN ? THEN (SELECT max_attempts FROM chunk_runs WHERE run_id = ?) ELSE attempts END
          WHERE run_id = ? AND chunk_index = ? AND status = 'running'`,
      ).run(error, at, permanent ? 1 : 0, runId, runId, index);
    },
    reopen: async (runId, index, reason, at) => {
      db.prepare(
        `UPDATE chunk_tasks SET status = 'pending', attempts = 0, rows = 0, files = '[]', last_error = ?, updated_at = ?
          WHERE run_id = ? AND chunk_index = ? AND status = 'done'`,
      ).run(reason, at, runId, index);
    },
    finish: async (runId, status, at) => {
      db.prepare('UPDATE chunk_runs SET status = ?, updated_at = ? WHERE run_id = ?').run(status, at, runId);
    },
    reset: async (exportName) => reset.immediate(exportName),
  };
}

/** Inserts the run; the partial unique index turns a second in-progress run into RIVET_STATE_CHUNK_RUN_EXISTS. */
function insertRun(db: Database.Database, run: NewChunkRun): void {
  try {
    db.prepare(
      `INSERT INTO chunk_runs (run_id, export_name, plan_hash, status, max_attempts, created_at, updated_at)
       VALUES (?, ?, ?, 'in_progress', ?, ?, ?)`,
    ).run(run.runId, run.exportName, run.planHash, run.maxAttempts, run.createdAt, run.createdAt);
  } catch (error) {
    if (!isInProgressConflict(error)) throw error;
    // Still inside the failed transaction: the holder read here is the one that blocked us.
    const holder = db
      .prepare("SELECT run_id FROM chunk_runs WHERE export_name = ? AND status = 'in_progress'")
      .get(run.exportName) as { run_id: string } | undefined;
    throw chunkRunExists(run.exportName, holder?.run_id ?? 'unknown run');
  }
}

function isInProgressConflict(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as Error & { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('chunk_runs.export_name')
  );
}

function runFromRow(r: ChunkRunRow): ChunkRunRecord {
  return {
    runId: r.run_id,
    exportName: r.export_name,
    planHash: r.plan_hash,
    status: r.status,
    maxAttempts: r.max_attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function taskFromRow(r: ChunkTaskRow): ChunkTaskRecord {
  return {
    runId: r.run_id,
    index: r.chunk_index,
    unit: r.unit,
    lower: r.lower,
    upper: r.upper,
    status: r.status,
    attempts: r.attempts,
    rows: r.rows,
    files: JSON.parse(r.files) as string[],
    lastError: r.last_error,
    updatedAt: r.updated_at,
  };
}
