/**
 * Layer: state (test contract). What every ChunkStore must do: create a sealed chunk run
 * (one in progress per export), hand each chunk to one claimant, count attempts, prepare a
 * resume, record a done chunk's files with it, refuse work on a reset or lost chunk, reset.
 */
import { describe, expect, it } from 'vitest';
import type { StateStore } from './state.js';
import { chunkRun, file, newTasks, T0, T1, T2, using } from './state-fixtures.js';

export function describeChunkContract(name: string, open: () => Promise<StateStore>): void {
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
