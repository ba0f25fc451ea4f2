/**
 * Layer: source/postgres. SQL text for reads: the select list (with `::text` casts
 * for text overrides), the relation, and keyset predicates with inlined literals
 * (COPY cannot take bind parameters, so every literal is rendered here, escaped).
 */
import { quoteIdent } from '../../common/sql-ident.js';
import type { KeyColumn, ReadWindow, SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { andWhere, type WindowDialect, windowPredicate } from '../window-sql.js';

/** Values are inlined as untyped `E'…'` literals: PostgreSQL coerces them to the column's type, exactly. */
export const PG_WINDOW_DIALECT: WindowDialect = {
  quote: quoteIdent,
  literal: (value) => escapeLiteral(value),
};

export function pgWindowPredicate(
  window: ReadWindow | undefined,
  columns: readonly ColumnSpec[],
): string | undefined {
  return window === undefined ? undefined : windowPredicate(window, columns, PG_WINDOW_DIALECT);
}

/** `table:` names are unquoted identifiers upstream, so PostgreSQL folds them to lower case. */
export function relationSql(relation: SourceRelation): string {
  // Newlines keep a trailing `-- comment` in the user's SQL from swallowing the wrapper.
  if (relation.kind === 'query') return `(\n${relation.sql}\n) AS _rivet`;
  const name = quoteIdent(relation.name.toLowerCase());
  return relation.schema === undefined ? name : `${quoteIdent(relation.schema.toLowerCase())}.${name}`;
}

export function selectList(columns: readonly ColumnSpec[]): string {
  return columns.map(readExpression).join(', ');
}

/**
 * A text-form column is cast to text (an array of them to text[], keeping the list), and
 * so is a column an override converts from text; a binary one is converted from its bytes.
 */
function readExpression(column: ColumnSpec): string {
  const name = quoteIdent(column.name);
  if (column.convert?.input === 'text') return `${name}::text AS ${name}`;
  if (!column.readAsText) return name;
  const cast = column.type.kind === 'list' && column.override === undefined ? 'text[]' : 'text';
  return `${name}::${cast} AS ${name}`;
}

export function selectSql(
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
  window?: ReadWindow,
): string {
  const where = andWhere(undefined, pgWindowPredicate(window, columns));
  return `SELECT ${selectList(columns)} FROM ${relationSql(relation)}${where}`;
}

/** E'…' literal: backslash and quote escaped, valid whatever standard_conforming_strings says. */
export function escapeLiteral(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One keyset page: rows of the window strictly after `after` (rendered literals) in key order. */
export function keysetPageSql(
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
  key: readonly KeyColumn[],
  after: readonly string[] | undefined,
  limit: number,
  window?: ReadWindow,
): string {
  const keyList = key.map((k) => quoteIdent(k.name)).join(', ');
  const seek = after === undefined ? undefined : `(${keyList}) > (${after.join(', ')})`;
  const where = andWhere(seek, pgWindowPredicate(window, columns));
  return `SELECT ${selectList(columns)} FROM ${relationSql(relation)}${where} ORDER BY ${keyList} LIMIT ${limit}`;
}
