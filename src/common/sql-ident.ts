/**
 * Layer: common. SQL identifier and literal quoting; every identifier that reaches
 * SQL text goes through here (an unquoted probe was a live injection finding upstream).
 */

/** Double-quoted identifier, inner quotes doubled (PostgreSQL, SQL standard). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const TABLE_SEGMENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Parses the upstream `table:` grammar: `name` or `schema.name`, unquoted identifiers only. */
export function parseTableName(value: string): { schema: string | undefined; name: string } | string {
  if (value.trim() === '') return "'table' is empty";
  const parts = value.split('.');
  if (parts.length > 2) return `'table' must be \`<name>\` or \`<schema>.<name>\` (got '${value}')`;
  for (const part of parts) {
    if (!/^[A-Za-z_]/.test(part)) {
      return `'table' segment '${part}' must start with a letter or underscore (use 'query:' for quoted identifiers)`;
    }
    if (!TABLE_SEGMENT.test(part)) return `'table' segment '${part}' contains non-identifier characters`;
  }
  return parts.length === 2 ? { schema: parts[0], name: parts[1]! } : { schema: undefined, name: parts[0]! };
}
