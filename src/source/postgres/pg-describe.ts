/**
 * Layer: source/postgres. Output columns of a relation from a `LIMIT 0` probe plus
 * the type catalog, with `columns:` overrides applied. Every unsupported column is
 * reported at once, before any file is written.
 */
import type pg from 'pg';
import { RivetError } from '../../common/errors.js';
import type { SourceRelation } from '../../contracts/run-plan.js';
import { type ColumnSpec, MAX_DECIMAL128_PRECISION, type RivetType } from '../../types/rivet-type.js';
import type { ColumnOverride } from '../source.js';
import { relationSql } from './pg-sql.js';
import { loadTypeCatalog } from './pg-type-info.js';
import { isScalarNumeric, mapPgType } from './pg-type-map.js';

export async function describeRelation(
  client: pg.Client,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnSpec[]> {
  const probe = await client.query({
    text: `SELECT * FROM ${relationSql(relation)} LIMIT 0`,
    rowMode: 'array',
  });
  const fields = probe.fields;
  const duplicates = fields.map((f) => f.name).filter((name, i, all) => all.indexOf(name) !== i);
  if (duplicates.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_DUPLICATE_COLUMN',
      `the result has duplicate column names: ${[...new Set(duplicates)].join(', ')}`,
      {
        hint: 'give every output column a unique name with `AS` in the query',
      },
    );
  }
  const catalog = await loadTypeCatalog(
    client,
    fields.map((f) => f.dataTypeID),
  );
  const spelled = await client.query<{ t: string }>(
    'SELECT pg_catalog.format_type(o, m) AS t FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS x(o, m, n) ORDER BY n',
    [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  );
  const overrideFor = new Map(overrides.map((o) => [o.column, o.type]));
  const unknownOverrides = overrides.filter((o) => !fields.some((f) => f.name === o.column));
  const problems: string[] = unknownOverrides.map((o) => `columns.${o.column}: no such column in the result`);
  const columns: ColumnSpec[] = [];
  fields.forEach((field, i) => {
    const sourceType = spelled.rows[i]?.t ?? String(field.dataTypeID);
    const override = overrideFor.get(field.name);
    const mapped = mapPgType(field.dataTypeID, field.dataTypeModifier, catalog);
    if (override !== undefined) {
      const applied = applyOverride(
        field.name,
        sourceType,
        override,
        mapped,
        isScalarNumeric(field.dataTypeID, catalog),
      );
      if (typeof applied === 'string') problems.push(applied);
      else columns.push(applied);
    } else if ('unsupported' in mapped) {
      problems.push(`column '${field.name}' (${sourceType}): ${mapped.unsupported}`);
    } else {
      columns.push({ name: field.name, type: mapped.type, sourceType });
    }
  });
  if (problems.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_TYPE_UNSUPPORTED',
      `cannot export every column exactly:\n  - ${problems.join('\n  - ')}`,
      {
        hint: 'add a `columns:` override per column (e.g. `amount: decimal(18,2)` for a bare numeric, `geom: text` for its text form)',
      },
    );
  }
  return columns;
}

const DECIMAL_OVERRIDE = /^(?:decimal|numeric)\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const TEXT_OVERRIDE = /^(?:text|string|varchar)$/i;

function applyOverride(
  name: string,
  sourceType: string,
  override: string,
  mapped: { type: RivetType } | { unsupported: string },
  scalarNumeric: boolean,
): ColumnSpec | string {
  if (TEXT_OVERRIDE.test(override))
    return { name, type: { kind: 'utf8' }, sourceType, readAsText: true, override };
  const decimal = DECIMAL_OVERRIDE.exec(override);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (!scalarNumeric) {
      return `columns.${name}: decimal override needs a (non-array) numeric column (the column is ${sourceType})`;
    }
    if (precision < 1 || precision > MAX_DECIMAL128_PRECISION || scale > precision) {
      return `columns.${name}: ${override} must have 1 ≤ precision ≤ 38 and scale ≤ precision`;
    }
    const declared = 'type' in mapped && mapped.type.kind === 'decimal' ? mapped.type : undefined;
    if (declared && (scale < declared.scale || precision - scale < declared.precision - declared.scale)) {
      return `columns.${name}: ${override} is narrower than the column's ${sourceType} and could lose digits`;
    }
    // Every value is checked against the override's precision and scale as it is decoded.
    return { name, type: { kind: 'decimal', precision, scale }, sourceType, override };
  }
  return `columns.${name}: override '${override}' is not supported yet (supported: decimal(p,s), numeric(p,s), text, string)`;
}
