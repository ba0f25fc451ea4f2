import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { makeBatch, scriptedSource, testDeps, testPlan } from '../../test/support/engine-kit.js';
import { RivetError } from '../common/errors.js';
import type { Manifest } from '../contracts/manifest.js';
import { MemoryDestination } from '../destination/memory/memory-destination.js';
import { createMemoryState } from '../state/memory/memory-state.js';
import { xxh3Of } from './hashing-sink.js';
import { runExport } from './run-export.js';

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const manifestOf = (d: MemoryDestination) => JSON.parse(text(d.objects.get('manifest.json'))) as Manifest;

describe('runExport', () => {
  it('commits the part, then the manifests, then _SUCCESS holding the manifest hash', async () => {
    const destination = new MemoryDestination();
    const state = createMemoryState();
    const source = scriptedSource({ batches: [makeBatch(1, 3), makeBatch(4, 2)] });
    const deps = testDeps(source.open, destination, state);
    const summary = await runExport(testPlan(), deps);
    expect(summary).toMatchObject({
      status: 'success',
      total_rows: 5,
      files_produced: 1,
      exit_class: 0,
      statements: 2,
      longest_statement_ms: 2,
    });
    expect(text(destination.objects.get('items_20260304_050607_089.csv'))).toBe(
      'id,name\n1,name-1\n2,name-2\n3,name-3\n4,name-4\n5,name-5\n',
    );
    const manifestBytes = destination.objects.get('manifest.json')!;
    expect(text(destination.objects.get('_SUCCESS'))).toBe(`${xxh3Of(manifestBytes)}\n`);
    expect(text(destination.objects.get('manifest-items_20260304T050607.089.json'))).toBe(
      text(manifestBytes),
    );
    const manifest = manifestOf(destination);
    expect(manifest).toMatchObject({ status: 'success', row_count: 5, part_count: 1, format: 'csv' });
    expect(manifest.parts[0]).toMatchObject({
      path: 'items_20260304_050607_089.csv',
      rows: 5,
      status: 'committed',
    });
    expect(manifest.parts[0]!.content_fingerprint).toBe(
      xxh3Of(destination.objects.get('items_20260304_050607_089.csv')!),
    );
    expect(await state.files.forRun('items_20260304T050607.089')).toHaveLength(1);
    expect((await state.runs.get('items_20260304T050607.089'))?.status).toBe('success');
    expect((await state.metrics.list({ limit: 5 }))[0]).toMatchObject({ status: 'success', rows: 5 });
  });

  it('rotates parts at max_file_size, naming every part _part<N>', async () => {
    const destination = new MemoryDestination();
    const source = scriptedSource({ batches: [makeBatch(1, 50), makeBatch(51, 50), makeBatch(101, 50)] });
    const summary = await runExport(
      testPlan({}, { maxFileBytes: 500 }),
      testDeps(source.open, destination, createMemoryState()),
    );
    expect(summary.files_produced).toBe(3);
    expect([...destination.objects.keys()].filter((k) => k.endsWith('.csv')).sort()).toEqual([
      'items_20260304_050607_089_part0.csv',
      'items_20260304_050607_089_part1.csv',
      'items_20260304_050607_089_part2.csv',
    ]);
    expect(manifestOf(destination).parts.map((p) => p.rows)).toEqual([50, 50, 50]);
  });

  it('on a failure after a part was committed: no _SUCCESS, a failed manifest, the open part discarded', async () => {
    const destination = new MemoryDestination();
    await destination.putObject('_SUCCESS', new Uint8Array(Buffer.from('xxh3:stale\n')));
    const state = createMemoryState();
    const source = scriptedSource({
      batches: [makeBatch(1, 50), makeBatch(51, 50), makeBatch(101, 5)],
      failAt: 2,
    });
    const summary = await runExport(
      testPlan({}, { maxFileBytes: 500 }),
      testDeps(source.open, destination, state),
    );
    expect(summary).toMatchObject({
      status: 'failed',
      error_code: 'RIVET_SOURCE_QUERY',
      files_produced: 2,
      total_rows: 100,
    });
    expect(destination.objects.has('_SUCCESS')).toBe(false);
    const manifest = manifestOf(destination);
    expect(manifest.status).toBe('failed');
    expect(manifest.error?.code).toBe('RIVET_SOURCE_QUERY');
    expect(manifest.parts).toHaveLength(2);
    expect(source.opened()).toBe(1);
    expect((await state.runs.get(summary.run_id))?.status).toBe('failed');
  });

  it('retries a transient failure before any part is committed, and succeeds', async () => {
    const destination = new MemoryDestination();
    const transient = new RivetError('RIVET_SOURCE_UNREACHABLE', 'connection reset', { retryable: true });
    const source = scriptedSource({
      batches: [makeBatch(1, 2), makeBatch(3, 2)],
      failAt: 1,
      error: transient,
      failTimes: 2,
    });
    const deps = testDeps(source.open, destination, createMemoryState());
    const summary = await runExport(testPlan(), deps);
    expect(summary).toMatchObject({ status: 'success', total_rows: 4, retries: 2 });
    expect(source.opened()).toBe(3);
    expect(deps.events.filter((e) => e.type === 'retry')).toHaveLength(2);
    expect(text(destination.objects.get('items_20260304_050607_089.csv'))).toBe(
      'id,name\n1,name-1\n2,name-2\n3,name-3\n4,name-4\n',
    );
  });

  it('does not retry once a part is committed (a re-read would duplicate rows)', async () => {
    const destination = new MemoryDestination();
    const transient = new RivetError('RIVET_SOURCE_UNREACHABLE', 'connection reset', { retryable: true });
    const source = scriptedSource({
      batches: [makeBatch(1, 50), makeBatch(51, 50)],
      failAt: 1,
      error: transient,
    });
    const summary = await runExport(
      testPlan({}, { maxFileBytes: 100 }),
      testDeps(source.open, destination, createMemoryState()),
    );
    expect(summary).toMatchObject({ status: 'failed', exit_class: 2, retries: 0 });
    expect(source.opened()).toBe(1);
  });

  it('gives up on a permanent error at once and leaves an untouched prefix when nothing was committed', async () => {
    const destination = new MemoryDestination();
    await destination.putObject('manifest.json', new Uint8Array(Buffer.from('{"previous":true}')));
    await destination.putObject('_SUCCESS', new Uint8Array(Buffer.from('xxh3:previous\n')));
    const source = scriptedSource({ batches: [makeBatch(1, 2)], failAt: 0 });
    const summary = await runExport(testPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(summary).toMatchObject({ status: 'failed', exit_class: 1, files_produced: 0 });
    expect(source.opened()).toBe(1);
    expect(text(destination.objects.get('manifest.json'))).toBe('{"previous":true}');
    expect(text(destination.objects.get('_SUCCESS'))).toBe('xxh3:previous\n');
  });

  it('fails the export (not the process) when the destination fails mid-part, leaving no object', async () => {
    const destination = new MemoryDestination();
    destination.failAfterBytes = 20;
    const source = scriptedSource({ batches: [makeBatch(1, 10)] });
    const summary = await runExport(testPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(summary).toMatchObject({ status: 'failed', error_code: 'RIVET_DEST_WRITE' });
    expect([...destination.objects.keys()]).toEqual([]);
  });

  it('skips an empty result with skip_empty and leaves the prefix untouched', async () => {
    const destination = new MemoryDestination();
    const source = scriptedSource({ batches: [] });
    const summary = await runExport(
      testPlan({ skipEmpty: true }),
      testDeps(source.open, destination, createMemoryState()),
    );
    expect(summary).toMatchObject({
      status: 'skipped',
      skip_reason: 'source returned 0 rows',
      exit_class: 0,
    });
    expect(destination.objects.size).toBe(0);
  });

  it('without skip_empty, an empty result is a success with a zero-part manifest', async () => {
    const destination = new MemoryDestination();
    await destination.putObject('_SUCCESS', new Uint8Array(Buffer.from('xxh3:stale\n')));
    const source = scriptedSource({ batches: [] });
    const summary = await runExport(testPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(summary).toMatchObject({ status: 'success', files_produced: 0 });
    expect(manifestOf(destination)).toMatchObject({ part_count: 0, row_count: 0, status: 'success' });
    expect(text(destination.objects.get('_SUCCESS'))).toBe(
      `${xxh3Of(destination.objects.get('manifest.json')!)}\n`,
    );
  });

  it('removes a stale _SUCCESS before the first part of a new run lands', async () => {
    const destination = new MemoryDestination();
    await destination.putObject('_SUCCESS', new Uint8Array(Buffer.from('xxh3:stale\n')));
    let sawStaleMarker = false;
    const open = destination.open.bind(destination);
    destination.open = async (key) => {
      const sink = await open(key);
      const commit = sink.commit.bind(sink);
      return {
        ...sink,
        commit: async () => {
          sawStaleMarker = destination.objects.has('_SUCCESS');
          return commit();
        },
      };
    };
    const source = scriptedSource({ batches: [makeBatch(1, 2)] });
    await runExport(testPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(sawStaleMarker).toBe(false);
  });

  it('writes Parquet parts through the same commit path', async () => {
    const destination = new MemoryDestination();
    const source = scriptedSource({ batches: [makeBatch(1, 1000), makeBatch(1001, 1000)] });
    const summary = await runExport(
      testPlan({}, { kind: 'parquet', compression: 'zstd' }),
      testDeps(source.open, destination, createMemoryState()),
    );
    expect(summary).toMatchObject({ status: 'success', total_rows: 2000, format: 'parquet' });
    const part = destination.objects.get('items_20260304_050607_089.parquet')!;
    expect(text(part.subarray(0, 4))).toBe('PAR1');
    expect(text(part.subarray(part.length - 4))).toBe('PAR1');
  });
});

describe('runExport retries and leaks', () => {
  it('discards the failed attempt’s unfinished part before retrying', async () => {
    const destination = new MemoryDestination();
    const transient = new RivetError('RIVET_SOURCE_UNREACHABLE', 'connection reset', { retryable: true });
    const source = scriptedSource({
      batches: [makeBatch(1, 2), makeBatch(3, 2)],
      failAt: 1,
      error: transient,
      failTimes: 1,
    });
    const summary = await runExport(testPlan(), testDeps(source.open, destination, createMemoryState()));
    expect(summary).toMatchObject({ status: 'success', retries: 1, total_rows: 4 });
    expect(destination.openSinks).toBe(0);
  });

  it('does not retry once bytes went out to a streaming destination (a re-read would repeat them)', async () => {
    const inner = new MemoryDestination();
    const streaming = Object.assign(Object.create(inner) as MemoryDestination, {
      capabilities: { commit: 'streaming', markers: false } as const,
    });
    const transient = new RivetError('RIVET_SOURCE_UNREACHABLE', 'connection reset', { retryable: true });
    const source = scriptedSource({
      batches: [makeBatch(1, 2), makeBatch(3, 2)],
      failAt: 1,
      error: transient,
    });
    const summary = await runExport(testPlan(), testDeps(source.open, streaming, createMemoryState()));
    expect(summary).toMatchObject({ status: 'failed', exit_class: 2, retries: 0 });
    expect(source.opened()).toBe(1);
  });

  it('a Parquet part holds exactly the rows written (read back with hyparquet)', async () => {
    const destination = new MemoryDestination();
    const source = scriptedSource({ batches: [makeBatch(1, 700), makeBatch(701, 300)] });
    await runExport(
      testPlan({}, { kind: 'parquet', compression: 'snappy' }),
      testDeps(source.open, destination, createMemoryState()),
    );
    const bytes = destination.objects.get('items_20260304_050607_089.parquet')!;
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    });
    expect(rows).toHaveLength(1000);
    expect(rows[0]).toEqual({ id: 1, name: 'name-1' });
    expect(rows[999]).toEqual({ id: 1000, name: 'name-1000' });
  });
});
