/**
 * Layer: source (shared by the adapters). Described result columns + `columns:`
 * overrides → the ColumnSpecs of an export. The rules every engine shares live here:
 * unique names, overrides naming real columns, `text` and `decimal(p,s)` overrides, and
 * one error listing every column that cannot be exported exactly.
 */
import { RivetError } from '../common/errors.js';
import { type ColumnSpec, MAX_DECIMAL128_PRECISION, type RivetType } from '../types/rivet-type.js';
import type { ColumnOverride } from './source.js';

/** One result column as the adapter understood it. */
export interface DescribedColumn {
  readonly name: string;
  /** The source's spelling of the type, for messages and metadata. */
  readonly sourceType: string;
  readonly mapped:
    | { readonly type: RivetType; readonly readAsText?: true; readonly readAsWkb?: true }
    | { readonly unsupported: string };
  /** Whether a `decimal(p,s)` override may apply (the column is a scalar decimal/numeric). */
  readonly decimalOverridable: boolean;
}

export interface OverrideRules {
  /** What a decimal override needs, for the message (e.g. `a DECIMAL column`). */
  readonly decimalNeeds: string;
  /** Engine-specific overrides; undefined when `override` is not one of them. */
  readonly extra?: (column: DescribedColumn, override: string) => ColumnSpec | string | undefined;
  /** The override list in the "not supported" message. */
  readonly supported: string;
  /** The hint of the unsupported-columns error. */
  readonly hint: string;
}

const DECIMAL_OVERRIDE = /^(?:decimal|numeric)\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const TEXT_OVERRIDE = /^(?:text|string|varchar)$/i;

export function columnSpecs(
  described: readonly DescribedColumn[],
  overrides: readonly ColumnOverride[],
  rules: OverrideRules,
): ColumnSpec[] {
  assertUniqueNames(described.map((c) => c.name));
  const overrideFor = new Map(overrides.map((o) => [o.column, o.type]));
  const problems: string[] = overrides
    .filter((o) => !described.some((c) => c.name === o.column))
    .map((o) => `columns.${o.column}: no such column in the result`);
  const columns: ColumnSpec[] = [];
  for (const column of described) {
    const override = overrideFor.get(column.name);
    const result =
      override !== undefined
        ? applyOverride(column, override, rules)
        : 'unsupported' in column.mapped
          ? `column '${column.name}' (${column.sourceType}): ${column.mapped.unsupported}`
          : {
              name: column.name,
              type: column.mapped.type,
              sourceType: column.sourceType,
              ...(column.mapped.readAsText && { readAsText: true }),
              ...(column.mapped.readAsWkb && { readAsWkb: true }),
            };
    if (typeof result === 'string') problems.push(result);
    else columns.push(result);
  }
  if (problems.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_TYPE_UNSUPPORTED',
      `cannot export every column exactly:\n  - ${problems.join('\n  - ')}`,
      { hint: rules.hint },
    );
  }
  return columns;
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

function applyOverride(column: DescribedColumn, override: string, rules: OverrideRules): ColumnSpec | string {
  const { name, sourceType } = column;
  if (TEXT_OVERRIDE.test(override))
    return { name, type: { kind: 'utf8' }, sourceType, readAsText: true, override };
  const extra = rules.extra?.(column, override);
  if (extra !== undefined) return extra;
  const decimal = DECIMAL_OVERRIDE.exec(override);
  if (decimal === null) {
    return `columns.${name}: override '${override}' is not supported yet (supported: ${rules.supported})`;
  }
  const precision = Number(decimal[1]);
  const scale = Number(decimal[2]);
  if (!column.decimalOverridable) {
    return `columns.${name}: decimal override needs ${rules.decimalNeeds} (the column is ${sourceType})`;
  }
  if (precision < 1 || precision > MAX_DECIMAL128_PRECISION || scale > precision) {
    return `columns.${name}: ${override} must have 1 ≤ precision ≤ 38 and scale ≤ precision`;
  }
  const declared =
    'type' in column.mapped && column.mapped.type.kind === 'decimal' ? column.mapped.type : undefined;
  if (declared && (scale < declared.scale || precision - scale < declared.precision - declared.scale)) {
    return `columns.${name}: ${override} is narrower than the column's ${sourceType} and could lose digits`;
  }
  // Every value is checked against the override's precision and scale as it is decoded.
  return { name, type: { kind: 'decimal', precision, scale }, sourceType, override };
}
