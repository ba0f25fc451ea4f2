import { createHash } from 'node:crypto';
import fc from 'fast-check';
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../../test/support/pg-test-db.js';
import { RivetError } from '../../common/errors.js';
import type { SourceRelation } from '../../contracts/run-plan.js';
import { type Batch, type ColumnData, isValid } from '../../types/column-data.js';
import { formatDecimal } from '../../types/decimal128.js';
import { type ColumnSpec, formatRivetType, type RivetType } from '../../types/rivet-type.js';
import { CopyBinaryParser } from './copy-binary-parser.js';
import { PgBatchDecoder } from './pg-batch-decoder.js';
import { describeRelation } from './pg-describe.js';
import { selectSql } from './pg-sql.js';
import { numericTypmod } from './pg-type-map.js';

const available = await postgresAvailable();

const BIG_TEXT_BYTES = 1 << 20;

const TABLE_DDL = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy 😀');
  CREATE TABLE wide (
    id int4 PRIMARY KEY,
    b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
    n38 numeric(38,10), n10 numeric(10,2), n5 numeric(5,0),
    t text, vc varchar(20), ch char(3), by bytea, j json, jb jsonb, u uuid,
    d date, tm time, ts timestamp, tstz timestamptz, iv interval, e mood,
    ai int4[], at text[], an numeric(12,3)[], ats timestamptz[], ai8 int8[], ab bool[]
  );
  INSERT INTO wide VALUES
    (1, true, 1, 2, 3, 1.5, 2.5, 123.456, 1.23, 42, 'hello', 'v', 'ab', '\\x0102', '{"a": 1}', '{"b": [1, 2]}',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '12:34:56.789', '2024-01-01 00:00:00.000001',
     '2024-06-01 12:00:00+00', '1 year 2 mons 3 days 04:05:06.789', 'ok',
     '{1,NULL,3}', '{"a,b",NULL,"NULL",""}', '{1.5,NULL,-2.250}', '{"2024-01-01 00:00:00.000001+00",NULL}',
     '{9223372036854775807,-9223372036854775808}', '{t,f,NULL}'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, false, -32768, -2147483648, -9223372036854775808, 'NaN', '-0',
     '-9999999999999999999999999999.9999999999', -99999999.99, -99999, '', '', '', '', '""', 'null',
     '00000000-0000-0000-0000-000000000000', '0044-03-15 BC', '24:00:00', '1969-12-31 23:59:59.999999',
     '4713-11-24 00:00:00+00 BC', '-1 days -0.000001 seconds', 'happy 😀',
     '{}', '{}', '{}', '{}', '{}', '{}'),
    (4, true, 32767, 2147483647, 9223372036854775807, 'Infinity', '-Infinity',
     '9999999999999999999999999999.9999999999', 0.01, 0, E'line1\\nline2\\r\\n"quoted", comma 😀', 'x', 'é',
     '\\x00ff', '[1, 2.50, "x"]', '{"k": "v\\u00e9", "n": 1.50}', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
     '10000-01-01', '00:00:00', '10000-01-01 00:00:00', '1969-12-31 23:59:59.5+00',
     '-2147483648 months'::interval + '2147483647 days'::interval + '-9223372036854775808 microseconds'::interval,
     'sad', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}', '{NULL}'),
    (5, true, 0, 0, 0, 3.4028235e38, 5e-324, 0.0000000001, 0, 1, repeat('x', ${BIG_TEXT_BYTES}), NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'P0D', NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  INSERT INTO wide (id, i8, n38, t, by, ts, iv, ai, at)
    SELECT g, g * 1000003, g / 7.0, md5(g::text), decode(md5(g::text), 'hex'),
           '2000-01-01'::timestamp + g * interval '1 day 1 microsecond', g * interval '1 minute',
           ARRAY[g, NULL, -g], ARRAY[g::text, '', NULL]
      FROM generate_series(6, 300) AS g;`;

/** Per column: the server-side text the decoded value must reproduce (see `cellText`). */
const EXPECTED_SQL: Readonly<Record<string, (c: string) => string>> = {
  f4: (c) => `${c}::text`,
  f8: (c) => `${c}::text`,
  by: (c) => `encode(${c}, 'hex')`,
  ch: (c) => `CASE WHEN ${c} IS NULL THEN NULL ELSE format('%s', ${c}) END`, // keeps char(n) padding
  d: (c) => `(${c} - DATE '1970-01-01')::text`,
  tm: (c) => `(EXTRACT(epoch FROM ${c}) * 1000000)::int8::text`,
  ts: (c) => `(EXTRACT(epoch FROM ${c}) * 1000000)::int8::text`,
  tstz: (c) => `(EXTRACT(epoch FROM ${c}) * 1000000)::int8::text`,
  ats: (c) =>
    `CASE WHEN ${c} IS NULL THEN NULL ELSE array_to_json(ARRAY(SELECT (EXTRACT(epoch FROM e) * 1000000)::int8 FROM unnest(${c}) WITH ORDINALITY AS x(e, o) ORDER BY o))::text END`,
};
const LIST_SQL = (c: string) => `array_to_json(${c})::text`;

/** A comparable rendering of one decoded cell (floats as numbers so -0 and NaN compare exactly). */
function cellText(type: RivetType, column: ColumnData, row: number): string | number | null {
  if (!isValid(column.validity, row)) return null;
  switch (column.layout) {
    case 'bool':
      return column.values[row] ? 'true' : 'false';
    case 'int16':
    case 'int32':
      return String(column.values[row]);
    case 'int64':
      return column.values[row]!.toString();
    case 'float32':
    case 'float64':
      return column.values[row]!;
    case 'decimal128':
      return formatDecimal(column.words, row * 4, type.kind === 'decimal' ? type.scale : 0);
    case 'fixedBinary': {
      const hex = Buffer.from(column.data.subarray(row * 16, row * 16 + 16)).toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'var': {
      const bytes = Buffer.from(column.data.subarray(column.offsets[row]!, column.offsets[row + 1]!));
      return type.kind === 'binary' ? bytes.toString('hex') : bytes.toString('utf8');
    }
    case 'list': {
      const item = type.kind === 'list' ? type.item : type;
      const parts: string[] = [];
      for (let i = column.offsets[row]!; i < column.offsets[row + 1]!; i++) {
        const v = cellText(item, column.child, i);
        parts.push(v === null ? 'null' : item.kind === 'utf8' ? JSON.stringify(v) : String(v));
      }
      return `[${parts.join(',')}]`;
    }
  }
}

function expectedCell(type: RivetType, text: string | null): string | number | null {
  if (text === null) return null;
  if (type.kind === 'float64') return Number(text);
  if (type.kind === 'float32') return Math.fround(Number(text));
  return text;
}

/** A digest of everything a batch column holds, typed-array bytes included. */
function canonical(column: ColumnData): unknown {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(column)) {
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      out[key] = `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`;
    } else if (key === 'child') out[key] = canonical(value as unknown as ColumnData);
    else out[key] = value;
  }
  return out;
}

function canonicalBatch(batch: Batch): unknown {
  return { length: batch.length, columns: batch.columns.map(canonical) };
}

/** Decodes `chunks` with a fresh parser; returns the batch and the rows `push` reported. */
function decode(
  columns: readonly ColumnSpec[],
  chunks: readonly Buffer[],
  maxValueBytes = 0,
  scribble = false,
): Batch {
  const decoder = new PgBatchDecoder(columns, 0);
  const parser = new CopyBinaryParser(decoder.copyColumns, maxValueBytes);
  let pushed = 0;
  for (const chunk of chunks) {
    // The driver reuses its receive buffer: whatever the parser keeps must survive that.
    const view = scribble ? Buffer.from(chunk) : chunk;
    pushed += parser.push(view);
    if (scribble) view.fill(0xa5);
  }
  parser.finish();
  expect(parser.ended).toBe(true);
  expect(pushed).toBe(parser.rows);
  const batch = decoder.take();
  expect(batch.length).toBe(parser.rows);
  return batch;
}

function splitAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    // Copies, so no chunk shares memory with the reference bytes or with another chunk.
    chunks.push(Buffer.from(bytes.subarray(from, p)));
    from = p;
  }
  return chunks;
}

function fixedChunks(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

function expectRivetError(fn: () => unknown, code: string, message: RegExp): RivetError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RivetError);
  expect((caught as RivetError).code).toBe(code);
  expect((caught as RivetError).message).toMatch(message);
  return caught as RivetError;
}

describe.skipIf(!available)('CopyBinaryParser on real COPY (FORMAT binary) bytes', () => {
  let db: TestSchema;
  let columns: readonly ColumnSpec[];
  let small: Buffer;
  let large: Buffer;
  let smallReference: Batch;
  let largeReference: unknown;

  async function copyBytes(sql: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const stream = db.client.query(copyStreams.to(`COPY (${sql}) TO STDOUT (FORMAT binary)`));
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  beforeAll(async () => {
    db = await createTestSchema('rivet_copy');
    await db.query(TABLE_DDL);
    await db.query("SET IntervalStyle = 'iso_8601'");
    const relation: SourceRelation = { kind: 'table', schema: db.name, name: 'wide' };
    columns = await describeRelation(db.client, relation, []);
    small = await copyBytes(`${selectSql(relation, columns)} WHERE id <= 4 ORDER BY id`);
    large = await copyBytes(`${selectSql(relation, columns)} ORDER BY id`);
    smallReference = decode(columns, [small]);
    largeReference = canonicalBatch(decode(columns, [large]));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('describes every column with the expected canonical type', () => {
    const kinds = Object.fromEntries(columns.map((c) => [c.name, c.type]));
    expect(kinds.n38).toEqual({ kind: 'decimal', precision: 38, scale: 10 });
    expect(kinds.an).toEqual({ kind: 'list', item: { kind: 'decimal', precision: 12, scale: 3 } });
    expect(kinds.tstz).toEqual({ kind: 'timestamp', utc: true });
    expect(kinds.ts).toEqual({ kind: 'timestamp', utc: false });
    expect(kinds.e).toEqual({ kind: 'enum' });
    expect(columns).toHaveLength(29);
    expect(small.length).toBeGreaterThan(500);
    expect(large.length).toBeGreaterThan(BIG_TEXT_BYTES);
  });

  it('decodes every value of the small stream exactly as the server has it', async () => {
    const select = columns
      .map((c) => {
        const q = `"${c.name}"`;
        const sql = EXPECTED_SQL[c.name] ?? (c.type.kind === 'list' ? LIST_SQL : (x: string) => `${x}::text`);
        return `${sql(q)} AS ${q}`;
      })
      .join(', ');
    const expected = await db.query(`SELECT ${select} FROM wide WHERE id <= 4 ORDER BY id`);
    expect(smallReference.length).toBe(4);
    columns.forEach((spec, c) => {
      for (let row = 0; row < smallReference.length; row++) {
        const want = expectedCell(spec.type, expected.rows[row][spec.name] as string | null);
        expect(cellText(spec.type, smallReference.columns[c]!, row), `${spec.name} row ${row + 1}`).toEqual(
          want,
        );
      }
    });
    // Row 2 is all NULL apart from the key.
    for (const column of smallReference.columns.slice(1)) expect(isValid(column.validity, 1)).toBe(false);
  });

  it('decodes the large stream: 300 rows, the 1 MB text intact', () => {
    const batch = decode(columns, [large]);
    expect(batch.length).toBe(300);
    const t = columns.findIndex((c) => c.name === 't');
    expect(cellText({ kind: 'utf8' }, batch.columns[t]!, 4)).toBe('x'.repeat(BIG_TEXT_BYTES));
    const id = batch.columns[0]!;
    expect(id.layout === 'int32' && [...id.values]).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('gives the identical batch when the small stream is split at every byte boundary', () => {
    const reference = canonicalBatch(smallReference);
    for (let cut = 1; cut < small.length; cut++) {
      expect(canonicalBatch(decode(columns, splitAt(small, [cut]))), `split at ${cut}`).toEqual(reference);
    }
  });

  it('gives the identical batch for 1-byte chunks and random partitions of the small stream', () => {
    const reference = canonicalBatch(smallReference);
    expect(canonicalBatch(decode(columns, fixedChunks(small, 1)))).toEqual(reference);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: small.length - 1 }), { maxLength: 40 }), (cuts) => {
        expect(canonicalBatch(decode(columns, splitAt(small, cuts)))).toEqual(reference);
      }),
      { numRuns: 200 },
    );
  });

  it('gives the identical batch for the large stream in chunks of any size, 1 byte included', () => {
    for (const size of [1, 2, 3, 5, 7, 16, 255, 1000, 4096, 65_536, 1 << 20]) {
      expect(canonicalBatch(decode(columns, fixedChunks(large, size))), `chunks of ${size}`).toEqual(
        largeReference,
      );
    }
  });

  it('keeps no views of pushed chunks: overwriting each chunk after push() changes nothing', () => {
    for (const size of [3, 1000, 65_536]) {
      expect(canonicalBatch(decode(columns, fixedChunks(large, size), 0, true)), `chunks of ${size}`).toEqual(
        largeReference,
      );
    }
  });

  it('gives the identical batch for the large stream split at random boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: large.length - 1 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 50 }),
        (cuts, tinyRun) => {
          // A burst of tiny chunks somewhere inside the big value, on top of the random cuts.
          const start = 2000 + ((cuts[0] ?? 0) % (BIG_TEXT_BYTES - 5000));
          let at = start;
          const tiny = tinyRun.map((n) => (at += n));
          expect(canonicalBatch(decode(columns, splitAt(large, [...cuts, ...tiny])))).toEqual(largeReference);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('requires the trailer: finish() throws on every truncation of the stream', () => {
    for (let length = 0; length < small.length; length++) {
      const decoder = new PgBatchDecoder(columns, 0);
      const parser = new CopyBinaryParser(decoder.copyColumns, 0);
      parser.push(small.subarray(0, length));
      expect(parser.ended).toBe(false);
      expectRivetError(() => parser.finish(), 'RIVET_SOURCE_PROTOCOL', /ended before its trailer/);
    }
    const parser = new CopyBinaryParser(new PgBatchDecoder(columns, 0).copyColumns, 0);
    expectRivetError(() => parser.finish(), 'RIVET_SOURCE_PROTOCOL', /trailer/);
  });

  it('requires that nothing follows the trailer', () => {
    const parser = new CopyBinaryParser(new PgBatchDecoder(columns, 0).copyColumns, 0);
    parser.push(Buffer.concat([small, Buffer.from([0])]));
    expect(parser.ended).toBe(true);
    expectRivetError(() => parser.finish(), 'RIVET_SOURCE_PROTOCOL', /trailer/);
  });

  it('throws RIVET_VALUE_TOO_LARGE naming the column when a value exceeds maxValueBytes', () => {
    for (const chunks of [[large], fixedChunks(large, 1), fixedChunks(large, 4096)]) {
      const error = expectRivetError(
        () => decode(columns, chunks, BIG_TEXT_BYTES - 1),
        'RIVET_VALUE_TOO_LARGE',
        /column 't' has a single value of 1\.0 MB/,
      );
      expect(error.hint).toMatch(/max_value_mb/);
    }
  });

  it('accepts a value of exactly maxValueBytes, and 0 disables the ceiling', () => {
    expect(canonicalBatch(decode(columns, [large], BIG_TEXT_BYTES))).toEqual(largeReference);
    expect(canonicalBatch(decode(columns, fixedChunks(large, 777), 0))).toEqual(largeReference);
  });

  it('throws when a tuple has a different number of fields than there are columns', () => {
    const decoder = new PgBatchDecoder(columns, 0);
    const fewer = new CopyBinaryParser(decoder.copyColumns.slice(1), 0);
    expectRivetError(
      () => fewer.push(small),
      'RIVET_SOURCE_PROTOCOL',
      /COPY tuple has 29 fields, expected 28/,
    );
    const more = new CopyBinaryParser([...decoder.copyColumns, decoder.copyColumns[0]!], 0);
    expectRivetError(
      () => more.push(small),
      'RIVET_SOURCE_PROTOCOL',
      /COPY tuple has 29 fields, expected 30/,
    );
  });

  it('throws when the stream does not start with the binary signature', () => {
    const parser = new CopyBinaryParser(new PgBatchDecoder(columns, 0).copyColumns, 0);
    const bad = Buffer.from(small);
    bad[0] = 0x51;
    expectRivetError(() => parser.push(bad), 'RIVET_SOURCE_PROTOCOL', /signature/);
  });

  it('skips a header extension area', () => {
    // Signature (11) + flags (4) + extension length (4), then the extension bytes.
    const extension = Buffer.from('extension!');
    const lengthField = Buffer.alloc(4);
    lengthField.writeUInt32BE(extension.length);
    const withExtension = Buffer.concat([small.subarray(0, 15), lengthField, extension, small.subarray(19)]);
    const reference = canonicalBatch(smallReference);
    expect(canonicalBatch(decode(columns, [withExtension]))).toEqual(reference);
    expect(canonicalBatch(decode(columns, fixedChunks(withExtension, 1)))).toEqual(reference);
  });

  it('counts the wire bytes of the decoded tuples (header and trailer excluded)', () => {
    const parser = new CopyBinaryParser(new PgBatchDecoder(columns, 0).copyColumns, 0);
    parser.push(small);
    expect(parser.bytes).toBe(small.length - 19 - 2);
    expect(parser.rows).toBe(4);
  });
});

describe.skipIf(!available)('numericTypmod agrees with the server’s typmods', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_typmod');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('decodes precision and (possibly negative) scale for every declared numeric', async () => {
    const declared = [
      [1, 0],
      [5, 2],
      [10, 10],
      [18, 4],
      [38, 0],
      [38, 10],
      [38, 38],
      [39, 2],
      [1000, 0],
      [1000, 1000],
      [5, -2],
      [3, 5],
      [1, -1000],
      [1000, -1000],
    ] as const;
    await db.query(
      `CREATE TABLE nums (${declared.map(([p, s], i) => `c${i} numeric(${p},${s})`).join(', ')}, bare numeric)`,
    );
    const result = await db.query(
      `SELECT attname, atttypmod::int4 AS typmod FROM pg_attribute
        WHERE attrelid = 'nums'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    const typmods = result.rows.map((r) => Number(r.typmod));
    declared.forEach(([precision, scale], i) => {
      expect(numericTypmod(typmods[i]!), `numeric(${precision},${scale})`).toEqual({ precision, scale });
    });
    expect(typmods.at(-1)).toBe(-1);
    expect(numericTypmod(-1)).toBeUndefined();
  });
});

describe.skipIf(!available)('numeric values from the server decode exactly (binary and text paths)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_numeric');
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Decodes one value through a fresh builder; the decimal text, or the error code. */
  function decodeOne(
    type: Extract<RivetType, { kind: 'decimal' }>,
    value: { binary: Buffer } | { text: string },
  ): string {
    const decoder = new PgBatchDecoder(
      [{ name: 'n', type, sourceType: 'numeric', override: formatRivetType(type) }],
      0,
    );
    try {
      if ('binary' in value) {
        const parser = new CopyBinaryParser(decoder.copyColumns, 0);
        const tuple = Buffer.alloc(6);
        tuple.writeInt16BE(1, 0);
        tuple.writeInt32BE(value.binary.length, 2);
        const header = Buffer.from('PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0', 'latin1');
        parser.push(Buffer.concat([header, tuple, value.binary, Buffer.from([0xff, 0xff])]));
        parser.finish();
      } else decoder.appendTextRow([value.text]);
      const column = decoder.take().columns[0]!;
      return column.layout === 'decimal128' ? formatDecimal(column.words, 0, type.scale) : 'wrong layout';
    } catch (error) {
      return error instanceof RivetError ? error.code : String(error);
    }
  }

  const sample = fc
    .record({
      digits: fc.stringMatching(/^[0-9]{1,40}$/),
      point: fc.integer({ min: 0, max: 45 }),
      zeros: fc.integer({ min: 0, max: 12 }),
      negative: fc.boolean(),
      precision: fc.integer({ min: 1, max: 38 }),
    })
    .chain((r) => fc.record({ r: fc.constant(r), scale: fc.integer({ min: 0, max: r.precision }) }))
    .map(({ r, scale }) => {
      const padded = r.digits.padStart(r.point + 1, '0');
      const cut = padded.length - r.point;
      const text = `${r.negative ? '-' : ''}${padded.slice(0, cut)}${r.point > 0 ? `.${padded.slice(cut)}` : ''}${r.point > 0 ? '0'.repeat(r.zeros) : ''}`;
      return { text, precision: r.precision, scale };
    });

  it('property: fits iff the server says x = round(x, s) and |x| < 10^(p-s); then the value is exact', async () => {
    const samples = fc.sample(sample, { numRuns: 3000, seed: 7 });
    const result = await db.query(
      `SELECT encode(numeric_send(x), 'hex') AS bin, x::text AS txt,
              (x = round(x, s) AND abs(x) < 10::numeric ^ (p - s)) AS fits,
              CASE WHEN x = round(x, s) AND abs(x) < 10::numeric ^ (p - s) THEN round(x, s)::text END AS want
         FROM unnest($1::numeric[], $2::int4[], $3::int4[]) WITH ORDINALITY AS t(x, p, s, n) ORDER BY n`,
      [samples.map((s) => s.text), samples.map((s) => s.precision), samples.map((s) => s.scale)],
    );
    let fitting = 0;
    samples.forEach((s, i) => {
      const row = result.rows[i];
      const type = { kind: 'decimal', precision: s.precision, scale: s.scale } as const;
      const expected =
        row.fits === 't' || row.fits === true ? (row.want as string) : 'RIVET_DATA_UNREPRESENTABLE';
      if (expected !== 'RIVET_DATA_UNREPRESENTABLE') fitting++;
      const label = `${s.text} as decimal(${s.precision},${s.scale})`;
      expect(decodeOne(type, { binary: Buffer.from(row.bin as string, 'hex') }), `binary ${label}`).toBe(
        expected,
      );
      expect(decodeOne(type, { text: row.txt as string }), `text ${label}`).toBe(expected);
    });
    // Both outcomes are well represented.
    expect(fitting).toBeGreaterThan(300);
    expect(samples.length - fitting).toBeGreaterThan(300);
  });

  it('fixed numerics: zero-only groups past the scale, tiny and huge weights, negative zero', async () => {
    const cases: [string, number, number, string][] = [
      ['1.50000000', 10, 2, '1.50'],
      ['-0.0000', 5, 0, '0'],
      ['0.00000001', 10, 8, '0.00000001'],
      ['0.00000001', 10, 7, 'RIVET_DATA_UNREPRESENTABLE'],
      ['100000000000000000000000000000000000', 38, 0, '100000000000000000000000000000000000'],
      ['99999999999999999999999999999999999999', 38, 0, '99999999999999999999999999999999999999'],
      ['100000000000000000000000000000000000000', 38, 0, 'RIVET_DATA_UNREPRESENTABLE'],
      ['12345678.12', 10, 2, '12345678.12'],
      ['123456789.12', 10, 2, 'RIVET_DATA_UNREPRESENTABLE'],
      ['-10000.0001', 9, 4, '-10000.0001'],
      ['10000.00010000', 9, 3, 'RIVET_DATA_UNREPRESENTABLE'],
    ];
    for (const [text, precision, scale, want] of cases) {
      const row = (await db.query(`SELECT encode(numeric_send($1::numeric), 'hex') AS bin`, [text])).rows[0];
      const type = { kind: 'decimal', precision, scale } as const;
      expect(decodeOne(type, { binary: Buffer.from(row.bin as string, 'hex') }), text).toBe(want);
      expect(decodeOne(type, { text }), text).toBe(want);
    }
  });

  it('NaN and ±Infinity are refused with their own name, on both paths', async () => {
    const type = { kind: 'decimal', precision: 10, scale: 2 } as const;
    for (const special of ['NaN', 'Infinity', '-Infinity']) {
      const row = (await db.query(`SELECT encode(numeric_send($1::numeric), 'hex') AS bin`, [special]))
        .rows[0];
      const inputs: ({ binary: Buffer } | { text: string })[] = [
        { binary: Buffer.from(row.bin as string, 'hex') },
        { text: special },
      ];
      for (const input of inputs) {
        const decoder = new PgBatchDecoder(
          [{ name: 'amount', type, sourceType: 'numeric', override: formatRivetType(type) }],
          0,
        );
        const run = () => {
          if ('binary' in input) decoder.copyColumns[0]!.decode(input.binary, 0, input.binary.length);
          else decoder.appendTextRow([input.text]);
        };
        expectRivetError(
          run,
          'RIVET_DATA_UNREPRESENTABLE',
          new RegExp(`column 'amount': numeric ${special.replace('+', '\\+')} cannot`),
        );
      }
    }
  });

  it('infinite and out-of-range timestamps and dates surface through the parser as errors naming the column', async () => {
    const stream = async (sql: string) => {
      const chunks: Buffer[] = [];
      for await (const chunk of db.client.query(copyStreams.to(`COPY (${sql}) TO STDOUT (FORMAT binary)`))) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    };
    const cases: [string, RivetType, RegExp][] = [
      [`SELECT 'infinity'::timestamp`, { kind: 'timestamp', utc: false }, /column 'x': timestamp infinity/],
      [
        `SELECT '-infinity'::timestamptz`,
        { kind: 'timestamp', utc: true },
        /column 'x': timestamp -infinity/,
      ],
      [`SELECT '294250-01-01'::timestamp`, { kind: 'timestamp', utc: false }, /column 'x': timestamp beyond/],
      [`SELECT 'infinity'::date`, { kind: 'date' }, /column 'x': date infinity/],
    ];
    for (const [sql, type, message] of cases) {
      const bytes = await stream(sql);
      const decoder = new PgBatchDecoder([{ name: 'x', type, sourceType: 'test' }], 0);
      const parser = new CopyBinaryParser(decoder.copyColumns, 0);
      expectRivetError(() => parser.push(bytes), 'RIVET_DATA_UNREPRESENTABLE', message);
    }
    // The last microsecond PostgreSQL and int64 Unix time share still decodes.
    const last = await stream(`SELECT '294247-01-10 04:00:54.775807'::timestamp`);
    const decoder = new PgBatchDecoder(
      [{ name: 'x', type: { kind: 'timestamp', utc: false }, sourceType: 'test' }],
      0,
    );
    const parser = new CopyBinaryParser(decoder.copyColumns, 0);
    parser.push(last);
    parser.finish();
    const column = decoder.take().columns[0]!;
    expect(column.layout === 'int64' && column.values[0]).toBe(2n ** 63n - 1n);
  });
});
