/**
 * Layer: source/postgres. Table facts from the catalog: the best unique NOT NULL key
 * whose index can serve `ORDER BY key` for keyset pages (never a COUNT(*)).
 */
import pg from 'pg';
import type { KeyColumn, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { ColumnSpec, RivetTypeKind } from '../../types/rivet-type.js';
import { relationSql } from './pg-sql.js';

/** Key types whose values Rivet can render back into an exact SQL literal. */
const KEYSET_KINDS: ReadonlySet<RivetTypeKind> = new Set(['int16', 'int32', 'int64', 'utf8', 'uuid']);

interface IndexRow {
  readonly columns: string[];
  readonly all_not_null: boolean;
  /** Every key column uses its type's default operator class and the column's own collation. */
  readonly orders_like_column: boolean;
}

export async function readTableFacts(
  client: pg.Client,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
): Promise<TableFacts> {
  if (relation.kind === 'query') return { uniqueKey: undefined };
  // A unique index with text_pattern_ops or another collation cannot serve `ORDER BY key`:
  // every page would become a full scan plus a sort.
  const indexes = await client.query<IndexRow>({
    types: pg.types,
    text: `SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns,
                  bool_and(a.attnotnull) AS all_not_null,
                  bool_and(opc.opcdefault AND coalesce(i.indcollation[k.ord - 1], 0) = a.attcollation) AS orders_like_column
             FROM pg_catalog.pg_index i
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k.ord - 1]
            WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indimmediate AND i.indisvalid
              AND i.indpred IS NULL AND i.indexprs IS NULL AND k.attnum > 0
            GROUP BY i.indexrelid, i.indisprimary
            ORDER BY i.indisprimary DESC, count(*), i.indexrelid`,
    values: [relationSql(relation)],
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const usable = indexes.rows.find(
    (row) =>
      row.all_not_null &&
      row.orders_like_column &&
      row.columns.every((name) => {
        const column = byName.get(name);
        return (
          column !== undefined && !column.readAsText && !column.convert && KEYSET_KINDS.has(column.type.kind)
        );
      }),
  );
  return {
    uniqueKey: usable?.columns.map((name) => ({ name, type: byName.get(name)!.type }) satisfies KeyColumn),
  };
}
