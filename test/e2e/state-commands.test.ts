/**
 * End to end: `rivet state show | reset | chunks` on a state database seeded directly,
 * through the built CLI (`node dist/main.js`). Needs `npm run build`; no database server
 * (the state commands never connect to the source).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileRecord } from '../../src/contracts/file-record.js';
import { openSqliteState } from '../../src/state/sqlite/sqlite-state.js';
import type { StateStore } from '../../src/state/state.js';
import { CLI, runCli, tempDir } from '../support/run-cli.js';

const CONFIG = `source:
  type: postgres
  url: postgresql://root@127.0.0.1:5432/test
exports:
  - name: orders
    table: orders
    format: csv
    destination: { type: local, path: ./out }
`;
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';

const part = (path: string, rows: number): FileRecord => ({
  runId: 'orders_c1',
  exportName: 'orders',
  path,
  uri: `file:///out/${path}`,
  partIndex: 0,
  rows,
  bytes: rows * 10,
  xxh3: 'xxh3:0123456789abcdef',
  md5: 'MTIz',
  format: 'csv',
  compression: 'none',
  createdAt: T1,
});

let dir: ReturnType<typeof tempDir>;
const cli = (...args: string[]) => runCli(['state', ...args, '-c', 'rivet.yaml'], { cwd: dir.path });

/** Opens the state database the CLI will read, runs `seed` on it and closes it. */
async function seed(body: (state: StateStore) => Promise<void>): Promise<void> {
  const state = openSqliteState(join(dir.path, '.rivet_state.db'));
  try {
    await body(state);
  } finally {
    await state.close();
  }
}

/** A cursor for `orders`, one for an export no longer in the config, and a chunk run 1/3 done. */
const seedEverything = () =>
  seed(async (state) => {
    await state.cursors.set({
      exportName: 'orders',
      column: 'updated_at',
      value: '2026-01-01 10:00:00',
      runId: 'orders_r1',
      updatedAt: T0,
    });
    await state.cursors.set({
      exportName: 'gone',
      column: 'id',
      value: '9',
      runId: 'gone_r1',
      updatedAt: T0,
    });
    await state.chunks.create(
      { runId: 'orders_c1', exportName: 'orders', planHash: 'xxh3:plan', maxAttempts: 3, createdAt: T0 },
      [
        { index: 0, unit: '{"i":0}', lower: '1', upper: '1000' },
        { index: 1, unit: '{"i":1}', lower: '1000', upper: '2000' },
        { index: 2, unit: '{"i":2}', lower: null, upper: null },
      ],
    );
    await state.chunks.claim('orders_c1', T1);
    await state.chunks.complete('orders_c1', 0, { rows: 999, files: [part('chunk-0.csv', 999)] }, T1);
    await state.chunks.claim('orders_c1', T1);
    await state.chunks.fail('orders_c1', 1, 'connection reset\nby peer', false, T1);
  });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
});
beforeEach(() => {
  dir = tempDir('rivet-state-');
  writeFileSync(join(dir.path, 'rivet.yaml'), CONFIG);
});
afterEach(() => dir.remove());

describe('rivet state show', () => {
  it('says no cursor is recorded yet, with a hint; JSON is an empty array', () => {
    const text = cli('show');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('No incremental cursor recorded yet.');
    expect(text.stdout).toMatch(/Hint: .*mode: incremental/);
    const json = cli('show', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it("lists the config's cursors and the chunk run in progress; JSON is upstream's array", async () => {
    await seedEverything();
    const text = cli('show');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^EXPORT\s+CURSOR COLUMN\s+LAST CURSOR\s+RUN ID\s+UPDATED AT$/);
    expect(lines[2]).toMatch(
      /^orders\s+updated_at\s+2026-01-01 10:00:00\s+orders_r1\s+2026-01-01T00:00:00\.000Z$/,
    );
    expect(text.stdout).not.toContain('gone');
    expect(text.stdout).toContain('orders: chunk run in progress: orders_c1 (1/3 chunks done)');
    const json = cli('show', '--json');
    expect(JSON.parse(json.stdout)).toEqual([
      {
        export_name: 'orders',
        cursor_column: 'updated_at',
        last_cursor_value: '2026-01-01 10:00:00',
        run_id: 'orders_r1',
        updated_at: T0,
      },
    ]);
  });
});

describe('rivet state reset', () => {
  it('forgets the cursor and every chunk run of the export, and says what it removed', async () => {
    await seedEverything();
    const reset = cli('reset', '--export', 'orders', '--yes');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout.trim()).toBe(
      "State reset for export 'orders' (cursor '2026-01-01 10:00:00' forgotten, 1 chunk run(s) removed)",
    );
    await seed(async (state) => {
      expect(await state.cursors.get('orders')).toBeUndefined();
      expect(await state.chunks.latest('orders')).toBeUndefined();
      expect(await state.chunks.tasks('orders_c1')).toEqual([]);
      // Only the named export: other state rows stay.
      expect((await state.cursors.get('gone'))?.value).toBe('9');
    });
    expect(JSON.parse(cli('show', '--json').stdout)).toEqual([]);
    const again = cli('reset', '-e', 'orders', '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe("State reset for export 'orders'");
  });

  it('refuses while a live run holds the export, leaving the state alone', async () => {
    await seedEverything();
    const now = new Date();
    await seed(async (state) => {
      // This test process is alive: its lock is a live run's.
      await state.locks.acquire({
        exportName: 'orders',
        runId: 'orders_live',
        pid: process.pid,
        host: hostname(),
        acquiredAt: now.toISOString(),
        heartbeatAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      });
    });
    const reset = cli('reset', '--export', 'orders', '--yes');
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain('[RIVET_EXPORT_LOCKED]');
    expect(reset.stderr).toContain('orders_live');
    await seed(async (state) => {
      expect((await state.cursors.get('orders'))?.value).toBe('2026-01-01 10:00:00');
      await state.locks.release('orders', 'orders_live');
    });
  });

  it('resets without asking when stdin is not a terminal (as upstream does)', async () => {
    await seedEverything();
    const reset = cli('reset', '-e', 'orders');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).not.toContain('[y/N]');
    expect(reset.stdout).toContain("State reset for export 'orders' (cursor");
  });

  it('refuses an export that is not in the config, naming the known ones', () => {
    const reset = cli('reset', '--export', 'order', '--yes');
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain("[RIVET_USAGE_UNKNOWN_EXPORT] export 'order' not found in config.");
    expect(reset.stderr).toContain('Known exports: orders');
    expect(reset.stderr).toContain("did you mean 'orders'?");
    expect(reset.stderr).toContain('rivet state show');
  });
});

describe('rivet state chunks', () => {
  it('says when an export has no chunk checkpoint data; JSON is null', () => {
    const text = cli('chunks', '-e', 'orders');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.trim()).toBe("No chunk checkpoint data for export 'orders'.");
    const json = cli('chunks', '-e', 'orders', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toBeNull();
  });

  it('shows the latest chunk run and each chunk, as text and JSON', async () => {
    await seedEverything();
    const text = cli('chunks', '-e', 'orders');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^run_id:\s+orders_c1$/m);
    expect(text.stdout).toMatch(/^plan_hash:\s+xxh3:plan$/m);
    expect(text.stdout).toMatch(/^status:\s+in_progress$/m);
    expect(text.stdout).toMatch(/^updated_at:\s+2026-01-01T00:00:00\.000Z$/m);
    expect(text.stdout).toMatch(/^IDX\s+STATUS\s+LOWER\s+UPPER\s+ATT\s+ROWS\s+FILES\s+ERROR$/m);
    expect(text.stdout).toMatch(/^0\s+done\s+1\s+1000\s+1\s+999\s+1$/m);
    // A multi-line error stays on its row.
    expect(text.stdout).toMatch(/^1\s+failed\s+1000\s+2000\s+1\s+0\s+0\s+connection reset by peer$/m);
    expect(text.stdout).toMatch(/^2\s+pending\s+-\s+-\s+0\s+0\s+0$/m);
    const json = cli('chunks', '-e', 'orders', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      export: 'orders',
      run_id: 'orders_c1',
      plan_hash: 'xxh3:plan',
      status: 'in_progress',
      updated_at: T0,
      tasks: [
        {
          chunk_index: 0,
          status: 'done',
          lower: '1',
          upper: '1000',
          attempts: 1,
          rows_written: 999,
          files: ['chunk-0.csv'],
          last_error: null,
        },
        {
          chunk_index: 1,
          status: 'failed',
          lower: '1000',
          upper: '2000',
          attempts: 1,
          rows_written: 0,
          files: [],
          last_error: 'connection reset\nby peer',
        },
        {
          chunk_index: 2,
          status: 'pending',
          lower: null,
          upper: null,
          attempts: 0,
          rows_written: 0,
          files: [],
          last_error: null,
        },
      ],
    });
  });

  it('requires -e and refuses an unknown export', () => {
    expect(cli('chunks').code).toBe(2);
    const unknown = cli('chunks', '-e', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Known exports: orders');
  });
});
