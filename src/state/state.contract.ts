/**
 * Layer: state (test contract). What every StateStore must do, run by each backend's
 * own test: run lifecycle, an idempotent file ledger, metrics newest first, cursors,
 * chunk checkpoints and export locks.
 */
import { describe, expect, it } from 'vitest';
import { describeChunkContract } from './chunk-store.contract.js';
import type { ExportLockRecord, MetricRecord, StateStore } from './state.js';
import { file, T0, T1, T2, using } from './state-fixtures.js';

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

const lock = (runId: string, expiresAt = T2): ExportLockRecord => ({
  exportName: runId.split('_')[0]!,
  runId,
  pid: 4242,
  host: 'box',
  acquiredAt: T0,
  heartbeatAt: T0,
  expiresAt,
});

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
