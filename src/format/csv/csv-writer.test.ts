import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ColumnBuilder, createBuilder } from '../../types/column-builder.js';
import type { Batch } from '../../types/column-data.js';
import { parseDecimalText } from '../../types/decimal128.js';
import type {
  DecimalBuilder,
  FixedBytesBuilder,
  Int64Builder,
  NumberBuilder,
} from '../../types/fixed-builders.js';
import type { ListBuilder } from '../../types/list-builder.js';
import type { ColumnSpec, RivetType } from '../../types/rivet-type.js';
import { daysFromCivil } from '../../types/temporal.js';
import type { VarBuilder } from '../../types/var-builder.js';
import type { ByteSink, FormatOptions } from '../format.js';
import { float32Text } from './csv-values.js';
import { csvFormat } from './csv-writer.js';

const OPTIONS: FormatOptions = { compression: 'none', rowGroupBytes: 1 << 20, rowGroupRows: undefined };

/** Values as the tests spell them: bigint for int64-backed types, text for decimals, hex for uuid/binary. */
type Value = boolean | number | bigint | string | null | readonly Value[];

function append(builder: ColumnBuilder, type: RivetType, value: Value): void {
  if (value === null) {
    builder.appendNull();
    return;
  }
  switch (type.kind) {
    case 'bool':
      (builder as NumberBuilder<'bool'>).append(value ? 1 : 0);
      return;
    case 'int16':
    case 'int32':
    case 'date':
    case 'float32':
    case 'float64':
      (builder as NumberBuilder<'int32'>).append(value as number);
      return;
    case 'int64':
    case 'time':
    case 'timestamp':
      (builder as Int64Builder).appendBigInt(value as bigint);
      return;
    case 'decimal': {
      const b = builder as DecimalBuilder;
      const at = b.next();
      expect(parseDecimalText(value as string, type.scale, b.words, at)).toBe('ok');
      return;
    }
    case 'uuid': {
      const b = builder as FixedBytesBuilder;
      b.bytes.set(Buffer.from((value as string).replace(/-/g, ''), 'hex'), b.next());
      return;
    }
    case 'binary': {
      const bytes = Buffer.from(value as string, 'hex');
      (builder as VarBuilder).appendBytes(bytes, 0, bytes.length);
      return;
    }
    case 'utf8':
    case 'json':
    case 'interval':
    case 'enum':
      (builder as VarBuilder).appendString(value as string);
      return;
    case 'list': {
      const b = builder as ListBuilder<ColumnBuilder>;
      for (const item of value as readonly Value[]) append(b.child, type.item, item);
      b.closeList();
      return;
    }
  }
}

function batchOf(columns: readonly ColumnSpec[], rows: readonly (readonly Value[])[]): Batch {
  const builders = columns.map((c) => createBuilder(c.type));
  for (const row of rows) {
    expect(row).toHaveLength(columns.length);
    row.forEach((value, i) => {
      append(builders[i]!, columns[i]!.type, value);
    });
  }
  return { schema: columns, length: rows.length, columns: builders.map((b) => b.finish()), byteSize: 0 };
}

function memorySink(): ByteSink & { bytes(): Buffer; writes: number } {
  const chunks: Buffer[] = [];
  return {
    writes: 0,
    async write(chunk) {
      this.writes++;
      chunks.push(Buffer.from(chunk));
    },
    bytes: () => Buffer.concat(chunks),
  };
}

async function writeCsv(columns: readonly ColumnSpec[], ...batches: Batch[]): Promise<Buffer> {
  const sink = memorySink();
  const writer = await csvFormat.open(sink, columns, OPTIONS);
  for (const batch of batches) await writer.write(batch);
  const { rows } = await writer.finish();
  expect(rows).toBe(batches.reduce((n, b) => n + b.length, 0));
  expect(writer.bytesWritten).toBe(sink.bytes().length);
  return sink.bytes();
}

/** RFC 4180 quoting as the writer must apply it: empty, `,` `"` CR or LF → quoted, quotes doubled. */
function quoted(text: string): string {
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const col = (name: string, type: RivetType): ColumnSpec => ({ name, type, sourceType: 'test' });
const ts = (utc: boolean): RivetType => ({ kind: 'timestamp', utc });
const list = (item: RivetType): RivetType => ({ kind: 'list', item });
const dec = (precision: number, scale: number): RivetType => ({ kind: 'decimal', precision, scale });

const COLUMNS: readonly ColumnSpec[] = [
  col('b', { kind: 'bool' }),
  col('i16', { kind: 'int16' }),
  col('i32', { kind: 'int32' }),
  col('i64', { kind: 'int64' }),
  col('f32', { kind: 'float32' }),
  col('f64', { kind: 'float64' }),
  col('dec', dec(38, 10)),
  col('s', { kind: 'utf8' }),
  col('bin', { kind: 'binary' }),
  col('j', { kind: 'json' }),
  col('u', { kind: 'uuid' }),
  col('d', { kind: 'date' }),
  col('tm', { kind: 'time' }),
  col('ts', ts(false)),
  col('tstz', ts(true)),
  col('iv', { kind: 'interval' }),
  col('en', { kind: 'enum' }),
  col('li', list({ kind: 'int32' })),
  col('ls', list({ kind: 'utf8' })),
  col('lf', list({ kind: 'float64' })),
  col('lb', list({ kind: 'bool' })),
  col('lts', list(ts(true))),
  col('ldec', list(dec(12, 3))),
  col('lj', list({ kind: 'json' })),
  col('we,ird "name"', { kind: 'utf8' }),
  col('li64', list({ kind: 'int64' })),
  col('lf32', list({ kind: 'float32' })),
  col('ldate', list({ kind: 'date' })),
  col('luuid', list({ kind: 'uuid' })),
  col('lbin', list({ kind: 'binary' })),
  col('ltime', list({ kind: 'time' })),
];

const UUID = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const IDES = daysFromCivil(-43, 3, 15);
const LAST_MICRO_9999 = BigInt(daysFromCivil(10000, 1, 1)) * 86_400_000_000n - 1n;
const F32_MAX = Math.fround(3.4028235e38);

/** Each row: the values written, and the exact text of each cell before CSV quoting (null = NULL). */
const ROWS: readonly { values: readonly Value[]; cells: readonly (string | null)[] }[] = [
  {
    values: COLUMNS.map(() => null),
    cells: COLUMNS.map(() => null),
  },
  {
    values: [
      false,
      0,
      0,
      0n,
      -0,
      -0,
      '0',
      '',
      '',
      '""',
      '00000000-0000-0000-0000-000000000000',
      0,
      0n,
      0n,
      0n,
      'PT0S',
      '',
      [],
      [],
      [],
      [],
      [],
      [],
      [],
      '',
      [],
      [],
      [],
      [],
      [],
      [],
    ],
    cells: [
      'false',
      '0',
      '0',
      '0',
      '-0',
      '-0',
      '0.0000000000',
      '',
      '',
      '""',
      '00000000-0000-0000-0000-000000000000',
      '1970-01-01',
      '00:00:00.000000',
      '1970-01-01T00:00:00.000000',
      '1970-01-01T00:00:00.000000Z',
      'PT0S',
      '',
      '[]',
      '[]',
      '[]',
      '[]',
      '[]',
      '[]',
      '[]',
      '',
      '[]',
      '[]',
      '[]',
      '[]',
      '[]',
      '[]',
    ],
  },
  {
    values: [
      true,
      -32768,
      -2147483648,
      INT64_MIN,
      F32_MAX,
      Number.NaN,
      '-0.0000000001',
      'a,"b"\r\nc',
      '00ff10',
      '{"a":"x,y"}',
      UUID,
      IDES,
      86_400_000_000n,
      -1n,
      -1n,
      'P-1DT-0.000001S',
      'happy 😀',
      [1, null, 3],
      ['a,b', null, '', 'q"x', 'NULL', '😀\n'],
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5, null],
      [true, false, null],
      [-1n, null],
      ['1.5', null, '-2.25'],
      ['{"a": 1}', null, '[]'],
      '😀',
      [INT64_MAX, INT64_MIN, null],
      [Math.fround(0.1), null, F32_MAX],
      [IDES, null],
      [UUID, null],
      ['00ff', ''],
      [86_400_000_000n, null],
    ],
    cells: [
      'true',
      '-32768',
      '-2147483648',
      '-9223372036854775808',
      '3.4028235e+38',
      'NaN',
      '-0.0000000001',
      'a,"b"\r\nc',
      '00ff10',
      '{"a":"x,y"}',
      UUID,
      '-0043-03-15',
      '24:00:00.000000',
      '1969-12-31T23:59:59.999999',
      '1969-12-31T23:59:59.999999Z',
      'P-1DT-0.000001S',
      'happy 😀',
      '[1,null,3]',
      '["a,b",null,"","q\\"x","NULL","😀\\n"]',
      '["NaN","inf","-inf",-0,1.5,null]',
      '[true,false,null]',
      '["1969-12-31T23:59:59.999999Z",null]',
      '[1.500,null,-2.250]',
      '[{"a": 1},null,[]]',
      '😀',
      '[9223372036854775807,-9223372036854775808,null]',
      '[0.1,null,3.4028235e+38]',
      '["-0043-03-15",null]',
      `["${UUID}",null]`,
      '["00ff",""]',
      '["24:00:00.000000",null]',
    ],
  },
  {
    values: [
      true,
      32767,
      2147483647,
      INT64_MAX,
      Math.fround(-1.1),
      Number.POSITIVE_INFINITY,
      '9999999999999999999999999999.9999999999',
      'line1\nline2',
      'ff',
      '[1,2]',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      daysFromCivil(10000, 1, 1),
      86_399_999_999n,
      LAST_MICRO_9999,
      -1_500_000n,
      'P1Y2M3DT4H5M6.789S',
      'sad',
      [null],
      [null],
      [null],
      [null],
      [null],
      [null],
      [null],
      'plain',
      [null],
      [null],
      [null],
      [null],
      [null],
      [null],
    ],
    cells: [
      'true',
      '32767',
      '2147483647',
      '9223372036854775807',
      '-1.1',
      'inf',
      '9999999999999999999999999999.9999999999',
      'line1\nline2',
      'ff',
      '[1,2]',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '+10000-01-01',
      '23:59:59.999999',
      '9999-12-31T23:59:59.999999',
      '1969-12-31T23:59:58.500000Z',
      'P1Y2M3DT4H5M6.789S',
      'sad',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      'plain',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
      '[null]',
    ],
  },
  {
    values: [
      false,
      -1,
      -1,
      -1n,
      Math.fround(1e-45),
      5e-324,
      '-1234567890123456789012345678.9012345678',
      'a\rb',
      '',
      'null',
      UUID,
      -1,
      1n,
      1n,
      LAST_MICRO_9999,
      'PT-0.5S',
      'ok',
      [2147483647],
      [' x '],
      [0.1, 1e21],
      [false],
      [LAST_MICRO_9999],
      ['-0.001'],
      ['"s"'],
      ' x ',
      [0n],
      [Math.fround(16777217)],
      [daysFromCivil(10000, 1, 1)],
      [UUID],
      [''],
      [0n],
    ],
    cells: [
      'false',
      '-1',
      '-1',
      '-1',
      '1e-45',
      '5e-324',
      '-1234567890123456789012345678.9012345678',
      'a\rb',
      '',
      'null',
      UUID,
      '1969-12-31',
      '00:00:00.000001',
      '1970-01-01T00:00:00.000001',
      '9999-12-31T23:59:59.999999Z',
      'PT-0.5S',
      'ok',
      '[2147483647]',
      '[" x "]',
      '[0.1,1e+21]',
      '[false]',
      '["9999-12-31T23:59:59.999999Z"]',
      '[-0.001]',
      '["s"]',
      ' x ',
      '[0]',
      '[16777216]',
      '["+10000-01-01"]',
      `["${UUID}"]`,
      '[""]',
      '["00:00:00.000000"]',
    ],
  },
];

const HEADER = `${COLUMNS.map((c) => quoted(c.name)).join(',')}\n`;
const expectedLine = (cells: readonly (string | null)[]) =>
  `${cells.map((c) => (c === null ? '' : quoted(c))).join(',')}\n`;

const tempDir = mkdtempSync(join(tmpdir(), 'rivet-csv-test-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

async function duckRows(file: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    // nullstr='' + allow_quoted_nulls=false: an unquoted empty cell is NULL, `""` is the empty string.
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header=true, all_varchar=true, delim=',', quote='"',
         escape='"', nullstr='', allow_quoted_nulls=false, auto_detect=false,
         columns={${COLUMNS.map((c) => `'${c.name.replace(/'/g, "''")}': 'VARCHAR'`).join(', ')}})`,
    );
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('csvFormat writer', () => {
  it('every column type: exact bytes, NULL as an empty cell, empty strings as ""', async () => {
    const bytes = await writeCsv(
      COLUMNS,
      batchOf(
        COLUMNS,
        ROWS.map((r) => r.values),
      ),
    );
    expect(bytes.toString('utf8')).toBe(HEADER + ROWS.map((r) => expectedLine(r.cells)).join(''));
  });

  it('spells the tricky cells byte for byte', async () => {
    const text = (
      await writeCsv(
        COLUMNS,
        batchOf(
          COLUMNS,
          ROWS.map((r) => r.values),
        ),
      )
    ).toString('utf8');
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'b,i16,i32,i64,f32,f64,dec,s,bin,j,u,d,tm,ts,tstz,iv,en,li,ls,lf,lb,lts,ldec,lj,"we,ird ""name""",li64,lf32,ldate,luuid,lbin,ltime',
    );
    expect(lines[1]).toBe(','.repeat(COLUMNS.length - 1)); // all NULL
    expect(lines[2]).toBe(
      'false,0,0,0,-0,-0,0.0000000000,"","","""""",00000000-0000-0000-0000-000000000000,1970-01-01,00:00:00.000000,' +
        '1970-01-01T00:00:00.000000,1970-01-01T00:00:00.000000Z,PT0S,"",[],[],[],[],[],[],[],"",[],[],[],[],[],[]',
    );
    // The embedded CRLF stays inside its quoted cell, so row 3 spans two physical lines.
    expect(text).toContain(',-0.0000000001,"a,""b""\r\nc",00ff10,"{""a"":""x,y""}",');
    expect(text).toContain(
      ',-0043-03-15,24:00:00.000000,1969-12-31T23:59:59.999999,1969-12-31T23:59:59.999999Z,',
    );
    expect(text).toContain('"[""a,b"",null,"""",""q\\""x"",""NULL"",""😀\\n""]"');
    expect(text).toContain(',"[""NaN"",""inf"",""-inf"",-0,1.5,null]","[true,false,null]",');
    expect(text).toContain(
      'true,32767,2147483647,9223372036854775807,-1.1,inf,9999999999999999999999999999.9999999999,',
    );
    expect(text).toContain(
      ',+10000-01-01,23:59:59.999999,9999-12-31T23:59:59.999999,1969-12-31T23:59:58.500000Z,',
    );
    expect(text).toContain(
      'false,-1,-1,-1,1e-45,5e-324,-1234567890123456789012345678.9012345678,"a\rb","",null,',
    );
    expect(text.endsWith(',"[""""]","[""00:00:00.000000""]"\n'), text.slice(-60)).toBe(true);
  });

  it('DuckDB reads every cell back, NULL and empty string kept apart', async () => {
    const file = join(tempDir, 'all-types.csv');
    writeFileSync(
      file,
      await writeCsv(
        COLUMNS,
        batchOf(
          COLUMNS,
          ROWS.map((r) => r.values),
        ),
      ),
    );
    const rows = await duckRows(file);
    expect(rows).toHaveLength(ROWS.length);
    ROWS.forEach((row, r) => {
      COLUMNS.forEach((c, i) => {
        expect(rows[r]![c.name] ?? null, `row ${r} ${c.name}`).toBe(row.cells[i]);
      });
    });
    expect(rows[0]!.s).toBeNull();
    expect(rows[1]!.s).toBe('');
  });

  it('list cells are valid JSON whose elements keep their types', async () => {
    for (const row of ROWS) {
      COLUMNS.forEach((c, i) => {
        const cell = row.cells[i];
        if (c.type.kind === 'list' && typeof cell === 'string')
          expect(() => JSON.parse(cell), cell).not.toThrow();
      });
    }
    expect(JSON.parse('[true,false,null]')).toEqual([true, false, null]);
  });

  it('writes the header once across batches, and a header alone for no rows', async () => {
    const columns = [col('a', { kind: 'int32' }), col('b', { kind: 'utf8' })];
    const first = batchOf(columns, [
      [1, 'x'],
      [null, null],
    ]);
    const second = batchOf(columns, [
      [2, ''],
      [3, 'y,z'],
    ]);
    expect((await writeCsv(columns, first, second)).toString()).toBe('a,b\n1,x\n,\n2,""\n3,"y,z"\n');
    expect((await writeCsv(columns)).toString()).toBe('a,b\n');
    expect((await writeCsv(columns, batchOf(columns, []))).toString()).toBe('a,b\n');
  });

  it('a one-column NULL row is an empty line, and DuckDB reads it back as NULL', async () => {
    const columns = [col('only', { kind: 'utf8' })];
    const bytes = await writeCsv(columns, batchOf(columns, [['a'], [null], [''], ['b']]));
    expect(bytes.toString()).toBe('only\na\n\n""\nb\n');
    const file = join(tempDir, 'one-column.csv');
    writeFileSync(file, bytes);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT * FROM read_csv('${file}', header=true, all_varchar=true, nullstr='', allow_quoted_nulls=false)`,
    );
    expect(reader.getRowObjectsJS().map((r) => r.only ?? null)).toEqual(['a', null, '', 'b']);
    connection.closeSync();
    instance.closeSync();
  });

  it('handles a batch larger than the output buffer (values copied, not truncated)', async () => {
    const columns = [col('id', { kind: 'int32' }), col('big', { kind: 'utf8' })];
    const big = `${'x'.repeat(1_500_000)},"${'😀'.repeat(100_000)}`;
    const rows: Value[][] = [
      [1, big],
      [2, 'small'],
    ];
    for (let i = 3; i < 20_000; i++) rows.push([i, `v${i}`]);
    const text = (await writeCsv(columns, batchOf(columns, rows))).toString('utf8');
    const expected = `id,big\n1,${quoted(big)}\n2,small\n${rows
      .slice(2)
      .map((r) => `${r[0]},${r[1]}\n`)
      .join('')}`;
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
  });
});

describe('float32Text', () => {
  it('writes the shortest text that reads back as the same float32', () => {
    expect(float32Text(F32_MAX)).toBe('3.4028235e+38');
    expect(float32Text(-F32_MAX)).toBe('-3.4028235e+38');
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(1e-45))).toBe('1e-45');
    expect(float32Text(Math.fround(1.17549435e-38))).toBe('1.1754944e-38');
    expect(float32Text(Math.fround(16777217))).toBe('16777216');
    expect(float32Text(Math.fround(123456789))).toBe('123456790');
    expect(float32Text(-0)).toBe('-0');
  });

  it('round-trips random float32 values', () => {
    const view = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < 20_000; i++) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      const v = view.getFloat32(0);
      if (!Number.isFinite(v)) continue;
      const text = float32Text(v);
      expect(Object.is(Math.fround(Number(text)), v), `${v} → ${text}`).toBe(true);
      // Shortest: one significant digit fewer never reads back as the same value.
      const mantissa = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '');
      const digits = mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
      if (digits > 1) expect(Math.fround(Number(v.toPrecision(digits - 1)))).not.toBe(v);
    }
  });
});
