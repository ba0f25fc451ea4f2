import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import type { Int64Builder } from '../../types/fixed-builders.js';
import type { ListBuilder } from '../../types/list-builder.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import type { VarBuilder } from '../../types/var-builder.js';
import { parquetFormat } from './parquet-writer.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: { kind: 'int64' }, sourceType: 'bigint' },
  { name: 'name', type: { kind: 'utf8' }, sourceType: 'text' },
  { name: 'tags', type: { kind: 'list', item: { kind: 'int64' } }, sourceType: 'bigint[]' },
];

/** Rows [from, to) of a fixed pseudo-random table, as one batch. */
function rows(from: number, to: number): Batch {
  const builders = COLUMNS.map((c) => createBuilder(c.type));
  const [id, name, tags] = builders as [Int64Builder, VarBuilder, ListBuilder<Int64Builder>];
  for (let i = from; i < to; i++) {
    id.appendNumber(i);
    if (i % 11 === 0) name.appendNull();
    else name.appendString(`${'n'.repeat(150 + ((i * 7) % 97))}${i}`);
    if (i % 13 === 0) tags.appendNull();
    else {
      for (let k = 0; k < i % 4; k++) tags.child.appendNumber(i * k);
      tags.closeList();
    }
  }
  let byteSize = 0;
  for (const b of builders) byteSize += b.byteSize();
  return { schema: COLUMNS, length: to - from, columns: builders.map((b) => b.finish()), byteSize };
}

async function parquetBytes(cuts: readonly number[], total: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  const sink = { write: async (bytes: Uint8Array) => void chunks.push(Buffer.from(bytes)) };
  const writer = await parquetFormat.open(sink, COLUMNS, {
    compression: 'zstd',
    rowGroupRows: undefined,
    rowGroupBytes: 8 * 1024 * 1024,
  });
  let at = 0;
  for (const cut of [...cuts, total]) {
    await writer.write(rows(at, cut));
    at = cut;
  }
  expect(await writer.finish()).toEqual({ rows: total });
  return createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
}

describe('Parquet bytes', () => {
  it('do not depend on how the rows were split into batches (page sizes follow statement timings)', async () => {
    const total = 120_000;
    const reference = await parquetBytes([16], total);
    expect(await parquetBytes([16, 2_000, 2_001, 50_000, 99_999], total)).toBe(reference);
    expect(await parquetBytes([16, 17, 40_000], total)).toBe(reference);
  }, 60_000);
});
