/**
 * Layer: state (test contract). What every StateStore must do, run by each backend's
 * own test: run lifecycle, an idempotent file ledger, metrics newest first, cursors,
 * chunk checkpoints and export locks.
 */
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportLockRecord, MetricRecord, NewChunkTask, StateStore } from './state.js';

const file = (runId: string, path: string, rows: number): FileRecord => ({
  runId,
  exportName: runId.split('_')[0]!,
  path,
  uri: `file:///out/${path}`,
  partIndex: 0,
  rows,
  bytes: rows * 10,
  xxh3: 'xxh3:0123456789abcdef',
  md5: 'MTIz',
  format: 'parquet',
  compression: 'zstd',
  createdAt: '2026-01-01T00:00:00.000Z',
});

const metric = (runId: string, status: MetricRecord['status']): MetricRecord => ({
  runId,
  exportName: runId.split('_')[0]!,
  runAt: '2026-01-01T00:00:00.000Z',
  status,
  durationMs: 12,
  rows: 3,
  files: 1,
  bytes: 30,
  peakRssMb: 99.5,
  format: 'parquet',
  compression: 'zstd',
  mode: 'full',
  tuningProfile: 'balanced',
  retries: 0,
  statements: 4,
  longestStatementMs: 1.5,
  errorMessage: status === 'failed' ? 'boom' : null,
});

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:01.000Z';
const T2 = '2026-01-01T00:00:02.000Z';

const newTasks = (count: number): NewChunkTask[] =>
  Array.from({ length: count }, (_, i) => ({
    index: i,
    unit: JSON.stringify({ from: i * 100, to: (i + 1) * 100 }),
    lower: String(i * 100),
    upper: String((i + 1) * 100),
  }));

const chunkRun = (runId: string, maxAttempts = 3, createdAt = T0) => ({
  runId,
  exportName: runId.split('_')[0]!,
  planHash: 'xxh3:plan',
  maxAttempts,
  createdAt,
});

const lock = (runId: string, expiresAt = T2): ExportLockRecord => ({
  exportName: runId.split('_')[0]!,
  runId,
  pid: 4242,
  host: 'box',
  acquiredAt: T0,
  heartbeatAt: T0,
  expiresAt,
});

/** Runs `body` against a fresh store and always closes it. */
const using = (open: () => Promise<StateStore>, body: (state: StateStore) => Promise<void>) => async () => {
  const state = await open();
  try {
    await body(state);
  } finally {
    await state.close();
  }
};

export function describeStateContract(name: string, open: () => Promise<StateStore>): void {
  describeCoreContract(name, open);
  describeCursorContract(name, open);
  describeChunkContract(name, open);
  describeLockContract(name, open);
}

function describeCoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} satisfies the StateStore contract`, () => {
    it('records a run as running, then its terminal outcome', async () => {
      const state = await open();
      try {
        await state.runs.start({
          runId: 'orders_1',
          exportName: 'orders',
          startedAt: '2026-01-01T00:00:00.000Z',
        });
        expect((await state.runs.get('orders_1'))?.status).toBe('running');
        await state.runs.finish('orders_1', {
          status: 'failed',
          finishedAt: '2026-01-01T00:00:01.000Z',
          rows: 5,
          files: 1,
          bytes: 50,
          errorCode: 'RIVET_X',
          errorMessage: 'boom',
        });
        const run = await state.runs.get('orders_1');
        expect(run).toMatchObject({
          status: 'failed',
          rows: 5,
          files: 1,
          bytes: 50,
          errorCode: 'RIVET_X',
          errorMessage: 'boom',
        });
        expect(await state.runs.get('missing')).toBeUndefined();
      } finally {
        await state.close();
      }
    });

    it('keeps the file ledger a set per (run, path): a retried part never double-counts', async () => {
      const state = await open();
      try {
        await state.files.record(file('orders_1', 'a.parquet', 10));
        await state.files.record(file('orders_1', 'a.parquet', 12));
        await state.files.record(file('orders_1', 'b.parquet', 5));
        await state.files.record(file('orders_2', 'a.parquet', 7));
        const run1 = await state.files.forRun('orders_1');
        expect(run1.map((f) => [f.path, f.rows])).toEqual([
          ['a.parquet', 12],
          ['b.parquet', 5],
        ]);
        expect(run1[0]).toMatchObject({
          xxh3: 'xxh3:0123456789abcdef',
          md5: 'MTIz',
          format: 'parquet',
          compression: 'zstd',
        });
        expect((await state.files.list({ limit: 10 })).map((f) => `${f.runId}/${f.path}`)).toEqual([
          'orders_2/a.parquet',
          'orders_1/b.parquet',
          'orders_1/a.parquet',
        ]);
        expect(await state.files.list({ exportName: 'nobody', limit: 10 })).toEqual([]);
        expect(await state.files.list({ limit: 1 })).toHaveLength(1);
      } finally {
        await state.close();
      }
    });

    it('lists metrics newest first, filtered by export', async () => {
      const state = await open();
      try {
        await state.metrics.record(metric('orders_1', 'success'));
        await state.metrics.record(metric('users_1', 'failed'));
        await state.metrics.record(metric('orders_2', 'success'));
        expect((await state.metrics.list({ limit: 10 })).map((m) => m.runId)).toEqual([
          'orders_2',
          'users_1',
          'orders_1',
        ]);
        const orders = await state.metrics.list({ exportName: 'orders', limit: 10 });
        expect(orders.map((m) => m.runId)).toEqual(['orders_2', 'orders_1']);
        expect(orders[0]).toMatchObject({
          peakRssMb: 99.5,
          longestStatementMs: 1.5,
          statements: 4,
          errorMessage: null,
        });
        expect((await state.metrics.list({ exportName: 'users', limit: 10 }))[0]?.errorMessage).toBe('boom');
      } finally {
        await state.close();
      }
    });
  });
}

function describeCursorContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} satisfies the CursorStore contract`, () => {
    const cursor = (exportName: string, value: string, runId = `${exportName}_1`) => ({
      exportName,
      column: 'updated_at',
      value,
      runId,
      updatedAt: T0,
    });

    it(
      'gets, sets, overwrites and lists cursors by export name',
      using(open, async (state) => {
        expect(await state.cursors.get('orders')).toBeUndefined();
        expect(await state.cursors.list()).toEqual([]);
        await state.cursors.set(cursor('orders', '2026-01-01 00:00:00'));
        await state.cursors.set(cursor('users', '17'));
        await state.cursors.set(cursor('accounts', 'a'));
        expect(await state.cursors.get('orders')).toEqual(cursor('orders', '2026-01-01 00:00:00'));
        await state.cursors.set({ ...cursor('orders', '2026-02-01 00:00:00', 'orders_2'), column: 'id' });
        expect(await state.cursors.get('orders')).toEqual({
          ...cursor('orders', '2026-02-01 00:00:00', 'orders_2'),
          column: 'id',
        });
        expect((await state.cursors.list()).map((c) => `${c.exportName}=${c.value}`)).toEqual([
          'accounts=a',
          'orders=2026-02-01 00:00:00',
          'users=17',
        ]);
      }),
    );

    it(
      'forgets a cursor on reset, and says whether there was one',
      using(open, async (state) => {
        await state.cursors.set(cursor('orders', '5'));
        expect(await state.cursors.reset('orders')).toBe(true);
        expect(await state.cursors.get('orders')).toBeUndefined();
        expect(await state.cursors.reset('orders')).toBe(false);
        expect(await state.cursors.reset('nobody')).toBe(false);
      }),
    );
  });
}

function describeChunkContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} satisfies the ChunkStore contract`, () => {
    it(
      'creates an in-progress run with pending tasks in index order',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), [...newTasks(3)].reverse());
        expect(await state.chunks.inProgress('orders')).toEqual({
          ...chunkRun('orders_1'),
          status: 'in_progress',
          updatedAt: T0,
        });
        const tasks = await state.chunks.tasks('orders_1');
        expect(tasks.map((t) => t.index)).toEqual([0, 1, 2]);
        expect(tasks[1]).toEqual({
          runId: 'orders_1',
          ...newTasks(3)[1],
          status: 'pending',
          attempts: 0,
          rows: 0,
          files: [],
          lastError: null,
          updatedAt: T0,
        });
        expect(await state.chunks.tasks('nobody_1')).toEqual([]);
        expect(await state.chunks.inProgress('users')).toBeUndefined();
      }),
    );

    it(
      'refuses a second in-progress run of an export, until the first is finished',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(1));
        await expect(state.chunks.create(chunkRun('orders_2', 3, T1), newTasks(1))).rejects.toMatchObject({
          code: 'RIVET_STATE_CHUNK_RUN_EXISTS',
          message: "export 'orders' already has a chunk run in progress (orders_1)",
          hint: expect.stringContaining('rivet state reset --export orders'),
        });
        // The refused run left nothing behind, and other exports are independent.
        expect(await state.chunks.tasks('orders_2')).toEqual([]);
        await state.chunks.create(chunkRun('users_1'), newTasks(1));
        await state.chunks.finish('orders_1', 'completed', T1);
        expect(await state.chunks.inProgress('orders')).toBeUndefined();
        await state.chunks.create(chunkRun('orders_2', 3, T1), newTasks(1));
        expect((await state.chunks.inProgress('orders'))?.runId).toBe('orders_2');
      }),
    );

    it(
      'reports the newest run of an export as latest, whatever its status',
      using(open, async (state) => {
        expect(await state.chunks.latest('orders')).toBeUndefined();
        await state.chunks.create(chunkRun('orders_1'), newTasks(1));
        await state.chunks.finish('orders_1', 'abandoned', T1);
        expect(await state.chunks.latest('orders')).toMatchObject({
          runId: 'orders_1',
          status: 'abandoned',
          updatedAt: T1,
        });
        // Same createdAt: the one created later wins.
        await state.chunks.create(chunkRun('orders_2'), newTasks(1));
        expect((await state.chunks.latest('orders'))?.runId).toBe('orders_2');
      }),
    );

    it(
      'claims the lowest claimable index as running, counting attempts, until none is left',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(3));
        const first = await state.chunks.claim('orders_1', T1);
        expect(first).toMatchObject({ index: 0, status: 'running', attempts: 1, updatedAt: T1 });
        expect((await state.chunks.claim('orders_1', T1))?.index).toBe(1);
        expect((await state.chunks.claim('orders_1', T1))?.index).toBe(2);
        expect(await state.chunks.claim('orders_1', T1)).toBeUndefined();
        expect((await state.chunks.tasks('orders_1')).map((t) => t.status)).toEqual([
          'running',
          'running',
          'running',
        ]);
      }),
    );

    it(
      're-claims a failed task until it has used maxAttempts',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1', 2), newTasks(2));
        await state.chunks.claim('orders_1', T1);
        await state.chunks.fail('orders_1', 0, 'connection reset', false, T1);
        expect((await state.chunks.tasks('orders_1'))[0]).toMatchObject({
          status: 'failed',
          attempts: 1,
          lastError: 'connection reset',
        });
        // The failed index 0 comes before the pending index 1.
        expect(await state.chunks.claim('orders_1', T2)).toMatchObject({ index: 0, attempts: 2 });
        await state.chunks.fail('orders_1', 0, 'connection reset again', false, T2);
        expect((await state.chunks.claim('orders_1', T2))?.index).toBe(1);
        expect(await state.chunks.claim('orders_1', T2)).toBeUndefined();
      }),
    );

    it(
      'never re-claims a permanently failed task',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1', 5), newTasks(1));
        await state.chunks.claim('orders_1', T1);
        await state.chunks.fail('orders_1', 0, 'value too large', true, T1);
        expect((await state.chunks.tasks('orders_1'))[0]).toMatchObject({ status: 'failed', attempts: 5 });
        expect(await state.chunks.claim('orders_1', T2)).toBeUndefined();
      }),
    );

    it(
      'prepares a resume: running and failed become pending, failed with a fresh budget, done untouched',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1', 2), newTasks(4));
        for (let i = 0; i < 3; i++) await state.chunks.claim('orders_1', T1);
        await state.chunks.complete('orders_1', 0, { rows: 100, files: [] }, T1);
        await state.chunks.fail('orders_1', 1, 'boom', true, T1);
        // index 2 stays running (its process died), index 3 was never claimed.
        await state.chunks.prepareResume('orders_1', T2);
        const tasks = await state.chunks.tasks('orders_1');
        expect(tasks.map((t) => [t.index, t.status, t.attempts])).toEqual([
          [0, 'done', 1],
          [1, 'pending', 0],
          [2, 'pending', 1],
          [3, 'pending', 0],
        ]);
        expect(tasks[0]?.updatedAt).toBe(T1);
        expect((await state.chunks.claim('orders_1', T2))?.index).toBe(1);
      }),
    );

    it(
      'completes a running task and records its files in the ledger; completing it again is refused',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(2));
        await state.chunks.claim('orders_1', T1);
        const parts = [
          { ...file('orders_1', 'part-0.parquet', 60), partIndex: 0 },
          { ...file('orders_1', 'part-1.parquet', 40), partIndex: 1 },
        ];
        await state.chunks.complete('orders_1', 0, { rows: 100, files: parts }, T1);
        await expect(
          state.chunks.complete('orders_1', 0, { rows: 100, files: parts }, T2),
        ).rejects.toMatchObject({ code: 'RIVET_STATE_CHUNK_LOST' });
        expect((await state.chunks.tasks('orders_1'))[0]).toMatchObject({
          status: 'done',
          rows: 100,
          files: ['part-0.parquet', 'part-1.parquet'],
          lastError: null,
          updatedAt: T1,
        });
        expect((await state.files.forRun('orders_1')).map((f) => [f.path, f.rows])).toEqual([
          ['part-0.parquet', 60],
          ['part-1.parquet', 40],
        ]);
        expect((await state.chunks.claim('orders_1', T2))?.index).toBe(1);
      }),
    );

    it(
      'refuses to complete a chunk whose run was reset meanwhile, and ignores its late failure',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(2));
        await state.chunks.claim('orders_1', T1);
        await state.chunks.reset('orders');
        await expect(state.chunks.complete('orders_1', 0, { rows: 1, files: [] }, T2)).rejects.toMatchObject({
          code: 'RIVET_STATE_CHUNK_LOST',
        });
        await state.chunks.fail('orders_1', 0, 'late', false, T2);
        expect(await state.chunks.tasks('orders_1')).toEqual([]);
      }),
    );

    it(
      'reopens a done chunk whose part went missing: pending, files and rows cleared, reason kept',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(2));
        await state.chunks.claim('orders_1', T1);
        await state.chunks.complete('orders_1', 0, { rows: 5, files: [file('orders_1', 'p0.csv', 5)] }, T1);
        await state.chunks.reopen('orders_1', 0, 'p0.csv is missing', T2);
        await state.chunks.reopen('orders_1', 1, 'not done: untouched', T2);
        const [first, second] = await state.chunks.tasks('orders_1');
        expect(first).toMatchObject({
          status: 'pending',
          rows: 0,
          files: [],
          attempts: 0,
          lastError: 'p0.csv is missing',
        });
        expect(second).toMatchObject({ status: 'pending', lastError: null });
        expect((await state.chunks.claim('orders_1', T2))?.index).toBe(0);
      }),
    );

    it(
      'resets every run and task of one export, and counts the runs',
      using(open, async (state) => {
        await state.chunks.create(chunkRun('orders_1'), newTasks(2));
        await state.chunks.finish('orders_1', 'completed', T1);
        await state.chunks.create(chunkRun('orders_2', 3, T1), newTasks(2));
        await state.chunks.create(chunkRun('users_1'), newTasks(1));
        expect(await state.chunks.reset('orders')).toBe(2);
        expect(await state.chunks.latest('orders')).toBeUndefined();
        expect(await state.chunks.tasks('orders_1')).toEqual([]);
        expect(await state.chunks.tasks('orders_2')).toEqual([]);
        expect(await state.chunks.tasks('users_1')).toHaveLength(1);
        expect(await state.chunks.reset('orders')).toBe(0);
        // The guard is gone with the run: a fresh chunk run can start.
        await state.chunks.create(chunkRun('orders_3', 3, T2), newTasks(1));
      }),
    );
  });
}

function describeLockContract(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} satisfies the LockStore contract`, () => {
    it(
      'acquires a free lock and refuses it while held, naming the holder',
      using(open, async (state) => {
        expect(await state.locks.get('orders')).toBeUndefined();
        expect(await state.locks.acquire(lock('orders_1'))).toEqual({ acquired: true });
        expect(await state.locks.get('orders')).toEqual(lock('orders_1'));
        expect(await state.locks.acquire(lock('orders_2'))).toEqual({
          acquired: false,
          holder: lock('orders_1'),
        });
        // Naming someone else as the dead holder does not help.
        expect((await state.locks.acquire(lock('orders_2'), 'orders_9')).acquired).toBe(false);
        expect((await state.locks.acquire(lock('users_1'))).acquired).toBe(true);
      }),
    );

    it(
      'hands the lock over when the caller names the current holder, and the old holder notices',
      using(open, async (state) => {
        await state.locks.acquire(lock('orders_1'));
        expect(await state.locks.heartbeat('orders', 'orders_1', T1, T2)).toBe(true);
        expect(await state.locks.get('orders')).toMatchObject({ heartbeatAt: T1, expiresAt: T2 });
        expect(await state.locks.acquire(lock('orders_2'), 'orders_1')).toEqual({ acquired: true });
        expect((await state.locks.get('orders'))?.runId).toBe('orders_2');
        expect(await state.locks.heartbeat('orders', 'orders_1', T2, T2)).toBe(false);
        expect(await state.locks.heartbeat('orders', 'orders_2', T2, T2)).toBe(true);
        expect(await state.locks.heartbeat('users', 'users_1', T2, T2)).toBe(false);
      }),
    );

    it(
      'releases only for the holder',
      using(open, async (state) => {
        await state.locks.acquire(lock('orders_1'));
        await state.locks.release('orders', 'orders_2');
        expect((await state.locks.get('orders'))?.runId).toBe('orders_1');
        await state.locks.release('orders', 'orders_1');
        expect(await state.locks.get('orders')).toBeUndefined();
        expect((await state.locks.acquire(lock('orders_2'))).acquired).toBe(true);
      }),
    );
  });
}
