/**
 * Layer: source/mysql. Table facts from information_schema: the best unique index on
 * NOT NULL columns (whole columns, no prefix or expression parts) whose values Rivet can
 * render back into an exact bound — the key of short keyset pages. Never a COUNT(*).
 */
import type mysql from 'mysql2';
import type { KeyColumn, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { byIndex, type IndexPart, usableIndexParts } from './my-index-parts.js';

export async function readMyTableFacts(
  connection: mysql.Connection,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
): Promise<TableFacts> {
  if (relation.kind === 'query') return { uniqueKey: undefined };
  const parts = await usableIndexParts(connection, relation, { uniqueOnly: true });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const candidates = [...byIndex(parts).entries()]
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
