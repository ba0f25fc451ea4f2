/**
 * Layer: state/sqlite. Export locks: a lease row per export, taken and taken over by
 * compare-and-set under SQLite's write lock so two processes never both win.
 */
import type Database from 'better-sqlite3';
import type { ExportLockRecord, LockStore } from '../state.js';

interface LockRow {
  export_name: string;
  run_id: string;
  pid: number;
  host: string;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
}

export function createSqliteLockStore(db: Database.Database): LockStore {
  const holder = (exportName: string): ExportLockRecord | undefined => {
    const row = db.prepare('SELECT * FROM export_locks WHERE export_name = ?').get(exportName) as
      | LockRow
      | undefined;
    return row === undefined ? undefined : lockFromRow(row);
  };

  // IMMEDIATE: the read of the current holder and the write happen under one write lock.
  const acquire = db.transaction((lock: ExportLockRecord, replacing: string | undefined) => {
    const current = holder(lock.exportName);
    if (current !== undefined && current.runId !== replacing)
      return { acquired: false, holder: current } as const;
    db.prepare(
      `INSERT OR REPLACE INTO export_locks (export_name, run_id, pid, host, acquired_at, heartbeat_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      lock.exportName,
      lock.runId,
      lock.pid,
      lock.host,
      lock.acquiredAt,
      lock.heartbeatAt,
      lock.expiresAt,
    );
    return { acquired: true } as const;
  });

  return {
    get: async (exportName) => holder(exportName),
    acquire: async (lock, replacing) => acquire.immediate(lock, replacing),
    // Conditional on run_id: a holder that was taken over learns it from `false`.
    heartbeat: async (exportName, runId, heartbeatAt, expiresAt) =>
      db
        .prepare(
          'UPDATE export_locks SET heartbeat_at = ?, expires_at = ? WHERE export_name = ? AND run_id = ?',
        )
        .run(heartbeatAt, expiresAt, exportName, runId).changes > 0,
    release: async (exportName, runId) => {
      db.prepare('DELETE FROM export_locks WHERE export_name = ? AND run_id = ?').run(exportName, runId);
    },
  };
}

function lockFromRow(r: LockRow): ExportLockRecord {
  return {
    exportName: r.export_name,
    runId: r.run_id,
    pid: r.pid,
    host: r.host,
    acquiredAt: r.acquired_at,
    heartbeatAt: r.heartbeat_at,
    expiresAt: r.expires_at,
  };
}
