/**
 * Layer: types. A size for every row of a batch that depends on the row's values only
 * (fixed widths, string and binary lengths, list contents) — never on how the rows were
 * split into batches — so writers can cut their input by bytes and stay deterministic.
 */
import type { Batch, ColumnData } from './column-data.js';

const WIDTH = { bool: 1, int16: 2, int32: 4, int64: 8, float32: 4, float64: 8, decimal128: 16 } as const;

export function rowBytes(batch: Batch): Float64Array {
  const sizes = new Float64Array(batch.length);
  for (const column of batch.columns) addColumn(column, sizes);
  return sizes;
}

function addColumn(column: ColumnData, sizes: Float64Array): void {
  switch (column.layout) {
    case 'var':
      for (let i = 0; i < column.length; i++) sizes[i]! += 4 + column.offsets[i + 1]! - column.offsets[i]!;
      return;
    case 'fixedBinary':
      for (let i = 0; i < column.length; i++) sizes[i]! += column.width;
      return;
    case 'list': {
      const child = new Float64Array(column.child.length);
      addColumn(column.child, child);
      for (let i = 0; i < column.length; i++) {
        let total = 4;
        for (let k = column.offsets[i]!; k < column.offsets[i + 1]!; k++) total += child[k]!;
        sizes[i]! += total;
      }
      return;
    }
    default: {
      const width = WIDTH[column.layout];
      for (let i = 0; i < column.length; i++) sizes[i]! += width;
    }
  }
}
