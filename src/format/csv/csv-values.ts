/**
 * Layer: format/csv. The text of one non-NULL value of each canonical type, shared by
 * the CSV cells and the JSON arrays CSV uses for lists. Exact: decimals from their
 * integer words, int64 and timestamps from their 64-bit words, floats shortest round-trip.
 */
import type { ColumnData } from '../../types/column-data.js';
import { formatDecimal } from '../../types/decimal128.js';
import type { RivetType } from '../../types/rivet-type.js';
import { formatDate, formatTimeOfDay, formatTimestampWords } from '../../types/temporal.js';

export function float64Text(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  if (v === 0 && Object.is(v, -0)) return '-0';
  return String(v);
}

/** Shortest decimal text that reads back as the same float32 (not the widened double's digits). */
export function float32Text(v: number): string {
  if (!Number.isFinite(v) || v === 0) return float64Text(v);
  for (let digits = 1; digits < 10; digits++) {
    const text = v.toPrecision(digits);
    if (Math.fround(Number(text)) === v) return String(Number(text));
  }
  return String(v);
}

export function int64Text(words: Int32Array, row: number): string {
  const low = words[row * 2]!;
  const high = words[row * 2 + 1]!;
  if (high >= -0x20_0000 && high < 0x20_0000) return String(high * 0x1_0000_0000 + (low >>> 0));
  return ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
}

export function uuidText(data: Uint8Array, row: number): string {
  const hex = Buffer.from(data.buffer, data.byteOffset + row * 16, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Word view of an int64-backed column (no BigInt per value). */
export function int64Words(column: Extract<ColumnData, { layout: 'int64' }>): Int32Array {
  return new Int32Array(column.values.buffer, column.values.byteOffset, column.length * 2);
}

/**
 * Text of value `row` for scalar types; `undefined` for types whose text is their
 * bytes (utf8, json, enum, interval) — callers copy those bytes without decoding.
 */
export function scalarText(
  type: RivetType,
  column: ColumnData,
  row: number,
  words?: Int32Array,
): string | undefined {
  switch (column.layout) {
    case 'bool':
      return column.values[row] ? 'true' : 'false';
    case 'int16':
      return String(column.values[row]);
    case 'int32':
      return type.kind === 'date' ? formatDate(column.values[row]!) : String(column.values[row]);
    case 'float32':
      return float32Text(column.values[row]!);
    case 'float64':
      return float64Text(column.values[row]!);
    case 'int64': {
      const w = words ?? int64Words(column);
      if (type.kind === 'timestamp') return formatTimestampWords(w[row * 2]!, w[row * 2 + 1]!, type.utc);
      if (type.kind === 'time') return formatTimeOfDay(Number(column.values[row]));
      return int64Text(w, row);
    }
    case 'decimal128':
      return formatDecimal(column.words, row * 4, type.kind === 'decimal' ? type.scale : 0);
    case 'fixedBinary':
      return uuidText(column.data, row);
    case 'var':
      return type.kind === 'binary'
        ? Buffer.from(column.data.buffer, column.data.byteOffset, column.data.byteLength).toString(
            'hex',
            column.offsets[row]!,
            column.offsets[row + 1]!,
          )
        : undefined;
    case 'list':
      return undefined;
  }
}
