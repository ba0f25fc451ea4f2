/**
 * Layer: state/sqlite. The one upsert into the `files` ledger, shared by `files.record`
 * and `chunks.complete` so both stay idempotent per (run, path) in the same way.
 */
import type Database from 'better-sqlite3';
import type { FileRecord } from '../../contracts/file-record.js';

export function recordFile(db: Database.Database, f: FileRecord): void {
  db.prepare(
    `INSERT INTO files (run_id, export_name, path, uri, part_index, rows, bytes, xxh3, md5, format, compression, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, path) DO UPDATE SET uri = excluded.uri, part_index = excluded.part_index,
       rows = excluded.rows, bytes = excluded.bytes, xxh3 = excluded.xxh3, md5 = excluded.md5, created_at = excluded.created_at`,
  ).run(
    f.runId,
    f.exportName,
    f.path,
    f.uri,
    f.partIndex,
    f.rows,
    f.bytes,
    f.xxh3,
    f.md5,
    f.format,
    f.compression,
    f.createdAt,
  );
}
