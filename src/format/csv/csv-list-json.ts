/**
 * Layer: format/csv. CSV has no list type: a list cell is written as a JSON array
 * (`[1,null,3]`, `["a","b"]`), numbers as exact JSON numbers, everything else as
 * JSON strings, and JSON elements embedded as they are.
 */
import { type ColumnData, isValid } from '../../types/column-data.js';
import type { RivetType } from '../../types/rivet-type.js';
import { int64Words, scalarText } from './csv-values.js';

const NUMERIC_KINDS = new Set(['int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'bool']);

export function listJson(
  item: RivetType,
  list: Extract<ColumnData, { layout: 'list' }>,
  row: number,
): string {
  const child = list.child;
  const words = child.layout === 'int64' ? int64Words(child) : undefined;
  const parts: string[] = [];
  for (let i = list.offsets[row]!; i < list.offsets[row + 1]!; i++) {
    if (!isValid(child.validity, i)) {
      parts.push('null');
      continue;
    }
    const text = scalarText(item, child, i, words) ?? varText(child, i);
    if (item.kind === 'json') parts.push(text);
    // Numbers and booleans are JSON literals; NaN / inf / -inf are not, so they stay strings.
    else if (NUMERIC_KINDS.has(item.kind) && /^(?:-?\d|true$|false$)/.test(text)) parts.push(text);
    else parts.push(JSON.stringify(text));
  }
  return `[${parts.join(',')}]`;
}

function varText(column: ColumnData, row: number): string {
  if (column.layout !== 'var') return '';
  return Buffer.from(column.data.buffer, column.data.byteOffset, column.data.byteLength).toString(
    'utf8',
    column.offsets[row]!,
    column.offsets[row + 1]!,
  );
}
