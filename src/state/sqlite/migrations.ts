/**
 * Layer: state/sqlite. The versioned schema ladder. Migrations are additive; each
 * version is applied once, all of them under one write lock, and the final version
 * is checked so a half-migrated database is never used.
 */
import type Database from 'better-sqlite3';
import { RivetError } from '../../common/errors.js';

export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        export_name TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        rows INTEGER NOT NULL DEFAULT 0,
        files INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        error_code TEXT,
        error_message TEXT
      );
      CREATE INDEX runs_by_export ON runs (export_name, started_at DESC);
      CREATE TABLE files (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        export_name TEXT NOT NULL,
        path TEXT NOT NULL,
        uri TEXT NOT NULL,
        part_index INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        xxh3 TEXT NOT NULL,
        md5 TEXT NOT NULL,
        format TEXT NOT NULL,
        compression TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (run_id, path)
      );
      CREATE INDEX files_by_export ON files (export_name, id DESC);
      CREATE TABLE metrics (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        export_name TEXT NOT NULL,
        run_at TEXT NOT NULL,
        status TEXT NOT NULL,
        duration_ms INTEGER NOT NULL,
        rows INTEGER NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        peak_rss_mb REAL NOT NULL,
        format TEXT NOT NULL,
        compression TEXT NOT NULL,
        mode TEXT NOT NULL,
        tuning_profile TEXT NOT NULL,
        retries INTEGER NOT NULL,
        statements INTEGER NOT NULL,
        longest_statement_ms REAL NOT NULL,
        error_message TEXT
      );
      CREATE INDEX metrics_by_export ON metrics (export_name, id DESC);`,
  },
  {
    // Incremental cursors, chunk checkpoints and export locks.
    version: 2,
    sql: `
      CREATE TABLE cursors (
        export_name TEXT PRIMARY KEY,
        column_desc TEXT NOT NULL,
        value TEXT NOT NULL,
        run_id TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE chunk_runs (
        run_id TEXT PRIMARY KEY,
        export_name TEXT NOT NULL,
        plan_hash TEXT NOT NULL,
        status TEXT NOT NULL,
        max_attempts INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- The real guard against two overlapping chunk runs of one export (not check-then-act).
      CREATE UNIQUE INDEX chunk_runs_one_in_progress ON chunk_runs (export_name) WHERE status = 'in_progress';
      CREATE TABLE chunk_tasks (
        run_id TEXT NOT NULL,
        chunk_index INTEGER NOT NULL,
        unit TEXT NOT NULL,
        lower TEXT,
        upper TEXT,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        rows INTEGER NOT NULL DEFAULT 0,
        files TEXT NOT NULL DEFAULT '[]',
        last_error TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, chunk_index)
      );
      CREATE INDEX chunk_tasks_by_status ON chunk_tasks (run_id, status);
      CREATE TABLE export_locks (
        export_name TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function migrate(db: Database.Database, path: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  // IMMEDIATE takes the write lock up front: concurrent first runs wait (busy_timeout) instead of racing.
  const run = db.transaction(() => {
    const current =
      (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null }).v ?? 0;
    if (current > LATEST_VERSION) {
      throw new RivetError(
        'RIVET_STATE_VERSION',
        `state database ${path} has schema version ${current}, newer than this Rivet understands (${LATEST_VERSION})`,
        { hint: 'upgrade Rivet, or point this config at a fresh state database' },
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    }
  });
  run.immediate();
  const final = (db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v;
  if (final !== LATEST_VERSION) {
    throw new RivetError(
      'RIVET_STATE_MIGRATION',
      `state database ${path} is at version ${final}, expected ${LATEST_VERSION}`,
    );
  }
}
