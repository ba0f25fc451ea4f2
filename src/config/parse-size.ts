/**
 * Layer: config. The `max_file_size` grammar: a number (fractions allowed) with an
 * optional B/KB/MB/GB unit, case-insensitive, binary multiples; at least one byte.
 */

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = UNITS[match[2]!.toUpperCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes >= 1 ? bytes : undefined;
}
