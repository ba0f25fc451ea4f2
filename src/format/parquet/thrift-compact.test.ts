import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import fc from 'fast-check';
import * as pw from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import type { ThriftKind, ThriftStruct, ThriftValue } from './thrift-compact.js';
import { readThriftStruct, writeThriftStruct } from './thrift-compact.js';

function footerOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
  return file.subarray(file.length - 8 - length, file.length - 8);
}

function expectRoundTrip(footer: Uint8Array): ThriftStruct {
  const { struct, end } = readThriftStruct(footer);
  expect(end).toBe(footer.length);
  expect(Buffer.from(writeThriftStruct(struct)).equals(Buffer.from(footer))).toBe(true);
  return struct;
}

const bytesOf = (...b: number[]): Uint8Array => Uint8Array.from(b);
const i32 = (value: number): ThriftValue => ({ kind: 'i32', value });
const i64 = (value: bigint): ThriftValue => ({ kind: 'i64', value });
const struct = (...fields: [number, ThriftValue][]): ThriftStruct =>
  fields.map(([id, value]) => ({ id, value }));

/** Encodes `fields`, checks the exact bytes, and checks they decode back to the same tree. */
function expectEncoding(fields: ThriftStruct, expected: Uint8Array): void {
  const written = writeThriftStruct(fields);
  expect([...written]).toEqual([...expected]);
  expect(readThriftStruct(written)).toEqual({ struct: fields, end: expected.length });
}

describe('thrift compact scalars', () => {
  it('encodes i32 with zigzag varints at the edges', () => {
    expectEncoding(struct([1, i32(0)]), bytesOf(0x15, 0x00, 0x00));
    expectEncoding(struct([1, i32(-1)]), bytesOf(0x15, 0x01, 0x00));
    expectEncoding(struct([1, i32(1)]), bytesOf(0x15, 0x02, 0x00));
    expectEncoding(struct([1, i32(-64)]), bytesOf(0x15, 0x7f, 0x00));
    expectEncoding(struct([1, i32(64)]), bytesOf(0x15, 0x80, 0x01, 0x00));
    expectEncoding(struct([1, i32(2147483647)]), bytesOf(0x15, 0xfe, 0xff, 0xff, 0xff, 0x0f, 0x00));
    expectEncoding(struct([1, i32(-2147483648)]), bytesOf(0x15, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00));
  });

  it('encodes i64 including negative and extreme values', () => {
    expectEncoding(struct([1, i64(-1n)]), bytesOf(0x16, 0x01, 0x00));
    expectEncoding(struct([1, i64(300n)]), bytesOf(0x16, 0xd8, 0x04, 0x00));
    const max = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expectEncoding(struct([1, i64(2n ** 63n - 1n)]), bytesOf(0x16, ...max, 0x00));
    const min = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expectEncoding(struct([1, i64(-(2n ** 63n))]), bytesOf(0x16, ...min, 0x00));
    expectEncoding(struct([1, i64(-(2n ** 40n))]), writeThriftStruct(struct([1, i64(-(2n ** 40n))])));
  });

  it('encodes i8, i16, double and binary', () => {
    expectEncoding(struct([1, { kind: 'i8', value: -1 }]), bytesOf(0x13, 0xff, 0x00));
    expectEncoding(struct([1, { kind: 'i8', value: 127 }]), bytesOf(0x13, 0x7f, 0x00));
    expectEncoding(struct([1, { kind: 'i16', value: -32768 }]), bytesOf(0x14, 0xff, 0xff, 0x03, 0x00));
    const onePointFive = [0, 0, 0, 0, 0, 0, 0xf8, 0x3f];
    expectEncoding(struct([1, { kind: 'double', value: 1.5 }]), bytesOf(0x17, ...onePointFive, 0x00));
    expectEncoding(struct([1, { kind: 'binary', value: bytesOf() }]), bytesOf(0x18, 0x00, 0x00));
    expectEncoding(
      struct([1, { kind: 'binary', value: bytesOf(0x61, 0x00) }]),
      bytesOf(0x18, 0x02, 0x61, 0x00, 0x00),
    );
  });

  it('carries bool field values in the field header', () => {
    expectEncoding(
      struct([1, { kind: 'bool', value: true }], [2, { kind: 'bool', value: false }]),
      bytesOf(0x11, 0x12, 0x00),
    );
  });

  it('rejects integers outside their width', () => {
    expect(() => writeThriftStruct(struct([1, i32(2 ** 31)]))).toThrow(/32-bit/);
    expect(() => writeThriftStruct(struct([1, { kind: 'i8', value: 128 }]))).toThrow(/8-bit/);
    expect(() => writeThriftStruct(struct([1, i64(2n ** 63n)]))).toThrow(/64-bit/);
    expect(() => writeThriftStruct(struct([1, i32(1.5)]))).toThrow(/32-bit/);
  });
});

describe('thrift compact field ids', () => {
  it('uses the long form for deltas above 15, zero, or going backwards', () => {
    expectEncoding(struct([20, i32(1)]), bytesOf(0x05, 0x28, 0x02, 0x00));
    expectEncoding(struct([15, i32(1)], [16, i32(1)]), bytesOf(0xf5, 0x02, 0x15, 0x02, 0x00));
    expectEncoding(struct([5, i32(1)], [3, i32(1)]), bytesOf(0x55, 0x02, 0x05, 0x06, 0x02, 0x00));
    expectEncoding(struct([0, i32(1)]), bytesOf(0x05, 0x00, 0x02, 0x00));
    expectEncoding(struct([-2, i32(1)]), bytesOf(0x05, 0x03, 0x02, 0x00));
    expectEncoding(struct([1000, i32(1)], [1001, i32(1)]), bytesOf(0x05, 0xd0, 0x0f, 0x02, 0x15, 0x02, 0x00));
  });

  it('restarts deltas inside a nested struct', () => {
    const inner: ThriftValue = { kind: 'struct', value: struct([1, i32(1)]) };
    expectEncoding(struct([4, inner], [5, i32(1)]), bytesOf(0x4c, 0x15, 0x02, 0x00, 0x15, 0x02, 0x00));
  });
});

describe('thrift compact collections', () => {
  const list = (elem: ThriftKind, value: ThriftValue[]): ThriftValue => ({ kind: 'list', elem, value });

  it('packs sizes up to 14 into the list header and varints beyond', () => {
    const ints = (n: number) => Array.from({ length: n }, (_, i) => i32(i));
    const zigzags = (n: number) => Array.from({ length: n }, (_, i) => i * 2);
    expectEncoding(struct([1, list('i32', [])]), bytesOf(0x19, 0x05, 0x00));
    expectEncoding(struct([1, list('i32', ints(14))]), bytesOf(0x19, 0xe5, ...zigzags(14), 0x00));
    expectEncoding(struct([1, list('i32', ints(15))]), bytesOf(0x19, 0xf5, 0x0f, ...zigzags(15), 0x00));
    expectEncoding(
      struct([1, list('i32', ints(200))]),
      bytesOf(0x19, 0xf5, 0xc8, 0x01, ...zigzagVarints(200), 0x00),
    );
  });

  it('encodes bools inside lists as one byte each', () => {
    const bools = [true, false, true].map((value): ThriftValue => ({ kind: 'bool', value }));
    expectEncoding(struct([1, list('bool', bools)]), bytesOf(0x19, 0x31, 0x01, 0x02, 0x01, 0x00));
  });

  it('encodes sets, lists of structs and maps', () => {
    const set: ThriftValue = {
      kind: 'set',
      elem: 'binary',
      value: [{ kind: 'binary', value: bytesOf(0x78) }],
    };
    expectEncoding(struct([1, set]), bytesOf(0x1a, 0x18, 0x01, 0x78, 0x00));
    const structs = list('struct', [
      { kind: 'struct', value: [] },
      { kind: 'struct', value: struct([2, i32(1)]) },
    ]);
    expectEncoding(struct([1, structs]), bytesOf(0x19, 0x2c, 0x00, 0x25, 0x02, 0x00, 0x00));
    const map: ThriftValue = { kind: 'map', key: 'i32', val: 'i64', value: [[i32(1), i64(-1n)]] };
    expectEncoding(struct([1, map]), bytesOf(0x1b, 0x01, 0x56, 0x02, 0x01, 0x00));
    const empty: ThriftValue = { kind: 'map', key: 'binary', val: 'binary', value: [] };
    expectEncoding(struct([1, empty]), bytesOf(0x1b, 0x00, 0x00));
  });

  it('refuses elements that do not match the declared kind', () => {
    expect(() => writeThriftStruct(struct([1, list('i32', [i64(1n)])]))).toThrow(/i64 element/);
  });
});

function zigzagVarints(n: number): number[] {
  return Array.from({ length: n }, (_, i) =>
    i * 2 < 128 ? [i * 2] : [((i * 2) & 0x7f) | 0x80, (i * 2) >> 7],
  ).flat();
}

describe('thrift compact malformed input', () => {
  it('throws on truncation and unknown type codes', () => {
    const good = writeThriftStruct(
      struct([1, i64(2n ** 40n)], [2, { kind: 'binary', value: bytesOf(1, 2, 3) }]),
    );
    for (let cut = 0; cut < good.length; cut++) {
      expect(() => readThriftStruct(good.subarray(0, cut))).toThrow(/unexpected end/);
    }
    expect(() => readThriftStruct(bytesOf(0x1d, 0x00))).toThrow(/unknown type code 13/);
    expect(() => readThriftStruct(bytesOf(0x10, 0x00))).toThrow(/unknown type code 0/);
  });

  it('reads from an offset and reports where the struct ends', () => {
    expect(readThriftStruct(bytesOf(0xaa, 0x15, 0x02, 0x00, 0xbb), 1)).toEqual({
      struct: struct([1, i32(1)]),
      end: 4,
    });
  });
});

describe('thrift compact round trip of arbitrary trees', () => {
  const scalarKinds: ThriftKind[] = ['bool', 'i8', 'i16', 'i32', 'i64', 'double', 'binary'];
  const allKinds: ThriftKind[] = [...scalarKinds, 'list', 'set', 'map', 'struct'];

  const kindArb = (depth: number) => fc.constantFrom(...(depth > 0 ? allKinds : scalarKinds));

  const valueArb = (kind: ThriftKind, depth: number): fc.Arbitrary<ThriftValue> => {
    if (kind === 'raw') throw new Error('raw values are not generated');
    switch (kind) {
      case 'bool':
        return fc.boolean().map((value) => ({ kind, value }));
      case 'i8':
      case 'i16':
      case 'i32': {
        const half = 2 ** ({ i8: 8, i16: 16, i32: 32 }[kind] - 1);
        return fc.integer({ min: -half, max: half - 1 }).map((value) => ({ kind, value }));
      }
      case 'i64':
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ kind, value }));
      case 'double':
        return fc.double({ noNaN: true }).map((value) => ({ kind, value }));
      case 'binary':
        return fc.uint8Array({ maxLength: 40 }).map((value) => ({ kind, value }));
      case 'list':
      case 'set':
        return kindArb(depth - 1).chain((elem) =>
          fc.array(valueArb(elem, depth - 1), { maxLength: 20 }).map((value) => ({ kind, elem, value })),
        );
      case 'map':
        return fc.tuple(kindArb(depth - 1), kindArb(depth - 1)).chain(([key, val]) =>
          fc
            .array(fc.tuple(valueArb(key, depth - 1), valueArb(val, depth - 1)), {
              minLength: 1,
              maxLength: 5,
            })
            .map((value) => ({ kind, key, val, value })),
        );
      case 'struct':
        return structArb(depth - 1).map((value) => ({ kind, value }));
    }
  };

  const structArb = (depth: number): fc.Arbitrary<ThriftStruct> =>
    fc
      .uniqueArray(fc.integer({ min: -32768, max: 32767 }), { maxLength: 8 })
      .chain((ids) =>
        fc.tuple(
          ...ids.map((id) =>
            kindArb(depth).chain((kind) => valueArb(kind, depth).map((value) => ({ id, value }))),
          ),
        ),
      );

  it('decodes what it encodes and re-encodes identically', () => {
    fc.assert(
      fc.property(structArb(3), (tree) => {
        const bytes = writeThriftStruct(tree);
        const back = readThriftStruct(bytes);
        expect(back).toEqual({ struct: tree, end: bytes.length });
        expect(writeThriftStruct(back.struct)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('thrift compact round trip of real Parquet footers', () => {
  const props = (kv?: Map<string, string>, maxRowGroupSize?: number) => {
    let builder = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setCreatedBy('rivet');
    if (kv) builder = builder.setKeyValueMetadata(kv);
    if (maxRowGroupSize) builder = builder.setMaxRowGroupSize(maxRowGroupSize);
    return builder.build();
  };
  const writeWasm = (table: arrow.Table, properties = props()): Uint8Array =>
    pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), properties);

  it('parquet-wasm: scalars with nulls, several row groups and key/value metadata', () => {
    const n = 1000;
    const table = arrow.tableFromArrays({
      id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) - 500n),
      small: Int8Array.from({ length: n }, (_, i) => i % 100),
      f: Float64Array.from({ length: n }, (_, i) => i / 3),
      flag: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i % 2 === 0)),
      name: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `name-${i}`)),
    });
    const kv = new Map([
      ['rivet.version', '1'],
      ['empty', ''],
    ]);
    const struct = expectRoundTrip(footerOf(writeWasm(table, props(kv, 300))));
    expect(struct.find((f) => f.id === 3)?.value).toEqual(i64(BigInt(n)));
  });

  it('parquet-wasm: decimals, timestamps, dates, nested lists and structs, many columns', () => {
    const n = 50;
    const decimals = arrow.makeData({
      type: new arrow.Decimal(2, 18, 128),
      length: n,
      data: Uint32Array.from({ length: n * 4 }, (_, i) =>
        i % 4 === 0 ? i * 1000 : i % 4 === 3 && i % 8 === 3 ? 0xffffffff : 0,
      ),
    });
    const timestamps = arrow.makeData({
      type: new arrow.TimestampMicrosecond('UTC'),
      length: n,
      data: BigInt64Array.from({ length: n }, (_, i) => 1_700_000_000_000_000n + BigInt(i)),
    });
    const localTimes = arrow.makeData({
      type: new arrow.TimestampNanosecond(),
      length: n,
      data: BigInt64Array.from({ length: n }, (_, i) => -BigInt(i) * 1_000_000_007n),
    });
    const days = arrow.makeData({
      type: new arrow.DateDay(),
      length: n,
      data: Int32Array.from({ length: n }, (_, i) => i),
    });
    const tags = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) =>
        i % 5 === 0 ? null : Array.from({ length: i % 4 }, (_, j) => `t${j}`),
      ),
      new arrow.List(new arrow.Field('item', new arrow.Utf8(), true)),
    );
    const point = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => ({ x: i, y: -i })),
      new arrow.Struct([new arrow.Field('x', new arrow.Int32()), new arrow.Field('y', new arrow.Int32())]),
    );
    const columns: Record<string, arrow.Vector> = {
      amount: arrow.makeVector(decimals),
      at: arrow.makeVector(timestamps),
      local: arrow.makeVector(localTimes),
      day: arrow.makeVector(days),
      tags,
      point,
    };
    // More than 14 schema elements forces the long list header for the schema list.
    for (let c = 0; c < 20; c++)
      columns[`c${c}`] = arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i * c));
    expectRoundTrip(footerOf(writeWasm(new arrow.Table(columns))));
  });

  it('DuckDB: many types, row groups and key/value metadata', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const select = `SELECT i::BIGINT AS id, (i % 100)::TINYINT AS tiny, (i * 1.25)::DECIMAL(18,3) AS amount,
        (i * 1.5)::DECIMAL(38,10) AS huge, 'name-' || i AS name, CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
        TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL 1 SECOND AS at, DATE '2024-01-01' + i::INTEGER AS day,
        [i, i + 1, NULL] AS nums, {'x': i, 'y': 'v' || i} AS point, MAP {'k': i} AS m, gen_random_uuid() AS u,
        ('{"a":' || i || '}')::JSON AS j, i / 7.0 AS dbl, ('\\x' || lpad(to_hex(i % 256), 2, '0'))::BLOB AS raw
      FROM range(5000) t(i)`;
    const files: string[] = [];
    try {
      const variants = [
        '(FORMAT parquet)',
        "(FORMAT parquet, ROW_GROUP_SIZE 1000, COMPRESSION zstd, KV_METADATA {origin: 'rivet', note: 'x'})",
        '(FORMAT parquet, PARQUET_VERSION v2, COMPRESSION snappy)',
      ];
      for (const options of variants) {
        const file = join(tmpdir(), `rivet-thrift-${randomUUID()}.parquet`);
        files.push(file);
        await connection.run(`COPY (${select}) TO '${file}' ${options}`);
        expectRoundTrip(footerOf(new Uint8Array(await readFile(file))));
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
      await Promise.all(files.map((f) => rm(f, { force: true })));
    }
  });
});
