import { describe, expect, it } from 'vitest';
import { createBuilder } from './column-builder.js';
import type { Batch, ColumnData } from './column-data.js';
import { copyRows } from './copy-rows.js';
import type { DecimalBuilder, FixedBytesBuilder, NumberBuilder } from './fixed-builders.js';
import type { ColumnSpec } from './rivet-type.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'b', type: { kind: 'bool' }, sourceType: 'bool' },
  { name: 'f', type: { kind: 'float64' }, sourceType: 'float8' },
  { name: 'd', type: { kind: 'decimal', precision: 10, scale: 2 }, sourceType: 'numeric(10,2)' },
  { name: 'u', type: { kind: 'uuid' }, sourceType: 'uuid' },
];

function batch(values: readonly (number | null)[]): Batch {
  const [b, f, d, u] = COLUMNS.map((c) => createBuilder(c.type)) as [
    NumberBuilder<'bool'>,
    NumberBuilder<'float64'>,
    DecimalBuilder,
    FixedBytesBuilder,
  ];
  for (const v of values) {
    if (v === null) {
      for (const x of [b, f, d, u]) x.appendNull();
      continue;
    }
    b.append(v % 2);
    f.append(v / 4);
    d.words[d.next()] = v;
    const at = u.next();
    u.bytes.fill(v, at, at + 16);
  }
  const columns = [b, f, d, u].map((x) => x.finish());
  return { schema: COLUMNS, length: values.length, columns, byteSize: values.length * 42 };
}

/** Each column's values, NULL as null, for comparison. */
function plain(column: ColumnData, length: number): unknown[] {
  return Array.from({ length }, (_, i) => {
    if (column.validity !== null && ((column.validity[i >> 3]! >> (i & 7)) & 1) === 0) return null;
    switch (column.layout) {
      case 'decimal128':
        return [...column.words.subarray(i * 4, i * 4 + 4)];
      case 'fixedBinary':
        return [...column.data.subarray(i * column.width, (i + 1) * column.width)];
      default:
        return (column as { values: ArrayLike<number> }).values[i];
    }
  });
}

describe('copyRows', () => {
  it('concatenates ranges of fixed-width, decimal and fixed-binary columns with their NULLs', () => {
    const a = batch([1, null, 3, 4]);
    const b = batch([5, 6, null, 8]);
    const copy = copyRows([
      { batch: a, start: 1, end: 4 },
      { batch: b, start: 0, end: 3 },
    ]);
    expect(copy.length).toBe(6);
    expect(copy.byteSize).toBe(6 * 42);
    const expected = batch([null, 3, 4, 5, 6, null]);
    for (let c = 0; c < COLUMNS.length; c++) {
      expect(plain(copy.columns[c]!, 6)).toEqual(plain(expected.columns[c]!, 6));
      expect(copy.columns[c]!.nullCount).toBe(2);
    }
    // The copy owns its memory: the source batches' builders may be reused.
    (b.columns[1] as { values: Float64Array }).values.fill(99);
    expect(plain(copy.columns[1]!, 6)).toEqual(plain(expected.columns[1]!, 6));
  });
});
