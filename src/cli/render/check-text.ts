/**
 * Layer: cli/render. `rivet check` as text and as JSON: the source once, then per export
 * the mode and read shape, estimates, the first statement's plan, the verdict with
 * recommendations, and each finding with its code, severity and hint.
 */
import type { ExportPlan } from '../../contracts/run-plan.js';
import type { Diagnostic } from '../../preflight/diagnostic.js';
import type { ExportFacts } from '../../preflight/export-facts.js';
import type { Judgement } from '../../preflight/judge-export.js';
import type { TypeReport } from '../../preflight/type-report.js';
import type { ServerFacts } from '../../source/source-diagnostics.js';
import { renderTable } from './table.js';

const n = (value: number | undefined) => (value === undefined ? 'unknown' : value.toLocaleString('en-US'));

export function sourceText(server: ServerFacts, target: string, findings: readonly Diagnostic[]): string {
  const role = server.replica ? 'replica' : 'primary';
  const tls = server.tls === undefined ? 'TLS unknown' : server.tls ? 'TLS on' : 'TLS off';
  const connections =
    server.maxConnections === undefined
      ? ''
      : ` · connections ${n(server.connectionsInUse)}/${n(server.maxConnections)} in use`;
  return [
    `Source: ${server.product} at ${target} — ${role}, ${tls}${connections}`,
    ...findings.map(findingText),
  ].join('\n');
}

export function modeText(plan: ExportPlan): string {
  const mode = plan.mode;
  switch (mode.kind) {
    case 'full':
      return 'full';
    case 'incremental':
      return `incremental(${mode.cursorColumn}) after ${mode.previous ?? 'the beginning'}, up to ${mode.high ?? '(nothing new)'}`;
    case 'time_window':
      return `time_window(${mode.column} >= ${mode.cutoff})`;
    case 'chunked':
      return `chunked ${mode.description} · ${mode.chunks?.length ?? '?'} chunks · ${mode.workers} worker(s)`;
  }
}

export function strategyText(plan: ExportPlan): string {
  const strategy = plan.read.strategy;
  if (strategy.kind === 'keyset') {
    return `keyset(${strategy.key.map((k) => k.name).join(',')}): a unique NOT NULL key, each statement one short index range`;
  }
  return plan.sourceEngine === 'mysql'
    ? 'scan: no usable key, one statement for the whole relation (allow_unbounded_read)'
    : 'scan: no usable key, a server-side cursor read in FETCH pages (one snapshot)';
}

export function exportText(name: string, facts: ExportFacts, judged: Judgement): string {
  const first = facts.firstStatement;
  const width = judged.avgRowBytes === undefined ? 'unknown' : `~${judged.avgRowBytes} B`;
  const sample = facts.sample === undefined ? '' : ` (measured on a sample of ${n(facts.sample.rows)} rows)`;
  const lines = [
    `Export: ${name}`,
    `  mode        ${modeText(facts.plan)}`,
    `  strategy    ${strategyText(facts.plan)}`,
    `  rows        ~${n(judged.rows)} (estimate) · row width ${width}${sample}`,
  ];
  if (facts.readColumn !== undefined) {
    const index = facts.readColumn.index;
    lines.push(
      `  index       ${index === undefined ? `none leads with ${facts.readColumn.name}` : `${index} leads with ${facts.readColumn.name}`}`,
    );
  }
  if (first !== undefined) {
    const shape = [
      first.fullScans.length > 0 ? `full scan of ${first.fullScans.join(', ')}` : undefined,
      first.indexes.length > 0 ? `index ${first.indexes.join(', ')}` : undefined,
      first.sorts ? 'sort' : undefined,
      first.temp ? 'temporary/spill' : undefined,
    ].filter((s) => s !== undefined);
    lines.push(
      `  first stmt  ${shape.join(' · ') || 'no scan reported'} · est. ${n(first.estimatedRows)} rows (EXPLAIN)`,
    );
  }
  lines.push(
    `  verdict     ${verdictLabel(judged)}`,
    `  profile     ${judged.profile.configured} (recommended: ${judged.profile.recommended})`,
    `  parallel    ${judged.parallel.configured} (recommended: ${judged.parallel.recommended})`,
    `  memory      ${judged.peakMb === undefined ? 'unknown (no row width)' : `~${judged.peakMb} MB predicted peak`}`,
    ...judged.diagnostics.map(findingText),
  );
  return lines.join('\n');
}

const rejected = (judged: Judgement) => judged.diagnostics.some((d) => d.severity === 'error');

function verdictLabel(judged: Judgement): string {
  return rejected(judged) ? 'REJECTED (the run would be refused)' : judged.verdict;
}

export function refusedText(name: string, refused: Diagnostic): string {
  return [`Export: ${name}`, '  verdict     REJECTED (the run would be refused)', findingText(refused)].join(
    '\n',
  );
}

function findingText(d: Diagnostic): string {
  const head = `  ${d.severity.toUpperCase().padEnd(6)} ${d.code}: ${d.message}`;
  return d.hint === undefined ? head : `${head}\n         Hint: ${d.hint}`;
}

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.hint === undefined ? {} : { hint: d.hint }),
  };
}

export function assessmentJson(facts: ExportFacts, judged: Judgement): Record<string, unknown> {
  const first = facts.firstStatement;
  return {
    mode: modeText(facts.plan),
    strategy: facts.plan.read.strategy.kind === 'keyset' ? 'keyset' : 'scan',
    verdict: rejected(judged) ? 'REJECTED' : judged.verdict,
    rows_estimate: judged.rows ?? null,
    avg_row_bytes: judged.avgRowBytes ?? null,
    ...(facts.sample === undefined
      ? {}
      : { sample: { rows: facts.sample.rows, avg_row_bytes: facts.sample.avgRowBytes } }),
    read_column: facts.readColumn?.name ?? null,
    read_index: facts.readColumn?.index ?? null,
    first_statement:
      first === undefined
        ? null
        : {
            statement: first.statement,
            full_scans: first.fullScans,
            indexes: first.indexes,
            sorts: first.sorts,
            temp: first.temp,
            estimated_rows: first.estimatedRows ?? null,
          },
    profile: judged.profile.configured,
    recommended_profile: judged.profile.recommended,
    parallel: judged.parallel.configured,
    recommended_parallel: judged.parallel.recommended,
    predicted_peak_mb: judged.peakMb ?? null,
  };
}

/** The type report as upstream's table: one row per column, target columns with a target. */
export function typeReportText(report: TypeReport): string {
  const header = `Export: ${report.exportName}${report.target === undefined ? '' : `  [target: ${report.target}]`}`;
  const withTarget = report.target !== undefined;
  const headers = ['Column', 'Source type', 'Rivet type', 'Arrow type', 'Fidelity'];
  if (withTarget) headers.push('Target type', 'Status');
  headers.push('Note');
  const rows = report.rows.map((r) => {
    const cells = [r.column, r.sourceType, r.rivetType ?? '—', r.arrowType ?? '—', r.fidelity];
    if (withTarget) cells.push(r.target?.type ?? '—', r.target?.status ?? 'fail');
    const notes = [r.fidelity === 'exact' ? '' : r.reason, r.target?.note ?? ''].filter((n) => n !== '');
    cells.push(notes.join('; '));
    return cells;
  });
  return `${header}\n${renderTable(headers, rows)}\n`;
}
