import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStateContract } from '../state.contract.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';
import { openSqliteState } from './sqlite-state.js';

const root = mkdtempSync(join(tmpdir(), 'rivet-sqlite-'));
let n = 0;
const freshPath = () => join(root, `state-${n++}.db`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeStateContract('SQLite state', async () => openSqliteState(freshPath()));

const T0 = '2026-01-01T00:00:00.000Z';
const chunkRun = (runId: string) => ({
  runId,
  exportName: 'orders',
  planHash: 'xxh3:plan',
  maxAttempts: 3,
  createdAt: T0,
});
const tasks = (count: number) =>
  Array.from({ length: count }, (_, index) => ({ index, unit: `{"i":${index}}`, lower: null, upper: null }));

/** A database exactly as Rivet 0.1 (schema version 1) left it. */
function createV1Database(path: string): void {
  const db = new Database(path);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  db.exec(MIGRATIONS[0]!.sql);
  db.prepare('INSERT INTO schema_version (version) VALUES (1)').run();
  db.prepare(
    "INSERT INTO runs (run_id, export_name, status, started_at) VALUES ('orders_1', 'orders', 'success', ?)",
  ).run(T0);
  db.close();
}

describe('SQLite state specifics', () => {
  it('migrates a new database to the latest version, in WAL mode', async () => {
    const path = freshPath();
    await openSqliteState(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: LATEST_VERSION });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('reopens an existing database without re-running migrations, and keeps its data', async () => {
    const path = freshPath();
    const first = openSqliteState(path);
    await first.runs.start({ runId: 'a_1', exportName: 'a', startedAt: '2026-01-01T00:00:00.000Z' });
    await first.close();
    const second = openSqliteState(path);
    expect((await second.runs.get('a_1'))?.status).toBe('running');
    await second.close();
  });

  it('lets two processes-worth of handles use one file concurrently', async () => {
    const path = freshPath();
    const a = openSqliteState(path);
    const b = openSqliteState(path);
    await a.runs.start({ runId: 'x_1', exportName: 'x', startedAt: '2026-01-01T00:00:00.000Z' });
    await b.runs.start({ runId: 'x_2', exportName: 'x', startedAt: '2026-01-01T00:00:01.000Z' });
    expect((await a.runs.list({ limit: 10 })).map((r) => r.runId).sort()).toEqual(['x_1', 'x_2']);
    await a.close();
    await b.close();
  });

  it('upgrades a version-1 database in place: old data kept, new stores usable', async () => {
    const path = freshPath();
    createV1Database(path);
    const state = openSqliteState(path);
    try {
      expect((await state.runs.get('orders_1'))?.status).toBe('success');
      await state.cursors.set({
        exportName: 'orders',
        column: 'id',
        value: '42',
        runId: 'orders_2',
        updatedAt: T0,
      });
      expect((await state.cursors.get('orders'))?.value).toBe('42');
      await state.chunks.create(chunkRun('orders_2'), tasks(2));
      expect((await state.chunks.claim('orders_2', T0))?.index).toBe(0);
      const lock = {
        exportName: 'orders',
        runId: 'orders_2',
        pid: 1,
        host: 'h',
        acquiredAt: T0,
        heartbeatAt: T0,
        expiresAt: T0,
      };
      expect(await state.locks.acquire(lock)).toEqual({ acquired: true });
    } finally {
      await state.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: LATEST_VERSION });
    db.close();
  });

  it('lets exactly one of two handles create an in-progress chunk run for an export', async () => {
    const path = freshPath();
    const a = openSqliteState(path);
    const b = openSqliteState(path);
    try {
      const results = await Promise.allSettled([
        a.chunks.create(chunkRun('orders_a'), tasks(2)),
        b.chunks.create(chunkRun('orders_b'), tasks(2)),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'RIVET_STATE_CHUNK_RUN_EXISTS' });
      // The loser's tasks were rolled back with its run.
      const winner = (await b.chunks.inProgress('orders'))!.runId;
      const loser = winner === 'orders_a' ? 'orders_b' : 'orders_a';
      expect(await a.chunks.tasks(loser)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('never hands the same chunk task to two handles claiming in turn', async () => {
    const path = freshPath();
    const a = openSqliteState(path);
    const b = openSqliteState(path);
    try {
      const count = 25;
      await a.chunks.create(chunkRun('orders_1'), tasks(count));
      // Interleave a, b, a, b… past exhaustion, all in flight at once.
      const claims = await Promise.all(
        Array.from({ length: count + 6 }, (_, i) => (i % 2 === 0 ? a : b).chunks.claim('orders_1', T0)),
      );
      const claimed = claims.flatMap((t) => (t === undefined ? [] : [t.index]));
      expect(claimed).toHaveLength(count);
      expect(new Set(claimed).size).toBe(count);
      expect(claims.slice(count).every((t) => t === undefined)).toBe(true);
      expect(
        (await b.chunks.tasks('orders_1')).every((t) => t.status === 'running' && t.attempts === 1),
      ).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a database written by a newer Rivet', async () => {
    const path = freshPath();
    await openSqliteState(path).close();
    const db = new Database(path);
    db.prepare('UPDATE schema_version SET version = ?').run(LATEST_VERSION + 1);
    db.close();
    expect(() => openSqliteState(path)).toThrow(expect.objectContaining({ code: 'RIVET_STATE_VERSION' }));
  });

  it('refuses an empty path instead of writing into the current directory', () => {
    expect(() => openSqliteState('')).toThrow(expect.objectContaining({ code: 'RIVET_STATE_PATH' }));
  });
});
