/**
 * Layer: source/mysql. Declared column types from `SHOW CREATE TABLE` text. Rivet reads
 * them from there rather than information_schema.COLUMNS because, on MariaDB, every
 * query on COLUMNS or CHECK_CONSTRAINTS materialises an on-disk temporary table
 * (their LONGTEXT columns), and an extraction should not touch the server's disk.
 */

export interface DeclaredColumn {
  /** `bigint(20) unsigned`, `enum('a','b')`, … as the server spells it. */
  readonly columnType: string;
  /** MariaDB JSON: a LONGTEXT with a `json_valid(col)` check; MySQL's own `json` type. */
  readonly json: boolean;
}

const COLUMN_LINE = /^\s+`((?:[^`]|``)+)`\s+(.*)$/;
const JSON_CHECK = /json_valid\(`((?:[^`]|``)+)`\)/gi;

export function parseCreateTable(sql: string): Map<string, DeclaredColumn> {
  const jsonColumns = new Set([...sql.matchAll(JSON_CHECK)].map((m) => unquote(m[1]!)));
  const columns = new Map<string, DeclaredColumn>();
  for (const line of sql.split('\n')) {
    const match = COLUMN_LINE.exec(line);
    if (match === null) continue;
    const name = unquote(match[1]!);
    const columnType = leadingType(match[2]!);
    columns.set(name, { columnType, json: jsonColumns.has(name) || /^json\b/i.test(columnType) });
  }
  return columns;
}

function unquote(name: string): string {
  return name.replace(/``/g, '`');
}

/** The type at the start of a column definition: a word, its `(…)` (quotes honoured), unsigned/zerofill. */
function leadingType(definition: string): string {
  const word = /^[a-z]+/i.exec(definition)?.[0] ?? '';
  let end = word.length;
  if (definition[end] === '(') end = closingParen(definition, end) + 1;
  const rest = /^(?:\s+(?:unsigned|zerofill))+/i.exec(definition.slice(end))?.[0] ?? '';
  return definition.slice(0, end + rest.length);
}

function closingParen(text: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "'" && text[i + 1] === "'") i++;
      else if (c === '\\') i++;
      else if (c === "'") quoted = false;
    } else if (c === "'") quoted = true;
    else if (c === ')') return i;
  }
  return text.length - 1;
}
