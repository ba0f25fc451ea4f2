#!/usr/bin/env node
/**
 * Rivet benchmark harness (plain Node ESM, no build step).
 *
 *   npm run bench [-- --rows-wide 2000000 --rows-narrow 10240000 --runs 3 --only wide|narrow
 *                     --engine postgres|mariadb|all --profile fast]
 *
 * Seeds perf-anchors §3 fixtures into database rivet_bench on PostgreSQL and MariaDB, then
 * runs Rivet (parquet zstd, csv) beside baselines under /usr/bin/time -v — PG: psql \copy csv,
 * COPY binary → /dev/null; MariaDB: mysql2 query().stream(), mydumper -t 2 —
 * 1 discarded warm-up + N measured runs each, and reports medians to stdout and
 * bench/results/<YYYY-MM-DD>.md. See `--help`.
 */
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  appendFileSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { HELP, parseArgs, UsageError, wants } from './lib/args.mjs';
import { seedFixtures, tableSizes } from './lib/fixtures.mjs';
import {
  ensureDatabaseAndUser,
  MY_BENCH_USER,
  MY_DB,
  mariadbTableSizes,
  seedMariadbFixtures,
} from './lib/mariadb-fixtures.mjs';
import {
  enableSlowLog,
  readSlowLog,
  readTmpDiskTables,
  restoreLeftover,
  truncateSlowLog,
  waitForIdleUser,
} from './lib/mariadb-measure.mjs';
import {
  fileSize,
  killCurrentChild,
  parseDurations,
  readAppended,
  readTempStats,
  runTimed,
  TIME_BIN,
  waitForIdle,
} from './lib/measure.mjs';
import {
  aggregate,
  fixtureSection,
  MARIADB_METRIC_NOTES,
  METRIC_NOTES,
  mariadbAggregate,
  mariadbFixtureSection,
} from './lib/report.mjs';
import { S3_BENCH_BUCKET, startBenchS3 } from './lib/s3-server.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');
const WORK = join(BENCH_DIR, 'work');
const RESULTS = join(BENCH_DIR, 'results');
/** RIVET_MAIN_JS points at a snapshot build, so work on src/ cannot disturb a long run. */
const MAIN_JS = process.env.RIVET_MAIN_JS ?? join(ROOT, 'dist', 'main.js');

const HOST = '127.0.0.1';
const PORT = 5432;
const USER = 'postgres';
const DB = 'rivet_bench';
const PG_LOG = '/var/log/postgresql/postgresql-15-main.log';
const SOURCE_URL = `postgresql://${USER}@${HOST}:${PORT}/${DB}`;
const PSQL_CONN = ['-X', '-h', HOST, '-p', String(PORT), '-U', USER, '-d', DB];

// MariaDB: the harness connects as root (seeding, slow log, counters); every measured case
// connects as MY_BENCH_USER so mysql.slow_log can be filtered by user.
const MY_HOST = '127.0.0.1';
const MY_PORT = 3306;
const MY_ADMIN = 'root';
const MY_SOURCE_URL = `mysql://${MY_BENCH_USER}@${MY_HOST}:${MY_PORT}/${MY_DB}`;
/** Previous slow-log globals while the bench has them changed (repaired on the next start). */
const MY_SAVED_GLOBALS = join(WORK, 'mariadb-saved-globals.json');
const MYSQL2_STREAM = join(BENCH_DIR, 'baselines', 'mysql2-stream.mjs');
/** perf-anchors §5.4 MY-D1 `-r 500000`: without -r mydumper 0.10 reads one table in one thread. */
const MYDUMPER_CHUNK_ROWS = 500_000;

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

class BenchError extends Error {}

// ───────────────────────────── setup ─────────────────────────────

function preflight(opts) {
  if (!existsSync(MAIN_JS)) throw new BenchError(`${MAIN_JS} not found — run \`npm run build\` first`);
  try {
    accessSync(TIME_BIN, constants.X_OK);
  } catch {
    throw new BenchError(`${TIME_BIN} is missing (GNU time is needed for peak RSS)`);
  }
  if (opts.engine === 'mariadb') return;
  try {
    accessSync(PG_LOG, constants.R_OK);
  } catch {
    throw new BenchError(
      `cannot read the server log ${PG_LOG} (needed for the longest-statement metric; run as root)`,
    );
  }
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new BenchError('psql is not on PATH');
  }
}

async function connect(database) {
  const client = new pg.Client({
    host: HOST,
    port: PORT,
    user: USER,
    database,
    application_name: 'rivet-bench',
  });
  try {
    await client.connect();
  } catch (error) {
    throw new BenchError(`cannot connect to ${HOST}:${PORT}/${database} as ${USER}: ${error.message}`);
  }
  return client;
}

async function ensureDatabase(admin) {
  const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB]);
  if (r.rowCount === 0) {
    log(`creating database ${DB}`);
    await admin.query(`CREATE DATABASE ${DB}`);
  }
}

function sh(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Machine, Node and Rivet facts shared by both engines. */
function commonEnvironment() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown';
  const gitHead = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const gitDirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no', '--', 'src']);
  // Node's own floor: peak RSS of an empty node process.
  let nodeFloor;
  try {
    const tf = join(WORK, 'logs', 'node-floor.time');
    execFileSync(TIME_BIN, ['-v', '-o', tf, process.execPath, '-e', '0'], { stdio: 'ignore' });
    const kib = Number(readFileSync(tf, 'utf8').match(/Maximum resident set size \(kbytes\):\s*(\d+)/)?.[1]);
    nodeFloor = kib / 1024;
  } catch {
    nodeFloor = undefined;
  }
  return {
    nproc: sh('nproc', []),
    cpu,
    node: process.version,
    rivet: sh(process.execPath, [MAIN_JS, '--version']),
    git:
      gitHead === 'unknown' ? 'unknown' : `${gitHead}${gitDirty === '' ? '' : ' + uncommitted src/ changes'}`,
    nodeFloorMiB: nodeFloor,
  };
}

async function pgEnvironment(admin) {
  const setting = async (name) => (await admin.query(`SHOW ${name}`)).rows[0][name];
  return {
    psql: sh('psql', ['--version']),
    server: await setting('server_version'),
    workMem: await setting('work_mem'),
    sharedBuffers: await setting('shared_buffers'),
  };
}

async function mariadbEnvironment(my) {
  const [rows] = await my.query(
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'innodb_buffer_pool_size', 'tmp_table_size', 'max_heap_table_size', 'innodb_flush_method', 'max_allowed_packet')",
  );
  const v = Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
  const mib = (x) => `${(Number(x) / 1024 / 1024).toFixed(0)} MB`;
  let mysql2Version = 'unknown';
  try {
    mysql2Version = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'mysql2', 'package.json'), 'utf8'),
    ).version;
  } catch {
    // keep 'unknown'
  }
  return {
    server: v.version ?? 'unknown',
    bufferPool: mib(v.innodb_buffer_pool_size),
    tmpTableSize: mib(v.tmp_table_size),
    maxHeapTableSize: mib(v.max_heap_table_size),
    maxAllowedPacket: mib(v.max_allowed_packet),
    flushMethod: v.innodb_flush_method ?? 'unknown',
    mysql2: mysql2Version,
    mydumper: mydumperPath() === undefined ? 'not installed' : sh('mydumper', ['--version']),
  };
}

// ───────────────────────────── cases ─────────────────────────────

function yamlString(s) {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

/** issue 4: `chunked` cases cut the narrow table by id ranges read by two workers. */
const CHUNKED = { chunkSize: 500_000, parallel: 2 };

/** The loopback S3 server of `--only s3` (started in main). */
let benchS3;

function writeRivetConfig(
  exportName,
  table,
  format,
  profile,
  engine = 'postgres',
  chunked = false,
  s3 = false,
) {
  const slug = `${engine === 'postgres' ? '' : `${engine}-`}${exportName}-${format}${chunked ? '-chunked' : ''}${s3 ? '-s3' : ''}`;
  const dir = join(WORK, 'cfg', slug);
  mkdirSync(dir, { recursive: true });
  const outDir = join(WORK, 'out', slug);
  const source =
    engine === 'postgres'
      ? ['  type: postgres', `  url: ${yamlString(SOURCE_URL)}`]
      : ['  type: mysql', `  url: ${yamlString(MY_SOURCE_URL)}`];
  const lines = [
    '# generated by bench/run-bench.mjs — overwritten on every run',
    'source:',
    ...source,
    '  tuning:',
    `    profile: ${profile}`,
    'exports:',
    `  - name: ${exportName}`,
    ...(engine === 'postgres' ? [`    table: public.${table}`] : [`    table: ${table}`]),
    ...(chunked
      ? [
          '    mode: chunked',
          '    chunk_column: id',
          `    chunk_size: ${CHUNKED.chunkSize}`,
          `    parallel: ${CHUNKED.parallel}`,
        ]
      : ['    mode: full']),
    `    format: ${format}`,
    ...(format === 'parquet' ? ['    compression: zstd'] : []),
    '    destination:',
    ...(s3
      ? [
          '      type: s3',
          `      bucket: ${S3_BENCH_BUCKET}`,
          `      prefix: ${slug}/`,
          `      endpoint: ${yamlString(benchS3.endpoint)}`,
          '      access_key_env: RIVET_BENCH_S3_KEY',
          '      secret_key_env: RIVET_BENCH_S3_KEY',
        ]
      : ['      type: local', `      path: ${yamlString(outDir)}`]),
    '',
  ];
  const path = join(dir, 'rivet.yaml');
  writeFileSync(path, lines.join('\n'));
  // An S3 case's objects live in s3rver's directory: removing them there is its cleanup.
  return { cfgPath: path, cfgDir: dir, outDir: s3 ? benchS3.prefixDir(`${slug}/`) : outDir };
}

function buildCases(fixture, opts, sizes) {
  const { name, table } = fixture;
  const cases = [];
  const rivet = (id, label, exportName, tbl, format, chunked = false, s3 = false) => {
    const cfg = writeRivetConfig(exportName, tbl, format, opts.profile, 'postgres', chunked, s3);
    cases.push({
      id,
      label,
      kind: 'rivet',
      table: tbl,
      rows: sizes[tbl].rows,
      logicalBytes: sizes[tbl].logical_bytes,
      ...cfg,
      argv: [process.execPath, MAIN_JS, 'run', '-c', cfg.cfgPath],
      runs: [],
    });
  };
  if (fixture.s3) {
    rivet('rivet-csv-s3', 'rivet → csv → S3 (s3rver, loopback)', name, table, 'csv', false, true);
    rivet(
      'rivet-parquet-s3',
      'rivet → parquet zstd → S3 (s3rver, loopback)',
      name,
      table,
      'parquet',
      false,
      true,
    );
    rivet('rivet-csv', 'rivet → csv (local)', name, table, 'csv');
  } else {
    rivet('rivet-parquet', 'rivet → parquet zstd', name, table, 'parquet');
    rivet('rivet-csv', 'rivet → csv', name, table, 'csv');
  }
  if (name === 'narrow') {
    rivet('rivet-parquet-chunked', CHUNKED_LABEL, name, table, 'parquet', true);
  }
  const csvFile = join(WORK, 'out', `${name}-psql.csv`);
  cases.push({
    id: 'psql-csv',
    label: 'psql \\copy csv',
    kind: 'psql-csv',
    table,
    rows: sizes[table].rows,
    logicalBytes: sizes[table].logical_bytes,
    outFile: csvFile,
    argv: ['psql', ...PSQL_CONN, '-c', `\\copy (select * from ${table}) to '${csvFile}' csv`],
    runs: [],
  });
  cases.push({
    id: 'copy-binary',
    label: 'COPY binary → /dev/null',
    kind: 'copy-binary',
    table,
    rows: sizes[table].rows,
    logicalBytes: sizes[table].logical_bytes,
    stdoutToDevNull: true,
    argv: ['psql', ...PSQL_CONN, '-c', `COPY ${table} TO STDOUT (FORMAT binary)`],
    runs: [],
  });
  if (fixture.half) {
    rivet(
      'rivet-parquet-half',
      `rivet → parquet zstd (${fixture.half}, ${sizes[fixture.half].rows.toLocaleString('en-US')} rows)`,
      fixture.half,
      fixture.half,
      'parquet',
    );
  }
  return cases;
}

function mydumperPath() {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const p = join(dir, 'mydumper');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return undefined;
}

/** perf-anchors §5.4: mydumper comes from Debian; one `apt-get install` try per run, then a skip. */
function ensureMydumper() {
  if (mydumperPath() !== undefined) return undefined;
  log('mydumper is not on PATH — trying `apt-get install -y mydumper` once …');
  try {
    execFileSync('apt-get', ['install', '-y', '-q', 'mydumper'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  } catch (error) {
    const why = String(error.stderr ?? error.message)
      .trim()
      .split('\n')
      .at(-1);
    return `mydumper not on PATH and \`apt-get install -y mydumper\` failed (${why})`;
  }
  return mydumperPath() === undefined ? 'mydumper still not on PATH after apt-get install' : undefined;
}

const CHUNKED_LABEL = `rivet → parquet zstd, chunked range(id, ${CHUNKED.chunkSize.toLocaleString('en-US')}) parallel: ${CHUNKED.parallel}`;

function buildMariadbCases(fixture, opts, sizes, mydumperSkip) {
  const { name, table } = fixture;
  const base = { table, rows: sizes[table].rows, logicalBytes: sizes[table].logical_bytes, runs: [] };
  const cases = [];
  const variants = [
    ['parquet', 'rivet → parquet zstd', false],
    ['csv', 'rivet → csv', false],
    ...(name === 'narrow' ? [['parquet', CHUNKED_LABEL, true]] : []),
  ];
  for (const [format, label, chunked] of variants) {
    const cfg = writeRivetConfig(name, table, format, opts.profile, 'mariadb', chunked);
    cases.push({
      ...base,
      id: `rivet-${format}${chunked ? '-chunked' : ''}`,
      label,
      kind: 'rivet',
      ...cfg,
      argv: [process.execPath, MAIN_JS, 'run', '-c', cfg.cfgPath],
      runs: [],
    });
  }
  cases.push({
    ...base,
    id: 'mysql2-stream',
    label: 'mysql2 stream → NDJSON → /dev/null',
    kind: 'mysql2-stream',
    stdoutToDevNull: true,
    argv: [process.execPath, MYSQL2_STREAM, '--url', MY_SOURCE_URL, '--table', table],
    runs: [],
  });
  const dumpDir = join(WORK, 'out', `mariadb-${name}-mydumper`);
  cases.push({
    ...base,
    id: 'mydumper',
    label: `mydumper -t 2 -r ${MYDUMPER_CHUNK_ROWS.toLocaleString('en-US')} -k`,
    kind: 'mydumper',
    outDir: dumpDir,
    skip: mydumperSkip,
    argv: [
      'mydumper',
      ...['-h', MY_HOST, '-P', String(MY_PORT), '-u', MY_BENCH_USER],
      // mydumper 0.10: -T takes the bare table name together with -B (`db.table` matches nothing).
      // -k: no FLUSH TABLES WITH READ LOCK — rivet_bench has no RELOAD privilege, and each
      // thread still reads inside its own START TRANSACTION WITH CONSISTENT SNAPSHOT.
      ...['-B', MY_DB, '-T', table],
      ...['-t', '2', '-r', String(MYDUMPER_CHUNK_ROWS), '-k', '-v', '2'],
      ...['-o', dumpDir],
    ],
    runs: [],
  });
  return cases;
}

function dirBytes(dir) {
  let total = 0;
  let files = 0;
  if (!existsSync(dir)) return { total, files };
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    if (!f.isFile()) continue;
    total += fileSize(join(dir, f.name));
    files++;
  }
  return { total, files };
}

function cleanOutputs(kase) {
  if (kase.outDir) rmSync(kase.outDir, { recursive: true, force: true });
  if (kase.outFile) rmSync(kase.outFile, { force: true });
  if (kase.cfgDir) rmSync(join(kase.cfgDir, '.rivet'), { recursive: true, force: true });
}

function readRivetSummary(cfgDir) {
  const runsDir = join(cfgDir, '.rivet', 'runs');
  if (!existsSync(runsDir)) return undefined;
  const found = [];
  for (const id of readdirSync(runsDir)) {
    const p = join(runsDir, id, 'summary.json');
    if (existsSync(p)) found.push(JSON.parse(readFileSync(p, 'utf8')));
  }
  found.sort((a, b) => String(a.finished_at).localeCompare(String(b.finished_at)));
  return found.at(-1);
}

function tail(path, lines = 15) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

function checkRivetSummary(kase, run, problems) {
  const summary = readRivetSummary(kase.cfgDir);
  run.summary = summary;
  if (summary === undefined) {
    problems.push(`no summary.json under ${join(kase.cfgDir, '.rivet', 'runs')}`);
  } else {
    if (summary.status !== 'success') {
      problems.push(`summary status '${summary.status}': [${summary.error_code}] ${summary.error_message}`);
    }
    if (summary.total_rows !== kase.rows) {
      problems.push(`summary total_rows ${summary.total_rows} ≠ expected ${kase.rows}`);
    }
  }
}

async function runCase(kase, fixtureName, index, warmup, admin) {
  const tag = `${fixtureName}/${kase.id}/${warmup ? 'warmup' : `run${index}`}`;
  const logBase = join(WORK, 'logs', tag.replace(/\//g, '__'));
  const stdoutPath = kase.stdoutToDevNull ? '/dev/null' : `${logBase}.stdout`;
  const stderrPath = `${logBase}.stderr`;
  cleanOutputs(kase);
  await waitForIdle(admin, DB, 5_000);
  const tempBefore = await readTempStats(admin, DB);
  const logFrom = fileSize(PG_LOG);
  const res = await runTimed(kase.argv, {
    timeFile: `${logBase}.time`,
    stdoutPath,
    stderrPath,
    cwd: ROOT,
    env: process.env,
  });
  const idle = await waitForIdle(admin, DB);
  const tempAfter = await readTempStats(admin, DB);
  const stmts = parseDurations(readAppended(PG_LOG, logFrom), DB);
  const run = {
    ...measuredRun(index, warmup, res, stmts),
    tempBytes: tempAfter.bytes - tempBefore.bytes,
    tempFiles: tempAfter.files - tempBefore.files,
  };
  const problems = [];
  if (!idle) problems.push(`backends on ${DB} still connected 15 s after the process exited`);
  if (res.code !== 0) {
    problems.push(
      `exited with ${res.code === null ? `signal ${res.signal}` : `code ${res.code}`}\n--- stderr (tail) ---\n${tail(stderrPath)}`,
    );
  }
  if (stmts.count === 0) problems.push(`no '@${DB}' duration lines appeared in ${PG_LOG}`);
  if (kase.kind === 'rivet') {
    checkRivetSummary(kase, run, problems);
  } else if (kase.kind === 'psql-csv' && res.code === 0) {
    const out = readFileSync(stdoutPath, 'utf8');
    const copied = Number(out.match(/COPY (\d+)/)?.[1]);
    if (copied !== kase.rows) problems.push(`psql reported '${out.trim()}', expected COPY ${kase.rows}`);
    if (fileSize(kase.outFile) === 0) problems.push(`${kase.outFile} is empty`);
  }
  cleanOutputs(kase);
  if (problems.length > 0) {
    run.ok = false;
    run.error = problems.join('; ');
  }
  const rss = run.maxRssMiB === undefined ? '?' : run.maxRssMiB.toFixed(1);
  log(
    `${tag.padEnd(44)} ${run.ok ? 'ok  ' : 'FAIL'} wall ${res.wallS.toFixed(2)} s, RSS ${rss} MB, longest stmt ${stmts.maxMs ?? '?'} ms, temp Δ ${run.tempBytes}`,
  );
  if (!run.ok) log(`  ✗ ${run.error.replace(/\n/g, '\n    ')}`);
  return run;
}

/**
 * One MariaDB run: truncate mysql.slow_log, read Created_tmp_disk_tables, run under
 * time -v, wait until user rivet_bench has no connection left, then read the counter
 * again and the slow log (longest query_time, statement count).
 */
async function runMariadbCase(kase, fixture, index, warmup, my) {
  const tag = `mariadb/${fixture.name}/${kase.id}/${warmup ? 'warmup' : `run${index}`}`;
  const logBase = join(WORK, 'logs', tag.replace(/\//g, '__'));
  const stdoutPath = kase.stdoutToDevNull ? '/dev/null' : `${logBase}.stdout`;
  const stderrPath = `${logBase}.stderr`;
  cleanOutputs(kase);
  await waitForIdleUser(my, MY_BENCH_USER, 5_000);
  await truncateSlowLog(my);
  const tmpBefore = await readTmpDiskTables(my);
  const res = await runTimed(kase.argv, {
    timeFile: `${logBase}.time`,
    stdoutPath,
    stderrPath,
    cwd: ROOT,
    env: process.env,
  });
  const idle = await waitForIdleUser(my, MY_BENCH_USER);
  const tmpAfter = await readTmpDiskTables(my);
  const stmts = await readSlowLog(my, MY_BENCH_USER);
  const run = {
    ...measuredRun(index, warmup, res, stmts),
    tmpDiskTables: tmpAfter - tmpBefore,
  };
  const problems = [];
  if (!idle) problems.push(`connections of ${MY_BENCH_USER} still open 15 s after the process exited`);
  if (res.code !== 0) {
    problems.push(
      `exited with ${res.code === null ? `signal ${res.signal}` : `code ${res.code}`}\n--- stderr (tail) ---\n${tail(stderrPath)}`,
    );
  }
  if (stmts.count === 0) problems.push(`no statements of '${MY_BENCH_USER}' appeared in mysql.slow_log`);
  if (kase.kind === 'rivet') {
    checkRivetSummary(kase, run, problems);
  } else if (kase.kind === 'mysql2-stream' && res.code === 0) {
    const last = tail(stderrPath, 1);
    let rows;
    try {
      rows = JSON.parse(last).rows;
    } catch {
      rows = undefined;
    }
    if (rows !== kase.rows) problems.push(`mysql2-stream reported '${last}', expected ${kase.rows} rows`);
  } else if (kase.kind === 'mydumper' && res.code === 0) {
    const { total, files } = dirBytes(kase.outDir);
    run.outBytes = total;
    run.outFiles = files;
    const data = existsSync(kase.outDir)
      ? readdirSync(kase.outDir).filter((f) => f.startsWith(`${MY_DB}.${kase.table}.`) && f.endsWith('.sql'))
      : [];
    if (data.length === 0) problems.push(`no ${MY_DB}.${kase.table}.*.sql data file in ${kase.outDir}`);
  }
  cleanOutputs(kase);
  if (problems.length > 0) {
    run.ok = false;
    run.error = problems.join('; ');
  }
  const rss = run.maxRssMiB === undefined ? '?' : run.maxRssMiB.toFixed(1);
  const ms = stmts.maxMs === undefined ? '?' : stmts.maxMs.toFixed(1);
  log(
    `${tag.padEnd(52)} ${run.ok ? 'ok  ' : 'FAIL'} wall ${res.wallS.toFixed(2)} s, RSS ${rss} MB, longest stmt ${ms} ms (${stmts.count} stmts), tmp disk Δ ${run.tmpDiskTables}`,
  );
  if (!run.ok) log(`  ✗ ${run.error.replace(/\n/g, '\n    ')}`);
  return run;
}

// ───────────────────────────── engines ─────────────────────────────

/**
 * Each engine: seeds its fixtures and builds its cases up front, then
 * `begin()` (server-side logging on) → runCase … → `end()` (logging restored;
 * idempotent, also called from the signal handler and the final cleanup).
 */
async function setupPostgres(opts) {
  const admin = await connect('postgres');
  let loggingOn = false;
  const resetLogging = async () => {
    if (!loggingOn) return;
    try {
      await admin.query(`ALTER DATABASE ${DB} RESET log_min_duration_statement`);
      loggingOn = false;
      log(`ALTER DATABASE ${DB} RESET log_min_duration_statement`);
    } catch (error) {
      log(`WARNING: could not reset log_min_duration_statement on ${DB}: ${error.message}`);
    }
  };
  const engine = {
    name: 'postgres',
    fixtures: [],
    end: resetLogging,
    close: () => admin.end().catch(() => {}),
  };
  await ensureDatabase(admin);
  // Clear a leftover from an interrupted run before we seed (seeding would be logged otherwise).
  await admin.query(`ALTER DATABASE ${DB} RESET log_min_duration_statement`);

  const fixtures = [];
  if (wants(opts, 'wide')) {
    fixtures.push({ name: 'wide', table: 'content_items', half: 'wide_half', rows: opts.rowsWide });
  }
  if (wants(opts, 'narrow')) fixtures.push({ name: 'narrow', table: 'bench_narrow', rows: opts.rowsNarrow });
  if (wants(opts, 's3'))
    fixtures.push({ name: 'text_1k', table: 'bench_text_1k', rows: opts.rowsText, s3: true });

  const bench = await connect(DB);
  let sizes;
  try {
    const rebuilt = await seedFixtures(bench, opts);
    const tables = [];
    if (wants(opts, 'wide')) {
      tables.push(['content_items', opts.rowsWide], ['wide_half', Math.floor(opts.rowsWide / 2)]);
    }
    if (wants(opts, 'narrow')) tables.push(['bench_narrow', opts.rowsNarrow]);
    if (wants(opts, 's3')) tables.push(['bench_text_1k', opts.rowsText]);
    sizes = await tableSizes(bench, tables, rebuilt, join(WORK, 'fixtures.json'));
  } finally {
    await bench.end();
  }
  for (const f of fixtures) {
    f.engine = 'postgres';
    f.logicalBytes = sizes[f.table].logical_bytes;
    f.diskBytes = sizes[f.table].disk_bytes;
    f.cases = buildCases(f, opts, sizes);
  }
  engine.fixtures = fixtures;
  engine.env = await pgEnvironment(admin);
  engine.begin = async () => {
    await admin.query(`ALTER DATABASE ${DB} SET log_min_duration_statement = 0`);
    loggingOn = true;
    log(`ALTER DATABASE ${DB} SET log_min_duration_statement = 0 (reset at the end)`);
  };
  engine.runCase = (kase, f, index, warmup) => runCase(kase, f.name, index, warmup, admin);
  return engine;
}

async function setupMariadb(opts) {
  let my;
  try {
    my = await mysql.createConnection({ host: MY_HOST, port: MY_PORT, user: MY_ADMIN, password: '' });
  } catch (error) {
    throw new BenchError(`cannot connect to MariaDB ${MY_HOST}:${MY_PORT} as ${MY_ADMIN}: ${error.message}`);
  }
  let restore = async () => {};
  const engine = {
    name: 'mariadb',
    fixtures: [],
    end: () => restore(),
    close: () => my.end().catch(() => {}),
  };
  try {
    await restoreLeftover(my, MY_SAVED_GLOBALS);
    await ensureDatabaseAndUser(my);
    const { seedSeconds } = await seedMariadbFixtures(my, opts);
    const fixtures = [];
    if (wants(opts, 'wide')) fixtures.push({ name: 'wide', table: 'content_items', rows: opts.rowsWide });
    if (wants(opts, 'narrow'))
      fixtures.push({ name: 'narrow', table: 'bench_narrow', rows: opts.rowsNarrow });
    const sizes = await mariadbTableSizes(
      my,
      fixtures.map((f) => [f.table, f.rows]),
    );
    const mydumperSkip = ensureMydumper();
    if (mydumperSkip) log(`mydumper cases will be skipped: ${mydumperSkip}`);
    for (const f of fixtures) {
      f.engine = 'mariadb';
      f.logicalBytes = sizes[f.table].logical_bytes;
      f.diskBytes = sizes[f.table].disk_bytes;
      f.seedSeconds = seedSeconds[f.table];
      f.seededAt = sizes[f.table].seeded_at;
      f.lastSeedSeconds = sizes[f.table].seed_seconds;
      f.cases = buildMariadbCases(f, opts, sizes, mydumperSkip);
    }
    engine.fixtures = fixtures;
    engine.env = await mariadbEnvironment(my);
  } catch (error) {
    await engine.close();
    throw error;
  }
  engine.begin = async () => {
    restore = await enableSlowLog(my, MY_SAVED_GLOBALS);
  };
  engine.runCase = (kase, f, index, warmup) => runMariadbCase(kase, f, index, warmup, my);
  return engine;
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n(see --help)\n`);
      return 2;
    }
    throw error;
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return 0;
  }
  preflight(opts);
  for (const d of ['logs', 'out', 'cfg']) mkdirSync(join(WORK, d), { recursive: true });
  mkdirSync(RESULTS, { recursive: true });

  const engines = [];
  const restoreAll = async () => {
    for (const e of engines) await e.end();
  };
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig} received — stopping the running case and restoring settings`);
    killCurrentChild();
    restoreAll().finally(() => {
      Promise.all(engines.map((e) => e.close())).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  if (wants(opts, 's3') && opts.engine !== 'postgres') {
    log('--only s3 measures the PostgreSQL source only');
    opts.engine = 'postgres';
  }
  if (wants(opts, 's3')) {
    benchS3 = await startBenchS3(join(WORK, 's3rver'));
    process.env.RIVET_BENCH_S3_KEY = 'S3RVER';
    log(
      `s3rver listening at ${benchS3.endpoint} (bucket ${S3_BENCH_BUCKET}, data in ${join(WORK, 's3rver')})`,
    );
  }
  try {
    // Seed everything first, so no measured run shares the box with a seeding.
    if (opts.engine !== 'mariadb') engines.push(await setupPostgres(opts));
    if (opts.engine !== 'postgres') engines.push(await setupMariadb(opts));
    const env = { ...commonEnvironment() };
    for (const e of engines) env[e.name] = e.env;
    const startedAt = new Date();

    for (const e of engines) {
      await e.begin();
      for (const f of e.fixtures) {
        const prefix = e.name === 'postgres' ? '' : `${e.name} `;
        log(`── fixture ${prefix}${f.name}: ${f.table}, ${f.rows.toLocaleString('en-US')} rows ──`);
        for (const kase of f.cases) {
          if (kase.skip) log(`${prefix}${f.name}/${kase.id}: skipped — ${kase.skip}`);
        }
        // Rounds interleave the cases so slow drift (cache, checkpoints) hits them all alike.
        for (let round = 0; round < opts.warmup + opts.runs; round++) {
          const warmup = round < opts.warmup;
          for (const kase of f.cases) {
            if (kase.failed || kase.skip) continue;
            let run;
            try {
              run = await e.runCase(kase, f, round - opts.warmup + 1, warmup);
            } catch (error) {
              if (interrupted) throw error;
              log(`${prefix}${f.name}/${kase.id}: harness error — ${error.message}`);
              run = {
                index: round - opts.warmup + 1,
                warmup,
                ok: false,
                error: `harness error: ${error.message}`,
              };
            }
            kase.runs.push(run);
            if (!run.ok) {
              kase.failed = true;
              kase.error = run.error
                .replace(/\s*\n\s*/g, ' ⏎ ')
                .replace(/--- stderr \(tail\) --- ⏎ /, 'stderr: ')
                .slice(0, 400);
            }
          }
        }
      }
      await e.end();
    }

    const fixtures = engines.flatMap((e) => e.fixtures);
    const report = renderReport(opts, env, engines, startedAt);
    process.stdout.write(`${report}\n`);
    const date = startedAt.toISOString().slice(0, 10);
    const file = join(RESULTS, `${date}.md`);
    if (existsSync(file)) appendFileSync(file, `\n${report}\n`);
    else writeFileSync(file, `# Rivet benchmark results — ${date}\n\n${report}\n`);
    writeFileSync(
      join(WORK, 'last-run.json'),
      `${JSON.stringify({ opts, env, fixtures: fixtures.map(stripForJson) }, null, 2)}\n`,
    );
    log(`report written to ${file} (raw numbers: ${join(WORK, 'last-run.json')})`);
    const failed = fixtures.flatMap((f) =>
      f.cases
        .filter((c) => c.failed)
        .map((c) => `${f.engine === 'postgres' ? '' : `${f.engine}/`}${f.name}/${c.id}`),
    );
    if (failed.length > 0) {
      log(`FAILED cases: ${failed.join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    await restoreAll();
    await Promise.all(engines.map((e) => e.close()));
    await benchS3?.close();
  }
}

function stripForJson(f) {
  return {
    ...f,
    cases: f.cases.map(({ argv, runs, ...c }) => ({
      ...c,
      argv,
      aggregate: (f.engine === 'mariadb' ? mariadbAggregate : aggregate)({ ...c, runs }),
      runs,
    })),
  };
}

function renderReport(opts, env, engines, startedAt) {
  const MiB = 1024 * 1024;
  const full = opts.rowsWide === 2_000_000 && opts.rowsNarrow === 10_240_000;
  const stamp = startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const pgEnv = env.postgres;
  const myEnv = env.mariadb;
  const engineNote = opts.engine === 'all' ? '' : `, engine ${opts.engine}`;
  const lines = [
    `## Run ${stamp} UTC — profile \`${opts.profile}\`, ${opts.runs} measured run(s) + ${opts.warmup} warm-up${engineNote}${full ? '' : ' — **scaled-down fixtures (smoke run, not comparable with the anchors)**'}`,
    '',
    `- date: ${startedAt.toISOString()}`,
    `- machine: nproc ${env.nproc}, CPU ${env.cpu}`,
  ];
  if (pgEnv) {
    lines.push(
      `- versions: node ${env.node}; ${pgEnv.psql}; server ${pgEnv.server}; rivet ${env.rivet} (git ${env.git})`,
      `- server settings: work_mem ${pgEnv.workMem}, shared_buffers ${pgEnv.sharedBuffers}; log_min_duration_statement = 0 during measured runs`,
    );
  } else {
    lines.push(`- versions: node ${env.node}; rivet ${env.rivet} (git ${env.git})`);
  }
  if (myEnv) {
    lines.push(
      `- MariaDB: server ${myEnv.server}; mysql2 ${myEnv.mysql2}; ${myEnv.mydumper}; innodb_buffer_pool_size ${myEnv.bufferPool}, innodb_flush_method ${myEnv.flushMethod}, tmp_table_size ${myEnv.tmpTableSize}, max_heap_table_size ${myEnv.maxHeapTableSize}, max_allowed_packet ${myEnv.maxAllowedPacket}; slow log (log_output=TABLE, long_query_time=0) on during measured runs`,
    );
  }
  lines.push(
    `- node floor (\`node -e 0\` peak RSS): ${env.nodeFloorMiB === undefined ? '?' : `${env.nodeFloorMiB.toFixed(1)} MB`}`,
    `- settings: tuning profile \`${opts.profile}\`, runs ${opts.runs} (median), warm-up ${opts.warmup} (discarded), ${opts.only ? `only ${opts.only}` : 'both fixtures'}, engine ${opts.engine}`,
    '- fixtures:',
  );
  for (const e of engines) {
    for (const f of e.fixtures) {
      if (e.name === 'postgres') {
        lines.push(
          `  - ${f.name} = \`${f.table}\`: ${f.rows.toLocaleString('en-US')} rows, ${(f.logicalBytes / MiB).toFixed(1)} MB logical, ${(f.diskBytes / MiB).toFixed(1)} MB on disk`,
        );
        if (f.half) {
          const h = f.cases.find((c) => c.id === 'rivet-parquet-half');
          if (h) {
            lines.push(
              `  - ${f.half} = \`${f.half}\`: ${h.rows.toLocaleString('en-US')} rows, ${(h.logicalBytes / MiB).toFixed(1)} MB logical (RSS-flatness check)`,
            );
          }
        }
      } else {
        const seeded =
          f.seedSeconds !== undefined
            ? `seeded in this run in ${f.seedSeconds.toFixed(0)} s`
            : `reused (seeded ${f.seededAt instanceof Date ? f.seededAt.toISOString().slice(0, 16).replace('T', ' ') : '?'}${f.lastSeedSeconds ? ` in ${Number(f.lastSeedSeconds).toFixed(0)} s` : ''})`;
        lines.push(
          `  - MariaDB ${f.name} = \`${MY_DB}.${f.table}\`: ${f.rows.toLocaleString('en-US')} rows, ${(f.logicalBytes / MiB).toFixed(1)} MB logical, ${(f.diskBytes / MiB).toFixed(1)} MB on disk (InnoDB), ${seeded}`,
        );
      }
    }
  }
  if (pgEnv) lines.push('', METRIC_NOTES);
  if (myEnv) lines.push('', MARIADB_METRIC_NOTES);
  lines.push('');
  for (const e of engines) {
    for (const f of e.fixtures)
      lines.push(e.name === 'postgres' ? fixtureSection(f) : mariadbFixtureSection(f));
  }
  return lines.join('\n');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    killCurrentChild();
    if (error instanceof BenchError) process.stderr.write(`[bench] error: ${error.message}\n`);
    else process.stderr.write(`[bench] unexpected error: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);

/** What every engine's run records from the process and the server's statement log. */
function measuredRun(index, warmup, res, stmts) {
  return {
    index,
    warmup,
    ok: true,
    code: res.code,
    signal: res.signal,
    wallS: res.wallS,
    maxRssMiB: res.time.maxRssKiB === undefined ? undefined : res.time.maxRssKiB / 1024,
    cpuS: (res.time.userS ?? 0) + (res.time.sysS ?? 0),
    longestMs: stmts.maxMs,
    longestSql: stmts.maxSql,
    serverStatements: stmts.count,
  };
}
