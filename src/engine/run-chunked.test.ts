import { describe, expect, it } from 'vitest';
import { makeBatch, scriptedSource, testDeps, testPlan } from '../../test/support/engine-kit.js';
import { RivetError } from '../common/errors.js';
import type { Manifest } from '../contracts/manifest.js';
import type { ChunkUnit, ExportPlan, ReadSpec } from '../contracts/run-plan.js';
import { MemoryDestination } from '../destination/memory/memory-destination.js';
import type { Source } from '../source/source.js';
import { createMemoryState } from '../state/memory/memory-state.js';
import { runExport } from './run-export.js';

const ROWS = 10;

/** Ten rows, ids 1..10; `id >= lo AND id <= hi` windows as the planner cuts them. */
function units(size: number): ChunkUnit[] {
  const out: ChunkUnit[] = [];
  for (let lo = 1, index = 0; lo <= ROWS; lo += size, index++) {
    const hi = Math.min(lo + size - 1, ROWS);
    out.push({
      index,
      window: {
        columns: ['id'],
        bounds: [
          { op: '>=', value: String(lo) },
          { op: '<=', value: String(hi) },
        ],
      },
      lower: String(lo),
      upper: String(hi),
    });
  }
  return out;
}

function chunkedPlan(overrides: Partial<Extract<ExportPlan['mode'], { kind: 'chunked' }>> = {}): ExportPlan {
  return testPlan({
    mode: {
      kind: 'chunked',
      planHash: 'xxh3:0000000000000001',
      description: 'range(id, 3)',
      chunks: units(3),
      workers: 2,
      checkpoint: true,
      maxAttempts: 2,
      ...overrides,
    },
  });
}

interface WindowedOptions {
  /** The chunk whose first lower bound is this id fails, with this error, this many times. */
  readonly failAt?: { readonly lo: number; readonly error: Error; readonly times: number };
}

/** A source that honours the window, counting the connections it opened. */
function windowedSource(options: WindowedOptions = {}) {
  let opened = 0;
  let failures = 0;
  const base = scriptedSource({ batches: [] });
  const open = async (): Promise<Source> => {
    opened++;
    const inner = await base.open();
    return {
      ...inner,
      async *read(spec: ReadSpec) {
        const bounds = spec.window?.bounds ?? [];
        const lo = Number(bounds.find((b) => b.op === '>=')?.value ?? 1);
        const hi = Number(bounds.find((b) => b.op === '<=')?.value ?? ROWS);
        const fail = options.failAt;
        if (fail !== undefined && fail.lo === lo && failures < fail.times) {
          failures++;
          throw fail.error;
        }
        yield makeBatch(lo, hi - lo + 1);
      },
    };
  };
  return { open, opened: () => opened };
}

const manifestOf = (d: MemoryDestination) =>
  JSON.parse(Buffer.from(d.objects.get('manifest.json')!).toString('utf8')) as Manifest;

describe('chunked runs', () => {
  it('reads every chunk once with one connection per worker and lists done chunks in the manifest', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const source = windowedSource();
    const summary = await runExport(chunkedPlan(), testDeps(source.open, destination, state));
    expect(summary).toMatchObject({
      status: 'success',
      total_rows: ROWS,
      files_produced: 4,
      mode: 'chunked',
    });
    expect(source.opened()).toBe(2);
    const manifest = manifestOf(destination);
    expect(manifest.parts.map((p) => p.rows)).toEqual([3, 3, 3, 1]);
    expect(manifest.parts.map((p) => p.path)).toEqual(
      [0, 1, 2, 3].map((i) =>
        expect.stringMatching(new RegExp(`^items_20260304_050607_chunk${i}_[0-9a-f]{16}\\.csv$`)),
      ),
    );
    const run = await state.chunks.latest('items');
    expect(run?.status).toBe('completed');
    expect((await state.chunks.tasks(run!.runId)).every((t) => t.status === 'done')).toBe(true);
  });

  it('retries a chunk that failed transiently, deleting nothing that a done chunk owns', async () => {
    const destination = new MemoryDestination();
    const error = new RivetError('RIVET_SOURCE_CONNECTION', 'connection reset', { retryable: true });
    const source = windowedSource({ failAt: { lo: 4, error, times: 1 } });
    const summary = await runExport(chunkedPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(summary).toMatchObject({ status: 'success', total_rows: ROWS });
    expect(manifestOf(destination).row_count).toBe(ROWS);
  });

  it('a permanent failure leaves the run in progress, a failed manifest of the done chunks and no _SUCCESS; --resume finishes it', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const error = new RivetError('RIVET_SOURCE_QUERY', 'permission denied');
    const failing = windowedSource({ failAt: { lo: 7, error, times: 1 } });
    const failed = await runExport(chunkedPlan({ workers: 1 }), testDeps(failing.open, destination, state));
    expect(failed).toMatchObject({ status: 'failed', error_code: 'RIVET_SOURCE_QUERY' });
    expect(destination.objects.has('_SUCCESS')).toBe(false);
    expect(manifestOf(destination)).toMatchObject({ status: 'failed', row_count: 7 });
    const run = await state.chunks.inProgress('items');
    expect(run).toBeDefined();

    const refused = await runExport(chunkedPlan(), testDeps(windowedSource().open, destination, state));
    expect(refused).toMatchObject({ status: 'failed', error_code: 'RIVET_CHUNK_RUN_IN_PROGRESS' });

    const resumed = await runExport(
      { ...chunkedPlan({ chunks: undefined }), runId: run!.runId },
      testDeps(windowedSource().open, destination, state),
      { resume: true },
    );
    expect(resumed).toMatchObject({ status: 'success', run_id: run!.runId, total_rows: ROWS });
    expect(manifestOf(destination)).toMatchObject({ status: 'success', row_count: ROWS, part_count: 4 });
  });

  it('--resume reads again a done chunk whose part went missing, with a warning', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const error = new RivetError('RIVET_SOURCE_QUERY', 'boom');
    await runExport(
      chunkedPlan({ workers: 1 }),
      testDeps(windowedSource({ failAt: { lo: 7, error, times: 1 } }).open, destination, state),
    );
    const run = (await state.chunks.inProgress('items'))!;
    const lost = (await state.chunks.tasks(run.runId))[0]!.files[0]!;
    destination.objects.delete(lost);
    const deps = testDeps(windowedSource().open, destination, state);
    const resumed = await runExport({ ...chunkedPlan({ chunks: undefined }), runId: run.runId }, deps, {
      resume: true,
    });
    expect(resumed).toMatchObject({ status: 'success', total_rows: ROWS });
    expect(deps.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringContaining(`part ${lost} is missing`),
      }),
    );
    const manifest = manifestOf(destination);
    expect(manifest.row_count).toBe(ROWS);
    expect(manifest.parts.map((p) => p.path)).not.toContain(lost);
  });

  it('refuses --resume when the cut changed', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const error = new RivetError('RIVET_SOURCE_QUERY', 'boom');
    await runExport(
      chunkedPlan({ workers: 1 }),
      testDeps(windowedSource({ failAt: { lo: 4, error, times: 1 } }).open, destination, state),
    );
    const summary = await runExport(
      chunkedPlan({ planHash: 'xxh3:0000000000000002', chunks: undefined }),
      testDeps(windowedSource().open, destination, state),
      { resume: true },
    );
    expect(summary).toMatchObject({ status: 'failed', error_code: 'RIVET_RESUME_PLAN_CHANGED' });
  });
});

describe('incremental runs', () => {
  const incremental = (high: string | null): ExportPlan =>
    testPlan({ mode: { kind: 'incremental', cursorColumn: 'id', previous: undefined, high } });

  it('stores the cursor only after the manifest and _SUCCESS', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const source = scriptedSource({ batches: [makeBatch(1, 3)] });
    const summary = await runExport(incremental('3'), testDeps(source.open, destination, state));
    expect(summary.status).toBe('success');
    expect(destination.objects.has('_SUCCESS')).toBe(true);
    expect(await state.cursors.get('items')).toMatchObject({ column: 'id', value: '3' });
  });

  it('leaves the cursor where it was when the read fails', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const error = new RivetError('RIVET_SOURCE_QUERY', 'boom');
    const source = scriptedSource({ batches: [makeBatch(1, 3)], failAt: 0, error });
    const summary = await runExport(incremental('3'), testDeps(source.open, destination, state));
    expect(summary.status).toBe('failed');
    expect(await state.cursors.get('items')).toBeUndefined();
  });

  it('is skipped, touching nothing, when nothing is past the cursor', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const summary = await runExport(
      incremental(null),
      testDeps(scriptedSource({ batches: [] }).open, destination, state),
    );
    expect(summary).toMatchObject({ status: 'skipped', skip_reason: "no new rows since cursor 'id'" });
    expect(destination.objects.size).toBe(0);
  });
});
