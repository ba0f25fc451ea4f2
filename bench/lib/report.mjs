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
  out.push('<details><summary>per-run raw numbers</summary>');
  out.push('');
  out.push(
    '| case | run | exit | wall s | peak RSS MB | CPU s | longest stmt ms | server log lines | temp_bytes Δ |',
  );
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of fixture.cases) {
    for (const r of c.runs) {
      out.push(
        `| ${c.label} | ${r.warmup ? 'warm-up' : r.index} | ${r.code ?? r.signal ?? '?'}${r.ok ? '' : ' ✗'} | ${fmtFixed(r.wallS, 3)} | ${fmtFixed(r.maxRssMiB, 1)} | ${fmtFixed(r.cpuS, 2)} | ${fmtFixed(r.longestMs, 1)} | ${fmtInt(r.serverStatements)} | ${fmtBytes(r.tempBytes)} |`,
      );
    }
  }
  out.push('');
  out.push('</details>');
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
