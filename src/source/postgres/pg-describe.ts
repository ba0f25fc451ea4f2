/**
 * Layer: source/postgres. Output columns of a relation from a `LIMIT 0` probe plus
 * the type catalog, with `columns:` overrides applied. Every unsupported column is
 * reported at once, before any file is written.
 */
import type pg from 'pg';
import type { SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { type ColumnOutcome, columnOutcomes, columnSpecs, type DescribedColumn } from '../column-specs.js';
import type { ColumnOverride } from '../source.js';
import { relationSql } from './pg-sql.js';
import { loadTypeCatalog } from './pg-type-info.js';
import { isScalarNumeric, mapPgType } from './pg-type-map.js';

const HINT =
  'add a `columns:` override per column (e.g. `amount: decimal(18,2)` for a bare numeric, `geom: text` for its text form)';

export async function describeRelation(
  client: pg.Client,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnSpec[]> {
  return columnSpecs(await describedColumns(client, relation), overrides, { hint: HINT });
}

/** Every column with its spec or the reason it cannot be exported (the type report). */
export async function inspectRelation(
  client: pg.Client,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnOutcome[]> {
  return columnOutcomes(await describedColumns(client, relation), overrides);
}

async function describedColumns(client: pg.Client, relation: SourceRelation): Promise<DescribedColumn[]> {
  const probe = await client.query({
    text: `SELECT * FROM ${relationSql(relation)} LIMIT 0`,
    rowMode: 'array',
  });
  const fields = probe.fields;
  const catalog = await loadTypeCatalog(
    client,
    fields.map((f) => f.dataTypeID),
  );
  const spelled = await client.query<{ t: string }>(
    'SELECT pg_catalog.format_type(o, m) AS t FROM unnest($1::oid[], $2::int4[]) WITH ORDINALITY AS x(o, m, n) ORDER BY n',
    [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  );
  return fields.map((field, i) => ({
    name: field.name,
    sourceType: spelled.rows[i]?.t ?? String(field.dataTypeID),
    mapped: mapPgType(field.dataTypeID, field.dataTypeModifier, catalog),
    decimalOverridable: isScalarNumeric(field.dataTypeID, catalog),
  }));
}
