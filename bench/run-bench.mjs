#!/usr/bin/env node
/**
 * Rivet benchmark harness (plain Node ESM, no build step).
 *
 *   npm run bench [-- --rows-wide 2000000 --rows-narrow 10240000 --runs 3 --only wide|narrow --profile fast]
 *
 * Seeds perf-anchors §3 fixtures into database rivet_bench, then runs Rivet (parquet zstd, csv)
 * beside two psql baselines (\copy csv, COPY binary → /dev/null) under /usr/bin/time -v,
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
import pg from 'pg';
import { HELP, parseArgs, UsageError } from './lib/args.mjs';
import { seedFixtures, tableSizes } from './lib/fixtures.mjs';
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
import { aggregate, fixtureSection, METRIC_NOTES } from './lib/report.mjs';

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

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

class BenchError extends Error {}

// ───────────────────────────── setup ─────────────────────────────

function preflight() {
  if (!existsSync(MAIN_JS)) throw new BenchError(`${MAIN_JS} not found — run \`npm run build\` first`);
  try {
    accessSync(TIME_BIN, constants.X_OK);
  } catch {
    throw new BenchError(`${TIME_BIN} is missing (GNU time is needed for peak RSS)`);
  }
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

async function environment(admin) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const cpu = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? 'unknown';
  const setting = async (name) => (await admin.query(`SHOW ${name}`)).rows[0][name];
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
    psql: sh('psql', ['--version']),
    server: await setting('server_version'),
    workMem: await setting('work_mem'),
    sharedBuffers: await setting('shared_buffers'),
    rivet: sh(process.execPath, [MAIN_JS, '--version']),
    git:
      gitHead === 'unknown' ? 'unknown' : `${gitHead}${gitDirty === '' ? '' : ' + uncommitted src/ changes'}`,
    nodeFloorMiB: nodeFloor,
  };
}

// ───────────────────────────── cases ─────────────────────────────

function yamlString(s) {
  return JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
}

function writeRivetConfig(exportName, table, format, profile) {
  const dir = join(WORK, 'cfg', `${exportName}-${format}`);
  mkdirSync(dir, { recursive: true });
  const outDir = join(WORK, 'out', `${exportName}-${format}`);
  const lines = [
    '# generated by bench/run-bench.mjs — overwritten on every run',
    'source:',
    '  type: postgres',
    `  url: ${yamlString(SOURCE_URL)}`,
    '  tuning:',
    `    profile: ${profile}`,
    'exports:',
    `  - name: ${exportName}`,
    `    table: public.${table}`,
    `    format: ${format}`,
    ...(format === 'parquet' ? ['    compression: zstd'] : []),
    '    destination:',
    '      type: local',
    `      path: ${yamlString(outDir)}`,
    '',
  ];
  const path = join(dir, 'rivet.yaml');
  writeFileSync(path, lines.join('\n'));
  return { cfgPath: path, cfgDir: dir, outDir };
}

function buildCases(fixture, opts, sizes) {
  const { name, table } = fixture;
  const cases = [];
  const rivet = (id, label, exportName, tbl, format) => {
    const cfg = writeRivetConfig(exportName, tbl, format, opts.profile);
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
  rivet('rivet-parquet', 'rivet → parquet zstd', name, table, 'parquet');
  rivet('rivet-csv', 'rivet → csv', name, table, 'csv');
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
  preflight();
  for (const d of ['logs', 'out', 'cfg']) mkdirSync(join(WORK, d), { recursive: true });
  mkdirSync(RESULTS, { recursive: true });

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
  let interrupted = false;
  const onSignal = (sig) => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig} received — stopping the running case and restoring settings`);
    killCurrentChild();
    resetLogging().finally(() => {
      admin.end().catch(() => {});
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  try {
    await ensureDatabase(admin);
    // Clear a leftover from an interrupted run before we seed (seeding would be logged otherwise).
    await admin.query(`ALTER DATABASE ${DB} RESET log_min_duration_statement`);

    const fixtures = [];
    if (opts.only !== 'narrow') {
      fixtures.push({ name: 'wide', table: 'content_items', half: 'wide_half', rows: opts.rowsWide });
    }
    if (opts.only !== 'wide') fixtures.push({ name: 'narrow', table: 'bench_narrow', rows: opts.rowsNarrow });

    const bench = await connect(DB);
    let sizes;
    try {
      const rebuilt = await seedFixtures(bench, opts);
      const tables = [];
      if (opts.only !== 'narrow') {
        tables.push(['content_items', opts.rowsWide], ['wide_half', Math.floor(opts.rowsWide / 2)]);
      }
      if (opts.only !== 'wide') tables.push(['bench_narrow', opts.rowsNarrow]);
      sizes = await tableSizes(bench, tables, rebuilt, join(WORK, 'fixtures.json'));
    } finally {
      await bench.end();
    }
    for (const f of fixtures) {
      f.logicalBytes = sizes[f.table].logical_bytes;
      f.diskBytes = sizes[f.table].disk_bytes;
      f.cases = buildCases(f, opts, sizes);
    }
    const env = await environment(admin);
    const startedAt = new Date();

    await admin.query(`ALTER DATABASE ${DB} SET log_min_duration_statement = 0`);
    loggingOn = true;
    log(`ALTER DATABASE ${DB} SET log_min_duration_statement = 0 (reset at the end)`);

    for (const f of fixtures) {
      log(`── fixture ${f.name}: ${f.table}, ${f.rows.toLocaleString('en-US')} rows ──`);
      // Rounds interleave the cases so slow drift (cache, checkpoints) hits them all alike.
      for (let round = 0; round < opts.warmup + opts.runs; round++) {
        const warmup = round < opts.warmup;
        for (const kase of f.cases) {
          if (kase.failed) continue;
          let run;
          try {
            run = await runCase(kase, f.name, round - opts.warmup + 1, warmup, admin);
          } catch (error) {
            if (interrupted) throw error;
            log(`${f.name}/${kase.id}: harness error — ${error.message}`);
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
    await resetLogging();

    const report = renderReport(opts, env, fixtures, startedAt);
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
    const failed = fixtures.flatMap((f) => f.cases.filter((c) => c.failed).map((c) => `${f.name}/${c.id}`));
    if (failed.length > 0) {
      log(`FAILED cases: ${failed.join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    await resetLogging();
    await admin.end().catch(() => {});
  }
}

function stripForJson(f) {
  return {
    ...f,
    cases: f.cases.map(({ argv, runs, ...c }) => ({
      ...c,
      argv,
      aggregate: aggregate({ ...c, runs }),
      runs,
    })),
  };
}

function renderReport(opts, env, fixtures, startedAt) {
  const MiB = 1024 * 1024;
  const full = opts.rowsWide === 2_000_000 && opts.rowsNarrow === 10_240_000;
  const stamp = startedAt.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    `## Run ${stamp} UTC — profile \`${opts.profile}\`, ${opts.runs} measured run(s) + ${opts.warmup} warm-up${full ? '' : ' — **scaled-down fixtures (smoke run, not comparable with the anchors)**'}`,
    '',
    `- date: ${startedAt.toISOString()}`,
    `- machine: nproc ${env.nproc}, CPU ${env.cpu}`,
    `- versions: node ${env.node}; ${env.psql}; server ${env.server}; rivet ${env.rivet} (git ${env.git})`,
    `- server settings: work_mem ${env.workMem}, shared_buffers ${env.sharedBuffers}; log_min_duration_statement = 0 during measured runs`,
    `- node floor (\`node -e 0\` peak RSS): ${env.nodeFloorMiB === undefined ? '?' : `${env.nodeFloorMiB.toFixed(1)} MB`}`,
    `- settings: tuning profile \`${opts.profile}\`, runs ${opts.runs} (median), warm-up ${opts.warmup} (discarded), ${opts.only ? `only ${opts.only}` : 'both fixtures'}`,
    '- fixtures:',
  ];
  for (const f of fixtures) {
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
  }
  lines.push('', METRIC_NOTES, '');
  for (const f of fixtures) lines.push(fixtureSection(f));
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
