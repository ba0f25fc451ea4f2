/**
 * MariaDB server-side measurement: the slow log (log_output=TABLE, long_query_time=0)
 * read from mysql.slow_log for user rivet_bench, the Created_tmp_disk_tables counter,
 * and an idle wait on SHOW PROCESSLIST.
 *
 * Only `SHOW …` statements are used around a run: a SELECT on information_schema
 * materialises an Aria (on-disk) temporary table and would bump Created_tmp_disk_tables
 * itself.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** Global variables the measurement changes; saved first, restored at the end. */
const SLOW_LOG_GLOBALS = ['log_output', 'slow_query_log', 'long_query_time'];

async function globals(admin) {
  const [rows] = await admin.query(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${SLOW_LOG_GLOBALS.map(() => '?').join(', ')})`,
    SLOW_LOG_GLOBALS,
  );
  return Object.fromEntries(rows.map((r) => [r.Variable_name, r.Value]));
}

function setStatement(values) {
  // slow_query_log: ON/OFF; log_output: e.g. FILE or 'FILE,TABLE'; long_query_time: seconds.
  const parts = [];
  if (values.log_output !== undefined) parts.push(`log_output = ${quote(values.log_output)}`);
  if (values.long_query_time !== undefined) parts.push(`long_query_time = ${Number(values.long_query_time)}`);
  if (values.slow_query_log !== undefined) {
    parts.push(`slow_query_log = ${/^(ON|1)$/i.test(String(values.slow_query_log)) ? 1 : 0}`);
  }
  return parts.map((p) => `SET GLOBAL ${p}`);
}

function quote(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Turns the slow log on (table output, every statement) and returns an idempotent
 * restore function. The previous values are written to `savePath` first, so a run
 * killed hard (SIGKILL, crash) is repaired by the next run's `restoreLeftover`.
 */
export async function enableSlowLog(admin, savePath) {
  const previous = await globals(admin);
  writeFileSync(savePath, `${JSON.stringify(previous, null, 2)}\n`);
  for (const sql of setStatement({ log_output: 'TABLE', long_query_time: 0, slow_query_log: 'ON' })) {
    await admin.query(sql);
  }
  log(
    `MariaDB: SET GLOBAL log_output='TABLE', slow_query_log=1, long_query_time=0 (was ${SLOW_LOG_GLOBALS.map((k) => `${k}=${previous[k]}`).join(', ')}; restored at the end)`,
  );
  let restored = false;
  return async () => {
    if (restored) return;
    try {
      for (const sql of setStatement(previous)) await admin.query(sql);
      restored = true;
      rmSync(savePath, { force: true });
      log(`MariaDB: restored ${SLOW_LOG_GLOBALS.map((k) => `${k}=${previous[k]}`).join(', ')}`);
    } catch (error) {
      log(`WARNING: could not restore the MariaDB slow-log globals (saved in ${savePath}): ${error.message}`);
    }
  };
}

/** Restores globals saved by a previous run that never got to restore them. */
export async function restoreLeftover(admin, savePath) {
  if (!existsSync(savePath)) return;
  let previous;
  try {
    previous = JSON.parse(readFileSync(savePath, 'utf8'));
  } catch {
    rmSync(savePath, { force: true });
    return;
  }
  for (const sql of setStatement(previous)) await admin.query(sql);
  rmSync(savePath, { force: true });
  log(`MariaDB: restored slow-log globals left over from an interrupted run (${JSON.stringify(previous)})`);
}

export async function truncateSlowLog(admin) {
  await admin.query('TRUNCATE TABLE mysql.slow_log');
}

/**
 * Statements of `user` in mysql.slow_log since the last truncate: count, the longest
 * query_time (TIME(6) → ms, µs resolution) and its text (first 80 chars).
 */
export async function readSlowLog(admin, user) {
  const like = `${user}[%`;
  const [agg] = await admin.query('SELECT COUNT(*) AS n FROM mysql.slow_log WHERE user_host LIKE ?', [like]);
  const [top] = await admin.query(
    `SELECT TIME_TO_SEC(query_time) * 1000 AS ms, LEFT(CONVERT(sql_text USING utf8mb4), 200) AS sql_text
       FROM mysql.slow_log WHERE user_host LIKE ? ORDER BY query_time DESC LIMIT 1`,
    [like],
  );
  const count = Number(agg[0].n);
  if (count === 0) return { count, maxMs: undefined, maxSql: '' };
  return {
    count,
    maxMs: Number(top[0].ms),
    maxSql: String(top[0].sql_text).replace(/\s+/g, ' ').trim().slice(0, 80),
  };
}

export async function readTmpDiskTables(admin) {
  const [rows] = await admin.query("SHOW GLOBAL STATUS LIKE 'Created_tmp_disk_tables'");
  return Number(rows[0]?.Value ?? 0);
}

/**
 * Waits until no connection of `user` is left (SHOW PROCESSLIST: no temp table), then a
 * short grace period so the last slow-log rows are written. Returns false on timeout.
 */
export async function waitForIdleUser(admin, user, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [rows] = await admin.query('SHOW FULL PROCESSLIST');
    if (!rows.some((r) => r.User === user)) break;
    if (Date.now() > until) return false;
    await sleep(50);
  }
  await sleep(200);
  return true;
}
