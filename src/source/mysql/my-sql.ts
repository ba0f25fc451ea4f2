/**
 * Layer: source/mysql. SQL text for MySQL/MariaDB reads: backtick identifiers, the
 * select list (FLOAT widened to DOUBLE, `text` overrides cast to CHAR), and keyset
 * predicates in the expanded OR form — MariaDB runs a row comparison `(a, b) > (?, ?)`
 * as a full index scan, but the OR form as a range scan (checked with EXPLAIN).
 */
import type { KeyColumn, ReadWindow, SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { andWhere, type WindowDialect, windowPredicate } from '../window-sql.js';

export function quoteMyIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function relationSql(relation: SourceRelation): string {
  // Newlines keep a trailing `-- comment` in the user's SQL from swallowing the wrapper.
  if (relation.kind === 'query') return `(\n${relation.sql}\n) AS _rivet`;
  const name = quoteMyIdent(relation.name);
  return relation.schema === undefined ? name : `${quoteMyIdent(relation.schema)}.${name}`;
}

/**
 * How a column is selected: FLOAT is printed with 6 digits by the text protocol, so it
 * is read widened to DOUBLE (exact); BIT(1) converted by an override is read as digits.
 */
function readExpression(spec: ColumnSpec): string {
  const column = quoteMyIdent(spec.name);
  if (spec.readAsText) return `CAST(${column} AS CHAR) AS ${column}`;
  if (spec.readAsWkb) return `ST_AsBinary(${column}) AS ${column}`;
  const source = spec.convert?.from ?? spec.type;
  if (source.kind === 'float32') return `(${column} + 0e0) AS ${column}`;
  // BIT(1) read as a number; wider BIT columns stay bytes (e.g. for a uuid override).
  if (spec.convert?.from.kind === 'bool' && /^bit/i.test(spec.sourceType))
    return `(${column} + 0) AS ${column}`;
  return column;
}

export function selectList(columns: readonly ColumnSpec[]): string {
  return columns.map(readExpression).join(', ');
}

/** A statement and the values of its `?` placeholders, in order. */
export interface MyStatement {
  readonly sql: string;
  readonly values: unknown[];
}

const EXACT_NUMBER = /^-?\d+(?:\.\d+)?$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;

/**
 * How a probe prints a value of `column` so that `myWindowDialect` can render it back
 * exactly: binary as hex, FLOAT widened to DOUBLE (CAST would print 6 digits), else text.
 */
export function probeText(expression: string, column: ColumnSpec | undefined): string {
  if (column?.type.kind === 'binary') return `HEX(${expression})`;
  if (column?.type.kind === 'float32') return `CAST((${expression}) + 0e0 AS CHAR)`;
  return `CAST(${expression} AS CHAR)`;
}

/**
 * Window values: numbers inline as the server's own digits (a string parameter would be
 * compared as DOUBLE, inexact past 2^53); everything else bound, so the server converts
 * it to the column's type (dates, datetimes in the pinned UTC session, strings).
 */
export function myWindowDialect(values: unknown[]): WindowDialect {
  return {
    quote: quoteMyIdent,
    literal: (value, column) => {
      const numeric = column !== undefined && /^(?:int|uint|decimal|float)/.test(column.type.kind);
      if (numeric && EXACT_NUMBER.test(value)) return value;
      // Binary values travel as hex (the probes print HEX()): bytes, not text in some charset.
      if (column?.type.kind === 'binary' && HEX.test(value)) return `X'${value}'`;
      values.push(value);
      return '?';
    },
  };
}

export function myWindowPredicate(
  window: ReadWindow | undefined,
  columns: readonly ColumnSpec[],
  values: unknown[],
): string | undefined {
  return window === undefined ? undefined : windowPredicate(window, columns, myWindowDialect(values));
}

export function selectSql(
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
  window?: ReadWindow,
): MyStatement {
  const values: unknown[] = [];
  const where = andWhere(myWindowPredicate(window, columns, values));
  return { sql: `SELECT ${selectList(columns)} FROM ${relationSql(relation)}${where}`, values };
}

/** A key value of the last row read: integers inline (exact digits), text and bytes bound. */
export type KeyBound = { readonly inline: string } | { readonly bind: string | Buffer };

/**
 * One keyset page: rows strictly after `after` in key order. For keys (a, b, c):
 * `a > ? OR (a = ? AND b > ?) OR (a = ? AND b = ? AND c > ?)`. Integers are inlined
 * because MySQL compares a BIGINT with a string parameter as DOUBLE (inexact past 2^53).
 */
export function keysetPage(
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
  key: readonly KeyColumn[],
  index: string | undefined,
  after: readonly KeyBound[] | undefined,
  limit: number,
  window?: ReadWindow,
): MyStatement {
  const names = key.map((k) => quoteMyIdent(k.name));
  // FORCE INDEX: on a small or skewed table the optimizer may prefer a scan plus a sort,
  // which turns every page into a full-table statement.
  const from =
    index === undefined
      ? relationSql(relation)
      : `${relationSql(relation)} FORCE INDEX (${quoteMyIdent(index)})`;
  const select = `SELECT ${selectList(columns)} FROM ${from}`;
  const order = ` ORDER BY ${names.join(', ')} LIMIT ${limit}`;
  const values: unknown[] = [];
  if (after === undefined) {
    const where = andWhere(myWindowPredicate(window, columns, values));
    return { sql: `${select}${where}${order}`, values };
  }
  const operand = (bound: KeyBound): string => {
    if ('inline' in bound) return bound.inline;
    values.push(bound.bind);
    return '?';
  };
  const terms = names.map((name, i) => {
    const equal = names.slice(0, i).map((n, j) => `${n} = ${operand(after[j]!)}`);
    return [...equal, `${name} > ${operand(after[i]!)}`].join(' AND ');
  });
  const seek = terms.length === 1 ? terms[0]! : terms.map((t) => `(${t})`).join(' OR ');
  // Placeholders are numbered by position: the seek's values come first, then the window's.
  const where = andWhere(seek, myWindowPredicate(window, columns, values));
  return { sql: `${select}${where}${order}`, values };
}
