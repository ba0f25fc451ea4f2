/**
 * Layer: cli. `rivet check -c <config>`: read-only preflight of each export. With
 * `--type-report` (implied by `--json` and `--target`) it prints, per output column, the
 * source type, what Rivet writes and how faithfully, and what a warehouse makes of it.
 * `--strict` turns lossy or unsupported columns into exit 1. Nothing is written anywhere.
 */
import { ExitClass, RivetError } from '../../common/errors.js';
import type { ExportConfig } from '../../config/config-types.js';
import { loadConfig } from '../../config/load-config.js';
import { TARGETS, type Target } from '../../preflight/target-types.js';
import { buildTypeReport, type TypeReport, typeReportJson } from '../../preflight/type-report.js';
import { type CliIo, line, warnOnce } from '../cli-io.js';
import { parseParams } from '../params.js';
import { renderTable } from '../render/table.js';
import { selectExports } from '../select-exports.js';
import { arrowTypeNamer, openSource } from '../wire.js';

export interface CheckFlags {
  readonly config: string;
  readonly export?: readonly string[];
  readonly param: readonly string[];
  readonly typeReport: boolean;
  readonly json: boolean;
  readonly target?: string;
  readonly strict: boolean;
}

export async function checkCommand(flags: CheckFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const warned = new Set<string>();
  for (const warning of config.warnings) warnOnce(io, warned, warning);
  const exports = selectExports(config, flags.export);
  const flagTarget = flags.target === undefined ? undefined : parseTarget(flags.target, '--target');
  const arrowName = await arrowTypeNamer();
  const source = await openSource(config.source, io.env, (m) => warnOnce(io, warned, m), 'rivet-check');
  const reports: TypeReport[] = [];
  try {
    for (const e of exports) {
      const outcomes = await source.inspectColumns(e.relation, e.columns);
      const target = flagTarget ?? exportTarget(e);
      const report = buildTypeReport(e.name, outcomes, arrowName, target);
      reports.push(report);
      if (flags.json) line(io.stdout, JSON.stringify(typeReportJson(report)));
      else line(io.stdout, typeReportText(report));
    }
  } finally {
    await source.close();
  }
  return verdict(reports, flags, io);
}

function verdict(reports: readonly TypeReport[], flags: CheckFlags, io: CliIo): ExitClass {
  const violations = reports.some((r) => r.violations.length > 0);
  const targetFailures = reports.some((r) => r.targetFailures.length > 0);
  if (flags.strict && violations) {
    line(io.stderr, 'strict mode: unsafe type mappings found (see report above)');
    return ExitClass.failed;
  }
  if (violations && !flags.json) {
    line(
      io.stderr,
      'note: some columns are lossy or unsupported (see report above); --strict makes that exit 1',
    );
  }
  if (targetFailures && !flags.json) {
    line(
      io.stderr,
      'note: some columns cannot be loaded by the target as they are (see report above); exit is still 0',
    );
  }
  if (!flags.json) line(io.stdout, `Looks good. Next: rivet run -c ${flags.config}`);
  return ExitClass.ok;
}

function exportTarget(e: ExportConfig): Target | undefined {
  return e.target === undefined ? undefined : parseTarget(e.target, `exports.${e.name}.target`);
}

function parseTarget(value: string, where: string): Target {
  const normalized = value.toLowerCase() === 'bq' ? 'bigquery' : value.toLowerCase();
  const found = TARGETS.find((t) => t === normalized);
  if (found !== undefined) return found;
  throw new RivetError(
    'RIVET_USAGE_TARGET',
    `${where}: unknown target '${value}' (expected: ${TARGETS.join(', ')})`,
    { hint: 'bq is accepted as bigquery', exitClass: ExitClass.usageOrTransient },
  );
}

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
