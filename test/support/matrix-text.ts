/**
 * Test support: how the type-matrix suites render a cell read back by a reader (its
 * canonical text) and a value in a mismatch message (cut after 80 characters).
 */

export function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

export function preview(value: string | null): string {
  return value === null
    ? 'NULL'
    : JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value);
}
