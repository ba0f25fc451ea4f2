/**
 * Measurement primitives: run a command under GNU `/usr/bin/time -v`, slice the
 * PostgreSQL server log, read pg_stat_database counters.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const TIME_BIN = '/usr/bin/time';

/** The one child currently running (a process-group leader), so a signal handler can stop it. */
let current;

export function killCurrentChild() {
  if (current?.pid === undefined || current.exitCode !== null) return;
  try {
    process.kill(-current.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/**
 * Runs `argv` under `/usr/bin/time -v -o timeFile`. stdout goes to `stdoutPath`
 * (use '/dev/null' for a shell-style `> /dev/null`), stderr to `stderrPath`.
 * Wall time is measured here around the spawn (monotonic clock).
 */
export async function runTimed(argv, { timeFile, stdoutPath, stderrPath, cwd, env }) {
  const out = openSync(stdoutPath, 'w');
  const err = openSync(stderrPath, 'w');
  const started = performance.now();
  let code;
  let signal;
  try {
    const child = spawn(TIME_BIN, ['-v', '-o', timeFile, ...argv], {
      cwd,
      env,
      stdio: ['ignore', out, err],
      detached: true, // own process group: a Ctrl-C is handled by us, which stops the whole group
    });
    current = child;
    [code, signal] = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, s) => resolve([c, s]));
    });
  } finally {
    current = undefined;
    closeSync(out);
    closeSync(err);
  }
  const wallS = (performance.now() - started) / 1000;
  return { code, signal, wallS, time: parseTimeV(readFileSync(timeFile, 'utf8')) };
}

/** Parses the GNU time -v report (only the fields we use). */
export function parseTimeV(text) {
  const field = (label) => {
    const m = text.match(new RegExp(`^\\s*${label.replace(/[()]/g, '\\$&')}:\\s*(.+)$`, 'm'));
    return m ? m[1].trim() : undefined;
  };
  const num = (label) => {
    const v = field(label);
    return v === undefined ? undefined : Number(v);
  };
  const exitMatch = text.match(/Command exited with non-zero status (\d+)/);
  const signalMatch = text.match(/Command terminated by signal (\d+)/);
  return {
    maxRssKiB: num('Maximum resident set size (kbytes)'),
    userS: num('User time (seconds)'),
    sysS: num('System time (seconds)'),
    elapsed: field('Elapsed (wall clock) time (h:mm:ss or m:ss)'),
    exitStatus: exitMatch ? Number(exitMatch[1]) : signalMatch ? undefined : 0,
    signal: signalMatch ? Number(signalMatch[1]) : undefined,
  };
}

export function fileSize(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The bytes appended to `path` since offset `from` (from 0 if the file shrank: rotation). */
export function readAppended(path, from) {
  const size = fileSize(path);
  const start = size < from ? 0 : from;
  const length = size - start;
  if (length <= 0) return '';
  const buf = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Statement durations logged for database `db` (log_min_duration_statement = 0):
 * `… user@db LOG:  duration: 12.345 ms  statement: FETCH 100 FROM _rivet`
 * (extended protocol: `… ms  parse|bind|execute <name>: SQL`).
 */
export function parseDurations(logText, db) {
  const re = new RegExp(
    `@${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+LOG:\\s+duration: ([0-9.]+) ms(.*)$`,
  );
  let count = 0;
  let max;
  let maxSql = '';
  for (const line of logText.split('\n')) {
    if (!line.includes('duration:')) continue;
    const m = line.match(re);
    if (!m) continue;
    count++;
    const ms = Number(m[1]);
    if (max === undefined || ms > max) {
      max = ms;
      maxSql = m[2].replace(/^\s+/, '').replace(/^(statement|execute [^:]*|parse [^:]*|bind [^:]*):\s*/, '');
    }
  }
  return { count, maxMs: max, maxSql: maxSql.slice(0, 80) };
}

export async function readTempStats(admin, db) {
  const r = await admin.query(
    'SELECT temp_bytes::bigint AS b, temp_files::bigint AS f FROM pg_stat_database WHERE datname = $1',
    [db],
  );
  return { bytes: Number(r.rows[0]?.b ?? 0), files: Number(r.rows[0]?.f ?? 0) };
}

/**
 * Waits until no backend is connected to `db` (so its stats are flushed and its log
 * lines written), then a short grace period. Returns false on timeout.
 */
export async function waitForIdle(admin, db, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db]);
    if (r.rows[0].n === 0) break;
    if (Date.now() > until) return false;
    await sleep(50);
  }
  await sleep(300);
  return true;
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function maxOf(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x));
  return v.length === 0 ? undefined : Math.max(...v);
}
