/**
 * Layer: source/postgres. Table facts from the catalog: the best unique NOT NULL key
 * for keyset pages, and size estimates (never a COUNT(*) — that would scan the table).
 */
import pg from 'pg';
import type { KeyColumn, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { ColumnSpec, RivetTypeKind } from '../../types/rivet-type.js';
import { relationSql } from './pg-sql.js';

/** Key types whose values Rivet can render back into an exact SQL literal. */
const KEYSET_KINDS: ReadonlySet<RivetTypeKind> = new Set(['int16', 'int32', 'int64', 'utf8', 'uuid']);

interface IndexRow {
  readonly indisprimary: boolean;
  readonly columns: string[];
  readonly all_not_null: boolean;
}

export async function readTableFacts(
  client: pg.Client,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
): Promise<TableFacts> {
  if (relation.kind === 'query')
    return { uniqueKey: undefined, rowEstimate: undefined, bytesPerRowEstimate: undefined };
  const regclass = relationSql(relation);
  const indexes = await client.query<IndexRow>({
    types: pg.types,
    text: `SELECT i.indisprimary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns,
            bool_and(a.attnotnull) AS all_not_null
       FROM pg_catalog.pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indimmediate AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL AND k.attnum > 0
      GROUP BY i.indexrelid, i.indisprimary
      ORDER BY i.indisprimary DESC, count(*), i.indexrelid`,
    values: [regclass],
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const usable = indexes.rows.find(
    (row) =>
      row.all_not_null &&
      row.columns.every((name) => {
        const column = byName.get(name);
        return column !== undefined && !column.readAsText && KEYSET_KINDS.has(column.type.kind);
      }),
  );
  const uniqueKey: KeyColumn[] | undefined = usable?.columns.map((name) => ({
    name,
    type: byName.get(name)!.type,
  }));
  const size = await client.query<{ reltuples: string; bytes: string }>(
    `SELECT c.reltuples::int8::text AS reltuples, pg_catalog.pg_table_size(c.oid)::text AS bytes
       FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`,
    [regclass],
  );
  const row = size.rows[0];
  const rowEstimate = row && Number(row.reltuples) >= 0 ? Number(row.reltuples) : undefined;
  const bytesPerRowEstimate =
    row && rowEstimate !== undefined && rowEstimate > 0
      ? Math.ceil(Number(row.bytes) / rowEstimate)
      : undefined;
  return { uniqueKey, rowEstimate, bytesPerRowEstimate };
}
