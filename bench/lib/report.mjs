/**
 * Markdown rendering of the benchmark results.
 */
import { maxOf, median } from './measure.mjs';

const MiB = 1024 * 1024;

const fmtInt = (n) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const fmtFixed = (n, d) => (n === undefined ? '—' : n.toFixed(d));
const fmtBytes = (n) => {
  if (n === undefined) return '—';
  if (n === 0) return '0';
  if (n < MiB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${(n / MiB / 1024).toFixed(2)} GiB`;
};
const esc = (s) => s.replace(/\|/g, '\\|').replace(/`/g, "'");

/** Aggregates the measured (non-warm-up) runs of one case. */
export function aggregate(kase) {
  const runs = kase.runs.filter((r) => !r.warmup && r.ok);
  if (kase.failed || runs.length === 0) return { failed: true, error: kase.error };
  const wall = median(runs.map((r) => r.wallS));
  const rss = median(runs.map((r) => r.maxRssMiB));
  const longest = maxOf(runs.map((r) => r.longestMs));
  const longestRun = runs.find((r) => r.longestMs === longest);
  return {
    failed: false,
    n: runs.length,
    wallS: wall,
    rowsPerS: kase.rows / wall,
    mbPerS: kase.logicalBytes / MiB / wall,
    rssMiB: rss,
    longestMs: longest,
    longestSql: longestRun?.longestSql ?? '',
    serverStmts: median(runs.map((r) => r.serverStatements)),
    stmts: kase.kind === 'rivet' ? runs.at(-1).summary?.statements : 1,
    clientLongestMs: kase.kind === 'rivet' ? runs.at(-1).summary?.longest_statement_ms : undefined,
    tempBytes: maxOf(runs.map((r) => r.tempBytes)),
    tempFiles: maxOf(runs.map((r) => r.tempFiles)),
    cpuS: median(runs.map((r) => r.cpuS)),
  };
}

export function fixtureTable(fixture) {
  const psql = fixture.cases.find((c) => c.id === 'psql-csv');
  const psqlWall = psql ? aggregate(psql).wallS : undefined;
  const lines = [
    '| case | wall s (median) | rows/s | MB/s | peak RSS MB | longest stmt ms | stmts | temp_bytes Δ | × psql \\copy csv |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of fixture.cases) {
    const a = aggregate(c);
    if (a.failed) {
      lines.push(`| ${c.label} | **FAILED** | | | | | | | |`);
      continue;
    }
    const sameTable = c.table === fixture.table;
    const ratio =
      sameTable && psqlWall !== undefined && c.id !== 'psql-csv' ? `${(a.wallS / psqlWall).toFixed(2)}×` : '';
    lines.push(
      `| ${c.label} | ${fmtFixed(a.wallS, 2)} | ${fmtInt(a.rowsPerS)} | ${fmtFixed(a.mbPerS, 1)} | ${fmtFixed(a.rssMiB, 1)} | ${fmtFixed(a.longestMs, 1)} | ${fmtInt(a.stmts)} | ${fmtBytes(a.tempBytes)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

export function flatnessLine(fixture) {
  const full = fixture.cases.find((c) => c.id === 'rivet-parquet');
  const half = fixture.cases.find((c) => c.id === 'rivet-parquet-half');
  if (!full || !half) return undefined;
  const a = aggregate(full);
  const b = aggregate(half);
  if (a.failed || b.failed) return '**RSS flatness:** not available (a run failed).';
  const ratio = a.rssMiB / b.rssMiB;
  const verdict = Math.abs(ratio - 1) <= 0.1 ? 'flat (within 10%)' : 'NOT flat (differs by more than 10%)';
  return `**RSS flatness (rivet → parquet):** ${fmtInt(full.rows)} rows ${fmtFixed(a.rssMiB, 1)} MB vs ${fmtInt(half.rows)} rows ${fmtFixed(b.rssMiB, 1)} MB → ratio full/half = **${ratio.toFixed(3)}** — ${verdict}.`;
}

export function fixtureDetails(fixture) {
  const out = [];
  out.push('Longest server-side statement per case (max over measured runs, first 80 chars):');
  out.push('');
  for (const c of fixture.cases) {
    const a = aggregate(c);
    if (a.failed) {
      out.push(`- ${c.label}: **FAILED** — ${esc(String(c.error ?? 'unknown error'))}`);
      continue;
    }
    const extra = [];
    if (c.kind === 'rivet') {
      extra.push(
        `rivet summary: ${fmtInt(a.stmts)} statements, client-side longest ${fmtInt(a.clientLongestMs)} ms`,
      );
    }
    extra.push(`server log duration lines ${fmtInt(a.serverStmts)} (parse/bind/execute counted separately)`);
    extra.push(`CPU user+sys ${fmtFixed(a.cpuS, 2)} s`);
    if (a.tempFiles) extra.push(`temp_files Δ ${a.tempFiles}`);
    out.push(`- ${c.label}: ${fmtFixed(a.longestMs, 1)} ms \`${esc(a.longestSql)}\` (${extra.join('; ')})`);
  }
  out.push('');
  out.push(...rawRunsDetails(fixture, 'server log lines', 'temp_bytes Δ', (r) => fmtBytes(r.tempBytes)));
  return out.join('\n');
}

export function fixtureSection(fixture) {
  const parts = [
    `### ${fixture.name} — \`${fixture.table}\`: ${fmtInt(fixture.rows)} rows, ${fmtFixed(fixture.logicalBytes / MiB, 1)} MB logical (text), ${fmtFixed(fixture.diskBytes / MiB, 1)} MB on disk`,
    '',
    fixtureTable(fixture),
    '',
  ];
  const flat = flatnessLine(fixture);
  if (flat) parts.push(flat, '');
  parts.push(fixtureDetails(fixture), '');
  return parts.join('\n');
}

export const METRIC_NOTES = `Columns: **wall s** = median over measured runs of the whole process wall time (spawn → exit, measured by the harness around \`/usr/bin/time -v\`); **rows/s** = rows ÷ median wall; **MB/s** = logical bytes (\`sum(octet_length(t::text))\`) ÷ median wall; **peak RSS MB** = median of \`Maximum resident set size\` from \`time -v\` (max over the process tree); **longest stmt ms** = max over measured runs of the largest \`duration:\` in the server log for \`@rivet_bench\` (\`log_min_duration_statement = 0\`; includes metadata queries); **stmts** = statements Rivet reports in its \`summary.json\` (last run; psql rows: the single COPY); **temp_bytes Δ** = max over runs of the \`pg_stat_database.temp_bytes\` delta for rivet_bench; **× psql \\copy csv** = median wall ÷ the psql \\copy csv median wall on the same table. MB = 2^20 bytes. Note: wall times include the cost of statement logging (\`log_min_duration_statement = 0\` is on for every measured run).`;

// ───────────────────────────── MariaDB ─────────────────────────────

/** MariaDB wide-table targets (perf-anchors §5.5, tightened for this port). */
export const MARIADB_TARGETS = { wallRatio: 1.3, longestMs: 500, rssMiB: 200, tmpDiskTables: 0 };

export function mariadbAggregate(kase) {
  const a = aggregate(kase);
  if (a.failed) return a;
  const runs = kase.runs.filter((r) => !r.warmup && r.ok);
  return {
    ...a,
    tmpDiskTables: maxOf(runs.map((r) => r.tmpDiskTables)),
    outBytes: median(runs.map((r) => r.outBytes)),
  };
}

function mysql2Wall(fixture) {
  const base = fixture.cases.find((c) => c.id === 'mysql2-stream');
  if (!base) return undefined;
  const a = mariadbAggregate(base);
  return a.failed ? undefined : a.wallS;
}

export function mariadbFixtureTable(fixture) {
  const baseWall = mysql2Wall(fixture);
  const lines = [
    '| case | wall s (median) | rows/s | MB/s | peak RSS MB | longest stmt ms | stmts | Created_tmp_disk_tables Δ | × mysql2 stream |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of fixture.cases) {
    if (c.skip) {
      lines.push(`| ${c.label} | skipped | | | | | | | |`);
      continue;
    }
    const a = mariadbAggregate(c);
    if (a.failed) {
      lines.push(`| ${c.label} | **FAILED** | | | | | | | |`);
      continue;
    }
    const ratio =
      baseWall !== undefined && c.id !== 'mysql2-stream' ? `${(a.wallS / baseWall).toFixed(2)}×` : '';
    lines.push(
      `| ${c.label} | ${fmtFixed(a.wallS, 2)} | ${fmtInt(a.rowsPerS)} | ${fmtFixed(a.mbPerS, 1)} | ${fmtFixed(a.rssMiB, 1)} | ${fmtFixed(a.longestMs, 1)} | ${fmtInt(a.serverStmts)} | ${fmtInt(a.tmpDiskTables)} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** met / missed per target and rivet case (printed under the wide table). */
export function mariadbTargets(fixture) {
  const t = MARIADB_TARGETS;
  const rivet = fixture.cases.filter((c) => c.kind === 'rivet');
  const baseWall = mysql2Wall(fixture);
  const verdict = (ok) => (ok ? 'met' : '**missed**');
  const rows = [
    [
      `wall ≤ ${t.wallRatio}× mysql2 stream`,
      (a) =>
        baseWall === undefined
          ? 'no mysql2 baseline'
          : `${(a.wallS / baseWall).toFixed(2)}× — ${verdict(a.wallS / baseWall <= t.wallRatio)}`,
    ],
    [
      `longest stmt ≤ ${t.longestMs} ms (slow log)`,
      (a) =>
        a.longestMs === undefined
          ? 'not measured'
          : `${fmtFixed(a.longestMs, 1)} ms — ${verdict(a.longestMs <= t.longestMs)}`,
    ],
    [
      `peak RSS ≤ ${t.rssMiB} MB`,
      (a) =>
        a.rssMiB === undefined
          ? 'not measured'
          : `${fmtFixed(a.rssMiB, 1)} MB — ${verdict(a.rssMiB <= t.rssMiB)}`,
    ],
    [
      `Created_tmp_disk_tables Δ = ${t.tmpDiskTables}`,
      (a) =>
        a.tmpDiskTables === undefined
          ? 'not measured'
          : `${a.tmpDiskTables} — ${verdict(a.tmpDiskTables <= t.tmpDiskTables)}`,
    ],
  ];
  const out = [
    `**Targets (MariaDB ${fixture.name}):**`,
    '',
    `| target | ${rivet.map((c) => c.label).join(' | ')} |`,
    `|---|${rivet.map(() => '---').join('|')}|`,
  ];
  for (const [label, cell] of rows) {
    const cells = rivet.map((c) => {
      const a = mariadbAggregate(c);
      return a.failed ? 'not measured (case failed)' : cell(a);
    });
    out.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

export function mariadbFixtureDetails(fixture) {
  const out = [];
  out.push(
    'Longest server-side statement per case (mysql.slow_log, max over measured runs, first 80 chars):',
  );
  out.push('');
  for (const c of fixture.cases) {
    if (c.skip) {
      out.push(`- ${c.label}: skipped — ${esc(c.skip)}`);
      continue;
    }
    const a = mariadbAggregate(c);
    if (a.failed) {
      out.push(`- ${c.label}: **FAILED** — ${esc(String(c.error ?? 'unknown error'))}`);
      continue;
    }
    const extra = [];
    if (c.kind === 'rivet') {
      extra.push(
        `rivet summary: ${fmtInt(a.stmts)} statements, client-side longest ${fmtInt(a.clientLongestMs)} ms`,
      );
    }
    extra.push(`slow-log statements ${fmtInt(a.serverStmts)}`);
    extra.push(`CPU user+sys ${fmtFixed(a.cpuS, 2)} s`);
    if (c.kind === 'mydumper' && a.outBytes !== undefined) extra.push(`dump ${fmtBytes(a.outBytes)}`);
    out.push(`- ${c.label}: ${fmtFixed(a.longestMs, 1)} ms \`${esc(a.longestSql)}\` (${extra.join('; ')})`);
  }
  out.push('');
  out.push(...rawRunsDetails(fixture, 'slow-log stmts', 'tmp disk Δ', (r) => fmtInt(r.tmpDiskTables)));
  return out.join('\n');
}

export function mariadbFixtureSection(fixture) {
  const parts = [
    `### MariaDB ${fixture.name} — \`${fixture.table}\`: ${fmtInt(fixture.rows)} rows, ${fmtFixed(fixture.logicalBytes / MiB, 1)} MB logical (text), ${fmtFixed(fixture.diskBytes / MiB, 1)} MB on disk`,
    '',
    mariadbFixtureTable(fixture),
    '',
  ];
  if (fixture.name === 'wide') parts.push(mariadbTargets(fixture), '');
  parts.push(mariadbFixtureDetails(fixture), '');
  return parts.join('\n');
}

export const MARIADB_METRIC_NOTES = `MariaDB columns: **wall s**, **rows/s**, **peak RSS MB** as for PostgreSQL; **MB/s** = logical bytes (\`SUM(LENGTH(CONCAT_WS(',', every column)))\`, the text form) ÷ median wall; **longest stmt ms** = max over measured runs of the largest \`query_time\` (TIME(6), µs resolution) in \`mysql.slow_log\` for user \`rivet_bench\` (\`log_output=TABLE\`, \`long_query_time=0\`, the table truncated before each run; includes metadata queries; a streamed SELECT's time includes the time the server waited on the client); **stmts** = median count of those slow-log rows; **Created_tmp_disk_tables Δ** = max over runs of the server-wide \`SHOW GLOBAL STATUS\` delta (the harness itself uses only SHOW statements around a run, which do not bump it); **× mysql2 stream** = median wall ÷ the mysql2 stream median wall on the same table. Every MariaDB case connects as \`rivet_bench\`; the mysql2 baseline JSON-encodes each row to /dev/null (perf-anchors JS-M1); mydumper is perf-anchors MY-D1 (\`-t 2 -r 500000\`) but with \`-k\` instead of \`--trx-consistency-only\` (no FLUSH TABLES WITH READ LOCK: \`rivet_bench\` has no RELOAD privilege); it writes SQL INSERT files under bench/work/out, deleted after each run.`;

/** The collapsed per-run table both engines print; the last two columns are engine-specific. */
function rawRunsDetails(fixture, statementsLabel, spillLabel, spill) {
  const out = ['<details><summary>per-run raw numbers</summary>', ''];
  out.push(
    `| case | run | exit | wall s | peak RSS MB | CPU s | longest stmt ms | ${statementsLabel} | ${spillLabel} |`,
  );
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of fixture.cases) {
    for (const r of c.runs) {
      out.push(
        `| ${c.label} | ${r.warmup ? 'warm-up' : r.index} | ${r.code ?? r.signal ?? '?'}${r.ok ? '' : ' ✗'} | ${fmtFixed(r.wallS, 3)} | ${fmtFixed(r.maxRssMiB, 1)} | ${fmtFixed(r.cpuS, 2)} | ${fmtFixed(r.longestMs, 1)} | ${fmtInt(r.serverStatements)} | ${spill(r)} |`,
      );
    }
  }
  out.push('', '</details>');
  return out;
}
