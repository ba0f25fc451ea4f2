import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import * as arrow from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import * as pw from 'parquet-wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FooterPatch } from './footer-patch.js';
import { footerRowCount, patchParquetTail } from './footer-patch.js';
import { readThriftStruct } from './thrift-compact.js';

const UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '0193b5a2-7c1e-7d40-9a3b-5f2e8c1d4a6f',
  '123e4567-e89b-12d3-a456-426614174000',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
];
const [U0, U1, U2, U3, U4] = UUIDS as [string, string, string, string, string];
const ROWS = {
  id: [0n, 1n, 2n, 3n, 4n, 5n],
  u: [U0, null, U1, U2, null, U3],
  j: [
    '{"big": 12345678901234567890, "x":  1}',
    null,
    '  [1,2 ,\n 3.50]\t',
    '"caf\u00e9 \u65e5\u672c"',
    '{}',
    'null',
  ],
  us: [[U0, null, U1], [], null, [null], [U4], [U2, U3]],
  js: [['{"a":  1}', null], null, [], ['[1, 2]'], ['"x"', '{"n": 1e400}'], ['null']],
  t: ['plain', '{"not": "json"}', null, '', 'x', 'y'],
};
const PATCH: FooterPatch = {
  uuidColumns: [['u'], ['us', 'list', 'item']],
  jsonColumns: [['j'], ['js', 'list', 'item']],
};

function expectedRows(): Record<string, unknown>[] {
  return ROWS.id.map((id, i) => ({
    id,
    u: ROWS.u[i],
    j: ROWS.j[i],
    us: ROWS.us[i],
    js: ROWS.js[i],
    t: ROWS.t[i],
  }));
}

function uuidBytes(uuid: string | null): Uint8Array | null {
  return uuid === null ? null : new Uint8Array(Buffer.from(uuid.replaceAll('-', ''), 'hex'));
}

function writeSample(): Uint8Array {
  const uuidType = new arrow.FixedSizeBinary(16);
  const listOf = (type: arrow.DataType) => new arrow.List(new arrow.Field('item', type, true));
  const table = new arrow.Table({
    id: arrow.vectorFromArray(BigInt64Array.from(ROWS.id)),
    u: arrow.vectorFromArray(ROWS.u.map(uuidBytes), uuidType),
    j: arrow.vectorFromArray(ROWS.j, new arrow.Utf8()),
    us: arrow.vectorFromArray(
      ROWS.us.map((list) => list?.map(uuidBytes) ?? null),
      listOf(uuidType),
    ),
    js: arrow.vectorFromArray(ROWS.js, listOf(new arrow.Utf8())),
    t: arrow.vectorFromArray(ROWS.t, new arrow.Utf8()),
  });
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setCreatedBy('rivet')
    .build();
  return pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
}

/** hyparquet wants a plain ArrayBuffer holding exactly the file. */
function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

function footerLength(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
}

function footerTree(file: Uint8Array) {
  return readThriftStruct(file.subarray(file.length - 8 - footerLength(file), file.length - 8)).struct;
}

describe('patchParquetTail on a parquet-wasm file', () => {
  const original = writeSample();
  const patched = patchParquetTail(original, PATCH);
  const file = join(tmpdir(), `rivet-footer-patch-${randomUUID()}.parquet`);
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    await writeFile(file, patched);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });

  afterAll(async () => {
    connection?.closeSync();
    instance?.closeSync();
    await rm(file, { force: true });
  });

  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS();

  it('makes DuckDB see UUID and JSON columns, and leaves plain text alone', async () => {
    const rows = await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]))).toEqual({
      id: 'BIGINT',
      u: 'UUID',
      j: 'JSON',
      us: 'UUID[]',
      js: 'JSON[]',
      t: 'VARCHAR',
    });
  });

  it('reads back every value exactly in DuckDB', async () => {
    const rows = await query(
      `SELECT id, u::VARCHAR AS u, j::VARCHAR AS j, us::VARCHAR[] AS us, js::VARCHAR[] AS js, t
       FROM read_parquet('${file}') ORDER BY id`,
    );
    expect(rows).toEqual(expectedRows());
  });

  it('reads back every value with hyparquet', async () => {
    const decoder = new TextDecoder();
    const rows = await parquetReadObjects({
      file: arrayBufferOf(patched),
      compressors,
      // Keep JSON as text: JSON.parse would round 12345678901234567890.
      parsers: { jsonFromBytes: (bytes: Uint8Array) => bytes && decoder.decode(bytes) },
    });
    expect(rows).toEqual(expectedRows());
  });

  it('writes UUID without converted_type and JSON with both annotations', () => {
    const byName = new Map(parquetMetadata(arrayBufferOf(patched)).schema.map((e) => [e.name, e]));
    expect(byName.get('u')).toMatchObject({ type: 'FIXED_LEN_BYTE_ARRAY', logical_type: { type: 'UUID' } });
    expect(byName.get('u')?.converted_type).toBeUndefined();
    expect(byName.get('j')).toMatchObject({ converted_type: 'JSON', logical_type: { type: 'JSON' } });
    expect(byName.get('t')).toMatchObject({ converted_type: 'UTF8', logical_type: { type: 'STRING' } });
  });

  it('changes only the schema list of the footer and keeps the data bytes', () => {
    const dataEnd = original.length - 8 - footerLength(original);
    expect(Buffer.from(patched.subarray(0, dataEnd)).equals(Buffer.from(original.subarray(0, dataEnd)))).toBe(
      true,
    );
    const withoutSchema = (tree: ReturnType<typeof footerTree>) => tree.filter((f) => f.id !== 2);
    expect(withoutSchema(footerTree(patched))).toEqual(withoutSchema(footerTree(original)));
  });

  it('patches a tail that starts inside the data exactly like the whole file', () => {
    const tailLength = footerLength(original) + 8 + 100;
    const patchedTail = patchParquetTail(original.subarray(original.length - tailLength), PATCH);
    const expected = patched.subarray(patched.length - patchedTail.length);
    expect(Buffer.from(patchedTail).equals(Buffer.from(expected))).toBe(true);
  });

  it('reports the row count from the footer', () => {
    expect(footerRowCount(original)).toBe(BigInt(ROWS.id.length));
    expect(footerRowCount(patched)).toBe(BigInt(ROWS.id.length));
    expect(footerRowCount(original.subarray(original.length - footerLength(original) - 8))).toBe(6n);
  });
});

describe('patchParquetTail edge cases', () => {
  const original = writeSample();

  it('returns identical bytes when no column is patched', () => {
    const same = patchParquetTail(original, { uuidColumns: [], jsonColumns: [] });
    expect(Buffer.from(same).equals(Buffer.from(original))).toBe(true);
  });

  it('throws when the tail misses part of the footer', () => {
    const partial = original.subarray(original.length - footerLength(original) - 7);
    expect(() => patchParquetTail(partial, PATCH)).toThrow(/footer is \d+ bytes but the tail holds only/);
    expect(() => footerRowCount(partial)).toThrow(/footer/);
    expect(() => patchParquetTail(original.subarray(-6), PATCH)).toThrow(/cannot hold a footer/);
  });

  it('throws on a wrong magic or a corrupt footer', () => {
    const badMagic = original.slice();
    badMagic[badMagic.length - 1] = 0x45; // 'PARE' marks an encrypted footer
    expect(() => patchParquetTail(badMagic, PATCH)).toThrow(/PAR1/);
    const corrupt = original.slice();
    corrupt[corrupt.length - 9] = 0x0d; // the footer's final stop byte becomes an unknown type code
    expect(() => patchParquetTail(corrupt, PATCH)).toThrow(/not a valid FileMetaData/);
  });

  it('names columns that do not exist or are not leaves', () => {
    const uuid = (...path: string[]): FooterPatch => ({ uuidColumns: [path], jsonColumns: [] });
    expect(() => patchParquetTail(original, uuid('nope'))).toThrow(
      /no leaf column nope \(leaf columns: id, u, j/,
    );
    expect(() => patchParquetTail(original, uuid('us'))).toThrow(/no leaf column us /);
    expect(() => patchParquetTail(original, uuid('us', 'list', 'element'))).toThrow(/us\.list\.item/);
  });

  it('refuses columns whose physical type cannot carry the logical type', () => {
    expect(() => patchParquetTail(original, { uuidColumns: [['t']], jsonColumns: [] })).toThrow(
      /UUID column t is not FIXED_LEN_BYTE_ARRAY\(16\)/,
    );
    expect(() => patchParquetTail(original, { uuidColumns: [], jsonColumns: [['u']] })).toThrow(
      /JSON column u is not BYTE_ARRAY/,
    );
    expect(() => patchParquetTail(original, { uuidColumns: [['id']], jsonColumns: [['id']] })).toThrow(
      /FIXED_LEN_BYTE_ARRAY/,
    );
  });

  it('refuses a column listed twice', () => {
    expect(() => patchParquetTail(original, { uuidColumns: [['u'], ['u']], jsonColumns: [] })).toThrow(
      /u is listed more than once/,
    );
    expect(() => patchParquetTail(original, { uuidColumns: [['j']], jsonColumns: [['j']] })).toThrow(
      /FIXED_LEN/,
    );
    expect(() => patchParquetTail(original, { uuidColumns: [['u']], jsonColumns: [['u']] })).toThrow(
      /u is listed more than once/,
    );
  });
});
