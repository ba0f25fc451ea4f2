import { describe, expect, it } from 'vitest';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { formatIsoDuration } from './my-duration.js';
import { keysetPage, quoteMyIdent, selectList } from './my-sql.js';
import { MY, mapMyField } from './my-type-map.js';

const columns: ColumnSpec[] = [
  { name: 'a', type: { kind: 'int64' }, sourceType: 'bigint(20)' },
  { name: 'b`x', type: { kind: 'utf8' }, sourceType: 'varchar(10)' },
  { name: 'f', type: { kind: 'float32' }, sourceType: 'float' },
  {
    name: 'bit',
    type: { kind: 'int32' },
    sourceType: 'bit(1)',
    override: 'int',
    convert: { from: { kind: 'bool' }, input: 'text', lossy: false },
  },
  { name: 'g', type: { kind: 'utf8' }, sourceType: 'geometry', readAsText: true, override: 'text' },
];
const table = { kind: 'table', schema: 'shop', name: 'orders' } as const;
const key = [
  { name: 'a', type: { kind: 'int64' } },
  { name: 'b`x', type: { kind: 'utf8' } },
] as const;

describe('MySQL SQL text', () => {
  it('reads spatial columns as well-known binary', () => {
    const geometry = {
      name: 'shape',
      type: { kind: 'binary' },
      sourceType: 'geometry',
      readAsWkb: true,
    } as const;
    expect(selectList([geometry])).toBe('ST_AsBinary(`shape`) AS `shape`');
  });

  it('quotes identifiers with doubled backticks', () => {
    expect(quoteMyIdent('we`ird')).toBe('`we``ird`');
  });

  it('widens FLOAT, reads BIT as a number under an int override and casts text overrides', () => {
    expect(selectList(columns)).toBe(
      '`a`, `b``x`, (`f` + 0e0) AS `f`, (`bit` + 0) AS `bit`, CAST(`g` AS CHAR) AS `g`',
    );
  });

  it('first page: pinned index, key order, limit, no predicate', () => {
    const page = keysetPage(table, columns.slice(0, 2), key, 'PRIMARY', undefined, 16);
    expect(page.sql).toBe(
      'SELECT `a`, `b``x` FROM `shop`.`orders` FORCE INDEX (`PRIMARY`) ORDER BY `a`, `b``x` LIMIT 16',
    );
    expect(page.values).toEqual([]);
  });

  it('next pages: expanded OR form, integers inline (exact digits), strings bound in order', () => {
    const page = keysetPage(
      table,
      columns.slice(0, 2),
      key,
      'PRIMARY',
      [{ inline: '-9007199254740993' }, { bind: "o'k" }],
      100,
    );
    expect(page.sql).toContain(
      'WHERE (`a` > -9007199254740993) OR (`a` = -9007199254740993 AND `b``x` > ?) ORDER BY `a`, `b``x` LIMIT 100',
    );
    expect(page.values).toEqual(["o'k"]);
  });

  it('wraps a query in a derived table on its own lines (a trailing comment cannot swallow the wrapper)', () => {
    const page = keysetPage(
      { kind: 'query', sql: 'SELECT 1 AS a -- note' },
      columns.slice(0, 1),
      key.slice(0, 1),
      undefined,
      undefined,
      5,
    );
    expect(page.sql).toBe('SELECT `a` FROM (\nSELECT 1 AS a -- note\n) AS _rivet ORDER BY `a` LIMIT 5');
  });
});

describe('MySQL TIME as an ISO 8601 duration', () => {
  it.each([
    ['838:59:59', 'PT838H59M59S'],
    ['-838:59:59.000000', 'PT-838H-59M-59S'],
    ['00:00:00', 'PT0S'],
    ['00:00:00.000001', 'PT0.000001S'],
    ['-00:00:01.500000', 'PT-1.5S'],
    ['25:00:00', 'PT25H'],
  ])('%s → %s', (text, iso) => {
    expect(formatIsoDuration(text)).toBe(iso);
  });
});

describe('MySQL field → Rivet type', () => {
  const field = (
    columnType: number,
    extra: Partial<{ flags: number; columnLength: number; decimals: number; characterSet: number }> = {},
  ) => ({
    name: 'c',
    columnType,
    flags: 0,
    columnLength: 11,
    decimals: 0,
    characterSet: 45,
    ...extra,
  });

  it('maps signed and unsigned integers to the narrowest exact type', () => {
    expect(mapMyField(field(MY.TINY, { columnLength: 1 }))).toMatchObject({ type: { kind: 'bool' } });
    expect(mapMyField(field(MY.TINY, { columnLength: 4 }))).toMatchObject({ type: { kind: 'int16' } });
    expect(mapMyField(field(MY.SHORT, { flags: 32 }))).toMatchObject({ type: { kind: 'int32' } });
    expect(mapMyField(field(MY.LONG, { flags: 32 }))).toMatchObject({ type: { kind: 'int64' } });
    expect(mapMyField(field(MY.LONGLONG, { flags: 32 }))).toMatchObject({
      type: { kind: 'decimal', precision: 20, scale: 0 },
    });
  });

  it('derives DECIMAL(p,s) from the protocol length (digits + point + sign)', () => {
    expect(mapMyField(field(MY.NEWDECIMAL, { columnLength: 12, decimals: 2 }))).toMatchObject({
      type: { kind: 'decimal', precision: 10, scale: 2 },
    });
    expect(mapMyField(field(MY.NEWDECIMAL, { columnLength: 11, decimals: 2, flags: 32 }))).toMatchObject({
      type: { kind: 'decimal', precision: 10, scale: 2 },
    });
    expect(mapMyField(field(MY.NEWDECIMAL, { columnLength: 67, decimals: 30 }))).toHaveProperty(
      'unsupported',
    );
  });

  it('separates binary strings from text by the binary character set', () => {
    expect(mapMyField(field(MY.BLOB, { characterSet: 63 }))).toMatchObject({ type: { kind: 'binary' } });
    expect(mapMyField(field(MY.BLOB))).toMatchObject({ type: { kind: 'utf8' } });
    expect(mapMyField(field(MY.STRING, { flags: 256 }))).toMatchObject({ type: { kind: 'enum' } });
    expect(mapMyField(field(MY.GEOMETRY))).toEqual({ type: { kind: 'binary' }, readAsWkb: true });
  });
});

describe('override reads', () => {
  it('reads BIT(1) as digits for an integer override, but a wide BIT as bytes (a uuid override)', () => {
    const bit128: ColumnSpec = {
      name: 'b',
      type: { kind: 'uuid' },
      sourceType: 'bit(128)',
      override: 'uuid',
      convert: { from: { kind: 'binary' }, input: 'bytes', lossy: false },
    };
    expect(selectList([bit128])).toBe('`b`');
  });
});
