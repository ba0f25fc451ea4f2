import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStateContract } from '../state.contract.js';
import { LATEST_VERSION } from './migrations.js';
import { openSqliteState } from './sqlite-state.js';

const root = mkdtempSync(join(tmpdir(), 'rivet-sqlite-'));
let n = 0;
const freshPath = () => join(root, `state-${n++}.db`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeStateContract('SQLite state', async () => openSqliteState(freshPath()));

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
