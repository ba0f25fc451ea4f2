/**
 * Layer: source. A ReadWindow as SQL, for any dialect: the expression (a column or
 * `COALESCE(column, fallback)`) compared with values the source itself printed. Each
 * dialect says how to quote a name and how to render a value exactly.
 */
import type { ReadWindow } from '../contracts/run-plan.js';
import type { ColumnSpec } from '../types/rivet-type.js';

export interface WindowDialect {
  quote(name: string): string;
  /** The value as SQL: a literal, or a placeholder whose value the dialect collects. */
  literal(value: string, column: ColumnSpec | undefined): string;
}

export function windowExpression(window: Pick<ReadWindow, 'columns'>, dialect: WindowDialect): string {
  const [column, fallback] = window.columns;
  return fallback === undefined
    ? dialect.quote(column)
    : `COALESCE(${dialect.quote(column)}, ${dialect.quote(fallback)})`;
}

/** `expr > v AND expr <= w`, or `expr IS NULL`; `TRUE`-free: an empty window is no predicate. */
export function windowPredicate(
  window: ReadWindow,
  columns: readonly ColumnSpec[],
  dialect: WindowDialect,
): string | undefined {
  const expression = windowExpression(window, dialect);
  if (window.nulls === 'only') return `${expression} IS NULL`;
  if (window.bounds.length === 0) return undefined;
  const column = columns.find((c) => c.name === window.columns[0]);
  return window.bounds
    .map((bound) => `${expression} ${bound.op} ${dialect.literal(bound.value, column)}`)
    .join(' AND ');
}

/** ` WHERE a AND b …` of the defined terms, or '' when there is none. */
export function andWhere(...given: (string | undefined)[]): string {
  const terms = given.filter((t): t is string => t !== undefined && t !== '');
  if (terms.length === 0) return '';
  return ` WHERE ${terms.map((t) => (terms.length > 1 ? `(${t})` : t)).join(' AND ')}`;
}
