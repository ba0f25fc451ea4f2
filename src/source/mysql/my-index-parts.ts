/**
 * Layer: source/mysql. The parts of a table's indexes from information_schema, in index
 * order, leaving out indexes the optimizer may not use (FORCE INDEX on them fails):
 * MariaDB 10.6+ marks them `IGNORED`, MySQL 8 `IS_VISIBLE = 'NO'`; older servers have
 * neither column.
 */
import type mysql from 'mysql2';
import type { SourceRelation } from '../../contracts/run-plan.js';
import { metaQuery } from './my-query.js';

export interface IndexPart {
  readonly index_name: string;
  readonly column_name: string | null;
  readonly sub_part: number | null;
  readonly nullable: string;
}

export async function usableIndexParts(
  connection: mysql.Connection,
  relation: Extract<SourceRelation, { kind: 'table' }>,
  options: { readonly uniqueOnly: boolean },
): Promise<IndexPart[]> {
  const schemaSql = relation.schema === undefined ? 'DATABASE()' : '?';
  const values = relation.schema === undefined ? [relation.name] : [relation.schema, relation.name];
  const unique = options.uniqueOnly ? ' AND NON_UNIQUE = 0' : '';
  const query = (usable: string) =>
    metaQuery<IndexPart & Record<string, unknown>>(
      connection,
      `SELECT INDEX_NAME AS index_name, COLUMN_NAME AS column_name, SUB_PART AS sub_part, NULLABLE AS nullable
         FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ${schemaSql} AND TABLE_NAME = ?${unique}${usable}
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

/** Parts grouped by index name, each index's parts in order. */
export function byIndex(parts: readonly IndexPart[]): Map<string, IndexPart[]> {
  const grouped = new Map<string, IndexPart[]>();
  for (const part of parts) grouped.set(part.index_name, [...(grouped.get(part.index_name) ?? []), part]);
  return grouped;
}
