/**
 * Layer: preflight. The type report of one export: per output column, the source type,
 * what Rivet writes (canonical and Arrow type), how faithfully, and — with a target —
 * what the warehouse should declare and whether its Parquet autoload gets there.
 */
import type { ColumnOutcome } from '../source/source.js';
import { type Fidelity, formatRivetType, type RivetType } from '../types/rivet-type.js';
import { altersValues } from '../types/type-fidelity.js';
import { type Target, type TargetMapping, targetMapping } from './target-types.js';

export interface TypeReportRow {
  readonly column: string;
  readonly sourceType: string;
  readonly rivetType: string | undefined;
  readonly arrowType: string | undefined;
  readonly fidelity: Fidelity;
  readonly reason: string;
  readonly override: string | undefined;
  readonly target: TargetMapping | undefined;
}

export interface TypeReport {
  readonly exportName: string;
  readonly target: Target | undefined;
  readonly rows: readonly TypeReportRow[];
  /** Columns whose values may change or cannot be exported: what `--strict` refuses. */
  readonly violations: readonly string[];
  /** Columns the target cannot hold. */
  readonly targetFailures: readonly string[];
}

export function buildTypeReport(
  exportName: string,
  outcomes: readonly ColumnOutcome[],
  arrowName: (type: RivetType) => string,
  target: Target | undefined,
): TypeReport {
  const rows = outcomes.map((o): TypeReportRow => {
    const spec = o.spec;
    if (spec === undefined) {
      return {
        column: o.name,
        sourceType: o.sourceType,
        rivetType: undefined,
        arrowType: undefined,
        fidelity: 'unsupported',
        reason: o.problem ?? 'no mapping',
        override: undefined,
        target: undefined,
      };
    }
    const verdict = spec.fidelity ?? { fidelity: 'exact', reason: 'native type' };
    return {
      column: o.name,
      sourceType: o.sourceType,
      rivetType: formatRivetType(spec.type),
      arrowType: arrowName(spec.type),
      fidelity: verdict.fidelity,
      reason: verdict.reason,
      override: spec.override,
      target: target === undefined ? undefined : targetMapping(target, spec.type),
    };
  });
  return {
    exportName,
    target,
    rows,
    violations: rows
      .filter((r) => altersValues(r.fidelity))
      .map((r) => `${r.column}: ${r.fidelity} — ${r.reason}`),
    targetFailures: rows
      .filter((r) => r.target?.status === 'fail')
      .map((r) => `${r.column}: ${r.target?.note ?? 'not loadable'}`),
  };
}

/** The report as upstream's JSON object (snake_case keys), one per export. */
export function typeReportJson(report: TypeReport): Record<string, unknown> {
  return {
    export: report.exportName,
    ...(report.target === undefined ? {} : { target: report.target }),
    columns: report.rows.map((r) => ({
      column: r.column,
      source_type: r.sourceType,
      rivet_type: r.rivetType ?? null,
      arrow_type: r.arrowType ?? null,
      fidelity: r.fidelity,
      reason: r.reason,
      ...(r.override === undefined ? {} : { override: r.override }),
      warnings: r.fidelity === 'exact' || r.fidelity === 'widened' ? [] : [r.reason],
      ...(r.target === undefined
        ? {}
        : {
            target_type: r.target.type,
            target_status: r.target.status,
            ...(r.target.note === undefined ? {} : { target_note: r.target.note }),
            ...(r.target.castSql === undefined
              ? {}
              : { cast_sql: r.target.castSql.replaceAll('{col}', r.column) }),
          }),
    })),
    violations: report.violations,
    target_failures: report.targetFailures,
  };
}
