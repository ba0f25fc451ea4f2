/**
 * Layer: state (test contract). What every StateStore must do, run by each backend's
 * own test: run lifecycle, an idempotent file ledger, metrics newest first.
 */
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../contracts/file-record.js';
import type { MetricRecord, StateStore } from './state.js';

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

export function describeStateContract(name: string, open: () => Promise<StateStore>): void {
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
