/**
 * Layer: state/sqlite. The incremental cursors: one row per export, overwritten by
 * each successful incremental run.
 */
import type Database from 'better-sqlite3';
import type { CursorRecord, CursorStore } from '../state.js';

interface CursorRow {
  export_name: string;
  column_desc: string;
  value: string;
  run_id: string;
  updated_at: string;
}

export function createSqliteCursorStore(db: Database.Database): CursorStore {
  return {
    get: async (exportName) => {
      const row = db.prepare('SELECT * FROM cursors WHERE export_name = ?').get(exportName) as
        | CursorRow
        | undefined;
      return row === undefined ? undefined : cursorFromRow(row);
    },
    set: async (c) => {
      db.prepare(
        `INSERT INTO cursors (export_name, column_desc, value, run_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (export_name) DO UPDATE SET column_desc = excluded.column_desc, value = excluded.value,
           run_id = excluded.run_id, updated_at = excluded.updated_at`,
      ).run(c.exportName, c.column, c.value, c.runId, c.updatedAt);
    },
    list: async () =>
      (db.prepare('SELECT * FROM cursors ORDER BY export_name').all() as CursorRow[]).map(cursorFromRow),
    reset: async (exportName) =>
      db.prepare('DELETE FROM cursors WHERE export_name = ?').run(exportName).changes > 0,
  };
}

function cursorFromRow(r: CursorRow): CursorRecord {
  return {
    exportName: r.export_name,
    column: r.column_desc,
    value: r.value,
    runId: r.run_id,
    updatedAt: r.updated_at,
  };
}
