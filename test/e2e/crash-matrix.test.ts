/**
 * The crash matrix: the built CLI killed by SIGKILL (RIVET_TEST_KILL_AT) at every commit
 * boundary of every mode, on PostgreSQL and on MariaDB, then recovered (`--resume` for a
 * chunk run, a plain re-run otherwise). After the kill no final name holds a partial
 * file and `_SUCCESS` never vouches for anything but manifest.json; after recovery no
 * row is lost and rows are duplicated only where the contract says (an incremental run
 * killed after its manifest but before its cursor). Then, per engine, a chunked parallel
 * export killed at random moments twenty times and resumed ends with exactly the source.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { xxh3 } from '@node-rs/xxhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/contracts/manifest.js';
import { openSqliteState } from '../../src/state/sqlite/sqlite-state.js';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestDatabase, mysqlAvailable } from '../support/my-test-db.js';
import { createTestSchema, PG_URL, postgresAvailable } from '../support/pg-test-db.js';
import { type CliResult, runCliAsync, startCli, tempDir } from '../support/run-cli.js';

const ROWS = 3_000;
/** Rows inserted between an incremental export's first run and the run that is killed. */
const NEW_ROWS = 500;
const RANDOM_ROWS = 20_000;
const RANDOM_ITERATIONS = 20;
const EXPORT = 'crash';

/** One source engine, as the matrix needs it: tables it can create, grow and list. */
interface SourceDb {
  readonly sourceYaml: string;
  readonly env: Record<string, string>;
  qualified(table: string): string;
  /** `id` 1..rows (bigint PK), `ts` timestamp(6) rising with id, `note` text. */
  createTable(table: string, rows: number): Promise<void>;
  insert(table: string, from: number, to: number): Promise<void>;
  ids(table: string): Promise<number[]>;
  drop(): Promise<void>;
}

async function postgresDb(): Promise<SourceDb> {
  const schema = await createTestSchema('rivet_crash');
  const insert = (table: string, from: number, to: number) =>
    schema.query(`INSERT INTO ${schema.name}.${table}
      SELECT i, timestamp '2024-01-01' + i * interval '1 second' + (i % 997) * interval '1 microsecond', 'note ' || i
      FROM generate_series(${from}, ${to}) i`);
  return {
    sourceYaml: 'source:\n  type: postgres\n  url_env: PG_URL\n',
    env: { PG_URL },
    qualified: (table) => `${schema.name}.${table}`,
    createTable: async (table, rows) => {
      await schema.query(
        `CREATE TABLE ${schema.name}.${table} (id bigint PRIMARY KEY, ts timestamp(6) NOT NULL, note text)`,
      );
      await insert(table, 1, rows);
    },
    insert: async (table, from, to) => {
      await insert(table, from, to);
    },
    ids: async (table) =>
      (await schema.query(`SELECT id FROM ${schema.name}.${table} ORDER BY id`)).rows.map((r) =>
        Number(r.id),
      ),
    drop: () => schema.drop(),
  };
}

async function mariaDb(): Promise<SourceDb> {
  const db = await createTestDatabase('rivet_crash');
  const insert = (table: string, from: number, to: number) =>
    db.query(`INSERT INTO \`${table}\`
      SELECT seq, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL (seq % 997) MICROSECOND, CONCAT('note ', seq)
      FROM seq_${from}_to_${to}`);
  return {
    sourceYaml: 'source:\n  type: mysql\n  url_env: MY_URL\n',
    env: { MY_URL: db.url },
    qualified: (table) => table,
    createTable: async (table, rows) => {
      await db.query(
        `CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), note VARCHAR(64))`,
      );
      await insert(table, 1, rows);
    },
    insert: async (table, from, to) => {
      await insert(table, from, to);
    },
    ids: async (table) =>
      (await db.query<{ id: string }[]>(`SELECT id FROM \`${table}\` ORDER BY id`)).map((r) => Number(r.id)),
    drop: () => db.drop(),
  };
}

const ENGINES = [
  { label: 'PostgreSQL', available: await postgresAvailable(), open: postgresDb },
  { label: 'MariaDB', available: await mysqlAvailable(), open: mariaDb },
] as const;

type Mode = 'full' | 'incremental-first' | 'incremental-second' | 'chunked' | 'chunked-parallel';

interface Case {
  readonly mode: Mode;
  /** `RIVET_TEST_KILL_AT`: a fault point, optionally `:<nth>`. */
  readonly point: string;
}

const INCREMENTAL_POINTS = [
  'after_source_read',
  'after_file_write:1',
  'after_manifest_update',
  'after_cursor_commit',
];
const CHUNKED_POINTS = [
  'after_source_read',
  'after_file_write:1',
  'after_file_write:2',
  'after_manifest_update',
  'after_chunk_commit:1',
  'after_chunk_commit:3',
];
const CASES: readonly Case[] = [
  ...['after_source_read', 'after_file_write:1', 'after_file_write:2', 'after_manifest_update'].map(
    (point) => ({ mode: 'full' as const, point }),
  ),
  ...INCREMENTAL_POINTS.map((point) => ({ mode: 'incremental-first' as const, point })),
  ...INCREMENTAL_POINTS.map((point) => ({ mode: 'incremental-second' as const, point })),
  ...CHUNKED_POINTS.map((point) => ({ mode: 'chunked' as const, point })),
  ...CHUNKED_POINTS.map((point) => ({ mode: 'chunked-parallel' as const, point })),
];

/**
 * Full mode writes CSV rotated at 20 KB (six parts of ~500 rows: batches stay under the
 * size, so a kill after the 2nd part lands between parts); the others write Parquet.
 */
function exportYaml(mode: Mode | 'random', table: string): string {
  const head = `  - name: ${EXPORT}\n    table: ${table}\n    destination: { type: local, path: ./out }\n`;
  switch (mode) {
    case 'full':
      return `${head}    format: csv\n    max_file_size: 20KB\n    tuning: { batch_size: 500 }\n`;
    case 'incremental-first':
    case 'incremental-second':
      return `${head}    format: parquet\n    mode: incremental\n    cursor_column: ts\n`;
    case 'chunked':
    case 'chunked-parallel':
      return `${head}    format: parquet\n    mode: chunked\n    chunk_column: id\n    chunk_size: 500\n    chunk_checkpoint: true\n    parallel: ${mode === 'chunked' ? 1 : 2}\n`;
    case 'random':
      // ~3 s for a whole run: 40 chunks, each paused 20 ms per 100 rows.
      return `${head}    format: parquet\n    mode: chunked\n    chunk_column: id\n    chunk_size: 500\n    chunk_checkpoint: true\n    parallel: 2\n    tuning: { throttle_ms: 20, batch_size: 100 }\n`;
  }
}

const PART = /^[^.].*\.(parquet|csv)$/;
/** local-destination.ts tempName: `.name.<pid>.<16 hex>.tmp`, hidden and never `*.parquet`/`*.csv`. */
const TEMP = /^\..+\.\d+\.[0-9a-f]{16}\.tmp$/;
const MARKER = /^(manifest\.json|manifest-.+\.json|_SUCCESS)$/;

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

const partsOf = (names: readonly string[]) => names.filter((n) => PART.test(n));
const xxh3Of = (bytes: Uint8Array) => `xxh3:${xxh3.xxh64(bytes).toString(16).padStart(16, '0')}`;

/** Every id in one part, read by DuckDB (the whole file: a truncated one fails). */
async function partIds(file: string): Promise<number[]> {
  const from = file.endsWith('.csv')
    ? `read_csv(${sqlString(file)}, header = true)`
    : `read_parquet(${sqlString(file)})`;
  const rows = await duckQuery(`SELECT id::BIGINT AS id FROM ${from}`);
  return rows.map((r) => Number(r.id));
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

/** `<export>_<YYYYMMDD>_<HHMMSS>…`: the second a run started, from one of its part names. */
function stampOf(name: string): number {
  const m = /_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_|\.)/.exec(name);
  if (m === null) throw new Error(`no run stamp in '${name}'`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

/**
 * What a reader may see right after a kill: part names only for complete parts (DuckDB
 * reads every one; where the ledger has it, its bytes hash to what the ledger says), temp
 * files that no `*.parquet`/`*.csv` glob matches, and a `_SUCCESS` — if any — that vouches
 * for exactly the manifest.json beside it, whose parts are all there.
 */
async function assertNothingPartial(configDir: string, out: string, ledgerRequired: boolean): Promise<void> {
  const names = listDir(out);
  for (const name of names)
    expect(PART.test(name) || TEMP.test(name) || MARKER.test(name), `unexpected file ${name}`).toBe(true);
  for (const name of names.filter((n) => TEMP.test(n))) expect(name).not.toMatch(/\.(parquet|csv)$/);
  const state = openSqliteState(join(configDir, '.rivet_state.db'));
  const ledger = new Map(
    (await state.files.list({ exportName: EXPORT, limit: 10_000 })).map((f) => [f.path, f]),
  );
  await state.close();
  for (const name of partsOf(names)) {
    const bytes = readFileSync(join(out, name));
    const recorded = ledger.get(name);
    if (ledgerRequired) expect(recorded, `${name} is not in the ledger`).toBeDefined();
    if (recorded !== undefined) {
      expect(bytes.length, name).toBe(recorded.bytes);
      expect(xxh3Of(bytes), name).toBe(recorded.xxh3);
    }
    if (name.endsWith('.csv')) expect(bytes.at(-1), `${name} ends mid-line`).toBe(0x0a);
    const ids = await partIds(join(out, name));
    if (recorded !== undefined) expect(ids.length, name).toBe(recorded.rows);
  }
  if (names.includes('_SUCCESS')) await assertSuccessVouches(out);
}

/** `_SUCCESS` holds the XXH3 of manifest.json's bytes, and every part it lists is there intact. */
async function assertSuccessVouches(out: string): Promise<Manifest> {
  const bytes = readFileSync(join(out, 'manifest.json'));
  expect(readFileSync(join(out, '_SUCCESS'), 'utf8').trim()).toBe(xxh3Of(bytes));
  const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
  expect(manifest.status).toBe('success');
  await manifestIds(out, manifest);
  return manifest;
}

/** The ids of a manifest's parts, each part checked against its entry (size, XXH3, rows). */
async function manifestIds(out: string, manifest: Manifest): Promise<number[]> {
  const all: number[] = [];
  for (const part of manifest.parts) {
    const bytes = readFileSync(join(out, part.path));
    expect(bytes.length, part.path).toBe(part.size_bytes);
    expect(xxh3Of(bytes), part.path).toBe(part.content_fingerprint);
    const ids = await partIds(join(out, part.path));
    expect(ids.length, part.path).toBe(part.rows);
    all.push(...ids);
  }
  expect(all.length).toBe(manifest.row_count);
  return all.sort((a, b) => a - b);
}

function duplicates(ids: readonly number[]): number[] {
  const seen = new Set<number>();
  const dup = new Set<number>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup].sort((a, b) => a - b);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function chunkRun(configDir: string) {
  const state = openSqliteState(join(configDir, '.rivet_state.db'));
  try {
    const run = await state.chunks.latest(EXPORT);
    const tasks = run === undefined ? [] : await state.chunks.tasks(run.runId);
    return { run, done: tasks.filter((t) => t.status === 'done').length, tasks: tasks.length };
  } finally {
    await state.close();
  }
}

async function storedCursor(configDir: string) {
  const state = openSqliteState(join(configDir, '.rivet_state.db'));
  try {
    return await state.cursors.get(EXPORT);
  } finally {
    await state.close();
  }
}

async function crashCase(db: SourceDb, table: string, c: Case): Promise<void> {
  const dir = tempDir('rivet-crash-');
  try {
    await db.createTable(table, ROWS);
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `${db.sourceYaml}exports:\n${exportYaml(c.mode, db.qualified(table))}`,
    );
    const out = join(dir.path, 'out');
    const run = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
      runCliAsync(['run', '-c', 'rivet.yaml', ...args], { cwd: dir.path, env: { ...db.env, ...env } });
    const chunked = c.mode === 'chunked' || c.mode === 'chunked-parallel';
    const incremental = c.mode === 'incremental-first' || c.mode === 'incremental-second';
    const [point, nthText] = c.point.split(':') as [string, string | undefined];
    const nth = Number(nthText ?? 1);

    // The rows the killed run reads: all of them, or (second incremental run) the new ones.
    let window = range(1, ROWS);
    let cursorBefore: string | undefined;
    if (c.mode === 'incremental-second') {
      const first = await run([]);
      expect(first.code, first.stderr).toBe(0);
      cursorBefore = (await storedCursor(dir.path))?.value;
      expect(cursorBefore).toBeDefined();
      await db.insert(table, ROWS + 1, ROWS + NEW_ROWS);
      window = range(ROWS + 1, ROWS + NEW_ROWS);
    }
    const before = listDir(out);
    const startedAt = Math.floor(Date.now() / 1000) * 1000;
    const killed = await run([], { RIVET_TEST_KILL_AT: c.point });
    const endedAt = Date.now();
    expect(killed.signal, `not killed: exit ${killed.code}\n${killed.stderr}`).toBe('SIGKILL');

    // Right after the kill: nothing partial under a final name, and the kill hit its boundary.
    const afterKill = listDir(out);
    const killedParts = partsOf(afterKill).filter((n) => !before.includes(n));
    const newManifests = afterKill.filter((n) => /^manifest-.+\.json$/.test(n) && !before.includes(n));
    await assertNothingPartial(dir.path, out, c.mode !== 'chunked-parallel');
    for (const name of killedParts) {
      expect(stampOf(name)).toBeGreaterThanOrEqual(startedAt);
      expect(stampOf(name)).toBeLessThanOrEqual(endedAt);
    }
    const markersWritten = point === 'after_manifest_update' || point === 'after_cursor_commit';
    expect(newManifests.length, 'manifests written by the killed run').toBe(markersWritten ? 1 : 0);
    if (markersWritten) expect(afterKill).toContain('_SUCCESS');
    // One part per unit: the read ended with it open (full mode may have just rotated).
    if (point === 'after_source_read' && c.mode !== 'full')
      expect(afterKill.some((n) => TEMP.test(n))).toBe(true);
    if (point === 'after_file_write') {
      expect(afterKill, '_SUCCESS must go before the first part is committed').not.toContain('_SUCCESS');
      if (c.mode === 'chunked-parallel') expect(killedParts.length).toBeGreaterThanOrEqual(nth);
      else expect(killedParts.length).toBe(nth);
    }
    if (incremental) {
      const cursor = (await storedCursor(dir.path))?.value;
      if (point === 'after_cursor_commit') expect(cursor).not.toBe(cursorBefore);
      else expect(cursor, 'the cursor moved before the run was durable').toBe(cursorBefore);
    }
    let chunkRunId: string | undefined;
    if (chunked) {
      const state = await chunkRun(dir.path);
      expect(state.run?.status).toBe('in_progress');
      chunkRunId = state.run?.runId;
      if (point === 'after_chunk_commit') {
        if (c.mode === 'chunked') expect(state.done).toBe(nth);
        else expect(state.done).toBeGreaterThanOrEqual(nth);
      }
      if (point === 'after_manifest_update') expect(state.done).toBe(state.tasks);
    }

    // Recovery.
    const recovery = await run(chunked ? ['--resume'] : []);
    expect(recovery.code, recovery.stderr).toBe(0);
    const final = listDir(out);
    // A parallel worker's part can be linked and not yet in the ledger when the other worker kills.
    await assertNothingPartial(dir.path, out, c.mode !== 'chunked-parallel');
    const latest = await assertSuccessVouches(out);
    const sourceIds = await db.ids(table);

    let listed: Set<string>;
    if (incremental) {
      // Every successful run's manifest together must hold every source row.
      const manifests = final
        .filter((n) => /^manifest-.+\.json$/.test(n))
        .map((n) => ({ name: n, manifest: readManifest(join(out, n)) }))
        .filter((m) => m.manifest.status === 'success');
      const idsByRun = new Map<string, number[]>();
      for (const { manifest } of manifests) {
        const ids = await manifestIds(out, manifest);
        expect(duplicates(ids), `duplicates inside run ${manifest.run_id}`).toEqual([]);
        idsByRun.set(manifest.run_id, ids);
      }
      const union = [...idsByRun.values()].flat();
      const exported = new Set(union);
      const missing = sourceIds.filter((id) => !exported.has(id));
      expect(missing, 'rows lost').toEqual([]);
      if (point === 'after_manifest_update') {
        // The cursor had not moved: the recovery run exported the same window again.
        expect(duplicates(union)).toEqual(window);
        const killedRun = readManifest(join(out, newManifests[0]!)).run_id;
        const holders = [...idsByRun].filter(([, ids]) => ids.includes(window[0]!)).map(([run]) => run);
        expect(holders).toHaveLength(2);
        expect(holders).toContain(killedRun);
        expect(holders).toContain(latest.run_id);
        expect(latest.run_id).not.toBe(killedRun);
        expect(idsByRun.get(killedRun)).toEqual(window);
        expect(idsByRun.get(latest.run_id)).toEqual(window);
      } else {
        expect(duplicates(union), 'duplicated rows').toEqual([]);
      }
      listed = new Set(manifests.flatMap((m) => m.manifest.parts.map((p) => p.path)));
    } else {
      const ids = await manifestIds(out, latest);
      expect(duplicates(ids), 'duplicated rows').toEqual([]);
      expect(ids).toEqual(sourceIds);
      if (c.mode === 'full') expect(latest.parts.length).toBeGreaterThanOrEqual(3);
      // A resumed chunk run keeps its run id: the manifest is the killed run's, completed.
      if (chunked) expect(latest.run_id).toBe(chunkRunId);
      listed = new Set(latest.parts.map((p) => p.path));
    }
    // Parts in no manifest that counts are the killed run's, named with its stamp.
    const orphans = partsOf(final).filter((n) => !listed.has(n));
    for (const name of orphans)
      expect(killedParts, `orphan ${name} was not the killed run's`).toContain(name);
    if (point === 'after_file_write' && !chunked) expect(orphans).toEqual(killedParts);
    if (c.mode === 'full') {
      // `<export>_<date>_<time>_<millis>_part<N>.csv`: the killed run's stem is its own.
      const stem = (name: string) => name.replace(/_part\d+\.csv$/, '');
      const killedStems = new Set(killedParts.map(stem));
      expect(killedStems.size).toBeLessThanOrEqual(1);
      for (const part of latest.parts) expect(killedStems.has(stem(part.path))).toBe(false);
      for (const name of orphans) expect(latest.parts.map((p) => p.path)).not.toContain(name);
    }
  } finally {
    dir.remove();
  }
}

/** mulberry32: small, seedable, good enough to pick kill delays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function randomKills(db: SourceDb, table: string, seed: number, log: string[]): Promise<void> {
  const dir = tempDir('rivet-crash-rnd-');
  try {
    await db.createTable(table, RANDOM_ROWS);
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `${db.sourceYaml}exports:\n${exportYaml('random', db.qualified(table))}`,
    );
    const out = join(dir.path, 'out');
    const env = { ...db.env };
    const random = prng(seed);
    const inProgress = async (): Promise<boolean> => {
      const chunks = await runCliAsync(['state', 'chunks', '-c', 'rivet.yaml', '-e', EXPORT, '--json'], {
        cwd: dir.path,
        env,
      });
      expect(chunks.code, chunks.stderr).toBe(0);
      const parsed = JSON.parse(chunks.stdout) as { status: string } | null;
      return parsed?.status === 'in_progress';
    };
    for (let i = 0; i < RANDOM_ITERATIONS; i++) {
      const resume = i > 0 && (await inProgress());
      const child = startCli(['run', '-c', 'rivet.yaml', ...(resume ? ['--resume'] : [])], {
        cwd: dir.path,
        env,
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdout.resume();
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
        child.once('exit', (code, signal) => resolve([code, signal])),
      );
      const delay = 100 + Math.floor(random() * 1400);
      await Promise.race([sleep(delay), exited]);
      child.kill('SIGKILL');
      const [code, signal] = await exited;
      log.push(`#${i} ${resume ? '--resume' : 'run'} +${delay}ms → ${signal ?? `exit ${code}`}`);
      // A run that finished before the kill must have succeeded (no lock or resume refusals).
      if (signal === null) expect(code, stderr).toBe(0);
      await assertNothingPartial(dir.path, out, false);
    }
    const resume = await inProgress();
    const last = await runCliAsync(['run', '-c', 'rivet.yaml', ...(resume ? ['--resume'] : [])], {
      cwd: dir.path,
      env,
    });
    log.push(`final ${resume ? '--resume' : 'run'} → exit ${last.code}`);
    expect(last.code, last.stderr).toBe(0);
    expect(await inProgress()).toBe(false);
    const manifest = await assertSuccessVouches(out);
    const ids = await manifestIds(out, manifest);
    expect(duplicates(ids), 'duplicated rows').toEqual([]);
    expect(ids).toEqual(await db.ids(table));
    await assertNothingPartial(dir.path, out, false);
  } finally {
    dir.remove();
  }
}

describe.concurrent('crash matrix: SIGKILL at every commit boundary, then recovery', () => {
  for (const engine of ENGINES) {
    describe.skipIf(!engine.available)(engine.label, () => {
      let db: SourceDb;
      beforeAll(async () => {
        db = await engine.open();
      });
      afterAll(async () => {
        await db?.drop();
      });

      it('a chunked parallel export killed at random moments and resumed holds exactly the source', async () => {
        const seed = Number(process.env.RIVET_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
        const log: string[] = [];
        try {
          await randomKills(db, 'random_kills', seed, log);
        } catch (error) {
          const message = `${engine.label} random kills failed with seed ${seed} (rerun with RIVET_CRASH_SEED=${seed})\n${log.join('\n')}`;
          console.error(message);
          throw new Error(`${message}\n${(error as Error).message}`, { cause: error });
        }
      }, 120_000);

      CASES.forEach((c, i) => {
        it(`${c.mode} killed ${c.point}`, async () => {
          await crashCase(db, `c${i}`, c);
        }, 60_000);
      });
    });
  }
});
