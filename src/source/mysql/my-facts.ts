/**
 * Layer: source/mysql. Table facts from information_schema: the best unique index on
 * NOT NULL columns (whole columns, no prefix or expression parts) whose values Rivet can
 * render back into an exact bound — the key of short keyset pages. Never a COUNT(*).
 */
import type mysql from 'mysql2';
import type { KeyColumn, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { metaQuery } from './my-query.js';

interface IndexPart {
  readonly index_name: string;
  readonly column_name: string | null;
  readonly sub_part: number | null;
  readonly nullable: string;
}

export async function readMyTableFacts(
  connection: mysql.Connection,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
): Promise<TableFacts> {
  if (relation.kind === 'query') return { uniqueKey: undefined };
  const schemaSql = relation.schema === undefined ? 'DATABASE()' : '?';
  const values = relation.schema === undefined ? [relation.name] : [relation.schema, relation.name];
  const parts = await uniqueIndexParts(connection, schemaSql, values);
  const byIndex = new Map<string, IndexPart[]>();
  for (const part of parts) byIndex.set(part.index_name, [...(byIndex.get(part.index_name) ?? []), part]);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const candidates = [...byIndex.entries()]
    .filter(([, index]) => index.every((part) => usablePart(part, byName)))
    .sort(([a, x], [b, y]) => rank(a) - rank(b) || x.length - y.length || a.localeCompare(b));
  const best = candidates[0];
  if (best === undefined) return { uniqueKey: undefined };
  const [index, indexParts] = best;
  return {
    uniqueKey: indexParts.map(
      (p) => ({ name: p.column_name!, type: byName.get(p.column_name!)!.type }) satisfies KeyColumn,
    ),
    keyIndex: index,
  };
}

/**
 * Unique index parts, leaving out indexes the optimizer may not use (FORCE INDEX on them
 * fails): MariaDB 10.6+ marks them `IGNORED`, MySQL 8 `IS_VISIBLE = 'NO'`; older servers
 * have neither column.
 */
async function uniqueIndexParts(
  connection: mysql.Connection,
  schemaSql: string,
  values: string[],
): Promise<IndexPart[]> {
  const query = (usable: string) =>
    metaQuery<IndexPart & Record<string, unknown>>(
      connection,
      `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS column_name, SUB_PART AS sub_part, NULLABLE AS nullable
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ${schemaSql} AND TABLE_NAME = ? AND NON_UNIQUE = 0${usable}
        ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      values,
    );
  const unknownColumn = (error: unknown) => (error as { errno?: number }).errno === 1054;
  try {
    return await query(" AND IGNORED = 'NO'");
  } catch (error) {
    if (!unknownColumn(error)) throw error;
  }
  try {
    return await query(" AND IS_VISIBLE = 'YES'");
  } catch (error) {
    if (!unknownColumn(error)) throw error;
  }
  return query('');
}

function rank(index: string): number {
  return index === 'PRIMARY' ? 0 : 1;
}

function usablePart(part: IndexPart, byName: ReadonlyMap<string, ColumnSpec>): boolean {
  if (part.column_name === null || part.sub_part !== null || part.nullable === 'YES') return false;
  const column = byName.get(part.column_name);
  return column !== undefined && isKeysetColumn(column);
}

/**
 * Integers (incl. BIGINT UNSIGNED as decimal(20,0)) and character/binary strings order
 * the same way in `ORDER BY` and `>`; ENUM and SET sort by their internal number,
 * dates and floats would need a rendered literal — those keys are not used.
 */
export function isKeysetColumn(column: ColumnSpec): boolean {
  if (column.readAsText || column.readAsWkb || column.override !== undefined) return false;
  const declared = column.sourceType.toLowerCase();
  switch (column.type.kind) {
    case 'int16':
    case 'int32':
    case 'int64':
      return !declared.startsWith('bit');
    case 'decimal':
      return column.type.scale === 0 && /^bigint/.test(declared);
    case 'utf8':
    case 'binary':
      return /^(?:var)?(?:char|binary)\b/.test(declared);
    default:
      return false;
  }
}
