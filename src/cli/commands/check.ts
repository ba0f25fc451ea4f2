/**
 * Layer: cli. `rivet check -c <config>`: read-only preflight of each export. With
 * `--type-report` (implied by `--json` and `--target`) it prints, per output column, the
 * source type, what Rivet writes and how faithfully, and what a warehouse makes of it.
 * `--strict` turns lossy or unsupported columns into exit 1. Nothing is written anywhere.
 */
import { ExitClass, RivetError } from '../../common/errors.js';
import type { ExportConfig, SourceConfig } from '../../config/config-types.js';
import { loadConfig } from '../../config/load-config.js';
import { destinationPreflight } from '../../preflight/destination-preflight.js';
import { gatherExportFacts } from '../../preflight/export-facts.js';
import { judgeExport } from '../../preflight/judge-export.js';
import { judgeServer } from '../../preflight/judge-server.js';
import { TARGETS, type Target } from '../../preflight/target-types.js';
import { buildTypeReport, type TypeReport, typeReportJson } from '../../preflight/type-report.js';
import type { Source } from '../../source/source.js';
import { type CliIo, line, warnOnce } from '../cli-io.js';
import { parseParams } from '../params.js';
import {
  assessmentJson,
  diagnosticJson,
  exportText,
  refusedText,
  sourceText,
  typeReportText,
} from '../render/check-text.js';
import { selectExports } from '../select-exports.js';
import { arrowTypeNamer, connectionSpec, openSource, openStateIfExists } from '../wire.js';

export interface CheckFlags {
  readonly config: string;
  readonly export?: readonly string[];
  readonly param: readonly string[];
  readonly typeReport: boolean;
  readonly json: boolean;
  readonly target?: string;
  readonly strict: boolean;
  readonly sample?: number;
}

interface ExportOutcome {
  readonly refused: boolean;
  readonly report: TypeReport | undefined;
}

export async function checkCommand(flags: CheckFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const warned = new Set<string>();
  for (const warning of config.warnings) warnOnce(io, warned, warning);
  const exports = selectExports(config, flags.export);
  const flagTarget = flags.target === undefined ? undefined : parseTarget(flags.target, '--target');
  // --strict judges column types, so it needs the type report too.
  const withTypes = flags.typeReport || flags.json || flags.strict || flags.target !== undefined;
  const arrowName = await arrowTypeNamer();
  // The state is read (stored cursors, chunk runs in progress) so the plan is the one `run` would make.
  const state = openStateIfExists(config);
  const outcomes: ExportOutcome[] = [];
  let source: Source | undefined;
  try {
    source = await openSource(config.source, io.env, (m) => warnOnce(io, warned, m), 'rivet-check');
    const server = await source.diagnostics.server();
    const hosts = sourceHosts(config.source, io.env);
    const serverFindings = judgeServer(server, hosts);
    if (!flags.json)
      line(
        io.stdout,
        `${sourceText(server, hosts.join(','), serverFindings)}
`,
      );
    for (const e of exports) {
      const gathered = await gatherExportFacts(e, {
        source,
        state,
        now: new Date(),
        sampleRows: flags.sample,
      });
      const report = withTypes
        ? buildTypeReport(
            e.name,
            await source.inspectColumns(e.relation, e.columns),
            arrowName,
            flagTarget ?? exportTarget(e),
          )
        : undefined;
      const judged = 'facts' in gathered ? judgeExport(e, gathered.facts, server) : undefined;
      const destinationProblem = destinationPreflight(e.destination, io.env);
      if (destinationProblem !== undefined) {
        line(io.stderr, `export '${e.name}': destination preflight failed: ${destinationProblem}`);
      }
      const refused =
        'refused' in gathered ||
        destinationProblem !== undefined ||
        judged?.diagnostics.some((d) => d.severity === 'error') === true;
      outcomes.push({ refused, report });
      if (flags.json) {
        const assessment =
          'facts' in gathered && judged !== undefined
            ? assessmentJson(gathered.facts, judged)
            : { verdict: 'REJECTED' };
        const findings = [
          ...serverFindings,
          ...('refused' in gathered ? [gathered.refused] : (judged?.diagnostics ?? [])),
        ];
        const types = report === undefined ? {} : typeReportJson(report);
        line(
          io.stdout,
          JSON.stringify({
            export: e.name,
            ...assessment,
            diagnostics: findings.map(diagnosticJson),
            ...types,
          }),
        );
        continue;
      }
      line(
        io.stdout,
        'refused' in gathered
          ? refusedText(e.name, gathered.refused)
          : exportText(e.name, gathered.facts, judged!),
      );
      if (report !== undefined) line(io.stdout, `\n${typeReportText(report)}`);
      else line(io.stdout, '');
    }
  } finally {
    await Promise.all([source?.close(), state.close()]);
  }
  return verdict(outcomes, flags, io);
}

function verdict(outcomes: readonly ExportOutcome[], flags: CheckFlags, io: CliIo): ExitClass {
  const reports = outcomes.flatMap((o) => (o.report === undefined ? [] : [o.report]));
  const violations = reports.some((r) => r.violations.length > 0);
  const targetFailures = reports.some((r) => r.targetFailures.length > 0);
  if (outcomes.some((o) => o.refused)) {
    line(io.stderr, 'check: at least one export would be refused by `rivet run` (see REJECTED above)');
    return ExitClass.failed;
  }
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
  if (!flags.json)
    line(io.stdout, `Verdicts are advice and never block a run. Next: rivet run -c ${flags.config}`);
  return ExitClass.ok;
}

/** The hosts the source connects to (for the TLS finding), from the resolved connection. */
function sourceHosts(source: SourceConfig, env: CliIo['env']): string[] {
  const spec = connectionSpec(source, 'rivet-check', env);
  if (spec.host !== undefined) return [spec.host];
  try {
    const url = new URL(spec.url ?? '');
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    return host.split(',');
  } catch {
    return ['localhost'];
  }
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
