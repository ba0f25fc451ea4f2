/**
 * Layer: source (shared by the adapters). Described result columns + `columns:`
 * overrides → the ColumnSpecs of an export. The rules every engine shares live here:
 * unique names, overrides naming real columns, which overrides apply to which source
 * types (and how faithfully), and one error listing every column that cannot be exported.
 */
import { RivetError } from '../common/errors.js';
import { parseOverrideType } from '../types/override-type.js';
import type { ColumnSpec, RivetType } from '../types/rivet-type.js';
import { conversionFidelity, type FidelityVerdict } from '../types/type-fidelity.js';
import type { ColumnOutcome, ColumnOverride } from './source.js';

export type { ColumnOutcome };

/** One result column as the adapter understood it. */
export interface DescribedColumn {
  readonly name: string;
  /** The source's spelling of the type, for messages and metadata. */
  readonly sourceType: string;
  readonly mapped:
    | {
        readonly type: RivetType;
        readonly readAsText?: true;
        readonly readAsWkb?: true;
        /** Set when the mapping is not exact (a widened or re-encoded type). */
        readonly fidelity?: FidelityVerdict;
      }
    | { readonly unsupported: string };
  /** Whether a `decimal(p,s)` override may apply (the column is a scalar decimal/numeric). */
  readonly decimalOverridable: boolean;
}

export interface OverrideRules {
  /** The hint of the unsupported-columns error. */
  readonly hint: string;
}

/** Every column's spec or problem, plus overrides naming no column (as problems). */
export function columnOutcomes(
  described: readonly DescribedColumn[],
  overrides: readonly ColumnOverride[],
): ColumnOutcome[] {
  assertUniqueNames(described.map((c) => c.name));
  const overrideFor = new Map(overrides.map((o) => [o.column, o]));
  const outcomes: ColumnOutcome[] = described.map((column) => {
    const override = overrideFor.get(column.name);
    const result =
      override !== undefined
        ? applyOverride(column, override)
        : 'unsupported' in column.mapped
          ? `column '${column.name}' (${column.sourceType}): ${column.mapped.unsupported}`
          : {
              name: column.name,
              type: column.mapped.type,
              sourceType: column.sourceType,
              ...(column.mapped.readAsText && { readAsText: true }),
              ...(column.mapped.readAsWkb && { readAsWkb: true }),
              fidelity: column.mapped.fidelity ?? defaultFidelity(column.mapped),
            };
    const base = { name: column.name, sourceType: column.sourceType };
    return typeof result === 'string' ? { ...base, problem: result } : { ...base, spec: result };
  });
  for (const o of overrides) {
    if (!described.some((c) => c.name === o.column)) {
      outcomes.push({
        name: o.column,
        sourceType: '—',
        problem: `columns.${o.column}: no such column in the result`,
      });
    }
  }
  return outcomes;
}

export function columnSpecs(
  described: readonly DescribedColumn[],
  overrides: readonly ColumnOverride[],
  rules: OverrideRules,
): ColumnSpec[] {
  const outcomes = columnOutcomes(described, overrides);
  const problems = outcomes.flatMap((o) => (o.problem === undefined ? [] : [o.problem]));
  if (problems.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_TYPE_UNSUPPORTED',
      `cannot export every column exactly:\n  - ${problems.join('\n  - ')}`,
      { hint: rules.hint },
    );
  }
  return outcomes.flatMap((o) => (o.spec === undefined ? [] : [o.spec]));
}

/** Re-encoded types keep every value in another form; everything else maps natively. */
function defaultFidelity(mapped: { type: RivetType; readAsText?: true; readAsWkb?: true }): FidelityVerdict {
  if (mapped.readAsWkb) return { fidelity: 'compatible', reason: 'well-known binary (WKB) of the geometry' };
  if (mapped.readAsText) return { fidelity: 'compatible', reason: "the server's own text form" };
  switch (mapped.type.kind) {
    case 'interval':
      return { fidelity: 'compatible', reason: 'an ISO-8601 duration as text' };
    case 'enum':
      return { fidelity: 'compatible', reason: 'the label as text' };
    case 'json':
      return { fidelity: 'compatible', reason: 'JSON text (Parquet JSON logical type)' };
    default:
      return { fidelity: 'exact', reason: 'native type' };
  }
}

function assertUniqueNames(names: readonly string[]): void {
  const duplicates = names.filter((name, i, all) => all.indexOf(name) !== i);
  if (duplicates.length === 0) return;
  throw new RivetError(
    'RIVET_SOURCE_DUPLICATE_COLUMN',
    `the result has duplicate column names: ${[...new Set(duplicates)].join(', ')}`,
    { hint: 'give every output column a unique name with `AS` in the query' },
  );
}

function applyOverride(column: DescribedColumn, override: ColumnOverride): ColumnSpec | string {
  const { name, sourceType } = column;
  const spelled = override.type;
  const parsed = parseOverrideType(spelled);
  if (parsed.kind === 'invalid') return `columns.${name}: ${parsed.reason}`;
  if (parsed.kind === 'text') {
    const fidelity: FidelityVerdict = { fidelity: 'compatible', reason: "the server's own text form" };
    return { name, type: { kind: 'utf8' }, sourceType, readAsText: true, override: spelled, fidelity };
  }
  const to = parsed.type;
  const declared = 'type' in column.mapped ? column.mapped.type : undefined;
  if (to.kind === 'decimal' && column.decimalOverridable)
    return decimalOverride(column, override, to, declared);
  if (declared === undefined) {
    return `columns.${name}: override '${spelled}' cannot apply to ${sourceType}: the type has no mapping to convert from (\`text\` exports its text form)`;
  }
  const from = declared;
  const verdict = conversionFidelity(from, to);
  const refused = refusal(verdict, override, sourceType);
  if (refused !== undefined) return `columns.${name}: ${refused}`;
  if (verdict.fidelity === 'exact' && 'type' in column.mapped) {
    // The column's own reading (e.g. WKB through ST_AsBinary) stays: only the type was restated.
    const { readAsText, readAsWkb } = column.mapped;
    const reading = { ...(readAsText && { readAsText: true }), ...(readAsWkb && { readAsWkb: true }) };
    return {
      name,
      type: to,
      sourceType,
      override: spelled,
      ...reading,
      fidelity: column.mapped.fidelity ?? verdict,
    };
  }
  // Binary values arrive as raw bytes (no text form to parse), which only a UUID reads.
  const input = from.kind === 'binary' && to.kind === 'uuid' ? 'bytes' : 'text';
  const convert = { from, input, lossy: verdict.fidelity === 'lossy' } as const;
  return { name, type: to, sourceType, override: spelled, convert, fidelity: verdict };
}

/** Why an override cannot apply, or undefined when it can. */
function refusal(verdict: FidelityVerdict, override: ColumnOverride, sourceType: string): string | undefined {
  if (verdict.fidelity === 'unsupported')
    return `override '${override.type}' cannot apply to ${sourceType}: ${verdict.reason}`;
  if (verdict.fidelity === 'lossy' && override.strict) {
    return `override '${override.type}' on ${sourceType} is lossy (${verdict.reason}), which --strict refuses`;
  }
  if (verdict.fidelity === 'lossy' && !override.allowLossy) {
    return `override '${override.type}' on ${sourceType} is lossy (${verdict.reason}); set \`allow_lossy: true\` on the export to accept that`;
  }
  return undefined;
}

/**
 * A decimal override on a decimal/numeric column is decoded natively with each value
 * checked against it; only rounding (a narrower scale, under `allow_lossy`) goes through text.
 */
function decimalOverride(
  column: DescribedColumn,
  override: ColumnOverride,
  to: { kind: 'decimal'; precision: number; scale: number },
  declared: RivetType | undefined,
): ColumnSpec | string {
  const { name, sourceType } = column;
  const spelled = override.type;
  const verdict: FidelityVerdict =
    declared?.kind === 'decimal'
      ? conversionFidelity(declared, to)
      : override.allowLossy && !override.strict
        ? { fidelity: 'lossy', reason: `fractions beyond ${to.scale} digits are rounded` }
        : {
            fidelity: 'checked',
            reason: `every value must fit ${spelled} exactly (the column declares no precision)`,
          };
  const refused = refusal(verdict, override, sourceType);
  if (refused !== undefined) return `columns.${name}: ${refused}`;
  if (verdict.fidelity !== 'lossy')
    return { name, type: to, sourceType, override: spelled, fidelity: verdict };
  const convert = { from: declared ?? to, input: 'text', lossy: true } as const;
  return { name, type: to, sourceType, override: spelled, convert, fidelity: verdict };
}
