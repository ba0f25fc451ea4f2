import { describe, expect, it } from 'vitest';
import {
  daysOfMicros,
  parseBoolText,
  parseTimestampText,
  parseUuidText,
  scaledInteger,
} from './text-values.js';

describe('scaledInteger', () => {
  it.each([
    ['12.345', 2, 1235n, true],
    ['-12.345', 2, -1235n, true],
    ['12.344', 2, 1234n, true],
    ['12.3400', 2, 1234n, false],
    ['0.005', 2, 1n, true],
    ['0.0049', 2, 0n, true],
    ['-0.5', 0, -1n, true],
    ['1e+20', 0, 100000000000000000000n, false],
    ['1.5E-3', 4, 15n, false],
    ['1.5E-3', 3, 2n, true],
    ['.5', 1, 5n, false],
    ['7.', 0, 7n, false],
    ['000', 3, 0n, false],
    ['123456789012345678901234567890', 0, 123456789012345678901234567890n, false],
  ])('%s at scale %i is %s (altered %s)', (text, scale, value, altered) => {
    expect(scaledInteger(text, scale)).toEqual({ value, altered });
  });

  it.each(['', '-', '.', 'abc', '1.2.3', '1e', 'NaN', 'Infinity', '$1.00', '1,000'])('refuses %j', (text) => {
    expect(scaledInteger(text, 2)).toBeUndefined();
  });

  it('reports absurd exponents as overflow instead of building huge numbers', () => {
    expect(scaledInteger('1e999999', 0)).toBe('overflow');
  });
});

describe('parseTimestampText', () => {
  const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

  it('reads naive and offset forms as instants', () => {
    expect(parseTimestampText('2024-02-29 13:14:15.123456')).toEqual({
      micros: micros('2024-02-29T13:14:15.123Z') + 456n,
      truncated: false,
      hasOffset: false,
    });
    expect(parseTimestampText('2024-02-29T13:14:15+05:30')).toMatchObject({
      micros: micros('2024-02-29T07:44:15Z'),
      hasOffset: true,
    });
    expect(parseTimestampText('2024-01-01 00:00:00-08')).toMatchObject({
      micros: micros('2024-01-01T08:00:00Z'),
    });
    expect(parseTimestampText('2024-01-01')).toMatchObject({ micros: micros('2024-01-01T00:00:00Z') });
  });

  it('keeps BC dates and years past 9999 (astronomical years)', () => {
    const bc = parseTimestampText('0001-01-01 BC');
    expect(bc).not.toBe('zero');
    expect(daysOfMicros((bc as { micros: bigint }).micros).value).toBe(-719_528); // 0000-01-01: year 0 is a leap year, 366 days before 0001-01-01 (-719,162)
    expect(parseTimestampText('12345-06-07')).toBeDefined();
  });

  it('flags digits below the microsecond and zero dates; refuses impossible dates', () => {
    expect(parseTimestampText('2024-01-01 00:00:00.1234567')).toMatchObject({ truncated: true });
    expect(parseTimestampText('2024-01-01 00:00:00.1234560')).toMatchObject({ truncated: false });
    expect(parseTimestampText('0000-00-00 00:00:00')).toBe('zero');
    expect(parseTimestampText('2023-02-29')).toBeUndefined();
    expect(parseTimestampText('2023-13-01')).toBeUndefined();
    expect(parseTimestampText('2023-01-01 25:00:00')).toBeUndefined();
    expect(parseTimestampText('infinity')).toBeUndefined();
    expect(parseTimestampText('01/02/2023')).toBeUndefined();
  });

  it('floors to days, also before 1970', () => {
    expect(daysOfMicros(-1n)).toEqual({ value: -1, altered: true });
    expect(daysOfMicros(86_400_000_000n)).toEqual({ value: 1, altered: false });
  });
});

describe('parseUuidText and parseBoolText', () => {
  it('reads hyphenated, bare and braced UUIDs', () => {
    const out = new Uint8Array(16);
    for (const text of [
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'A0EEBC999C0B4EF8BB6D6BB9BD380A11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
    ]) {
      expect(parseUuidText(text, out, 0)).toBe(true);
      expect(Buffer.from(out).toString('hex')).toBe('a0eebc999c0b4ef8bb6d6bb9bd380a11');
    }
    expect(parseUuidText('a0eebc99-9c0b-4ef8-bb6d', out, 0)).toBe(false);
    expect(parseUuidText('g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', out, 0)).toBe(false);
  });

  it('reads booleans and nothing else', () => {
    expect(['t', 'TRUE', '1', 'f', 'false', '0'].map(parseBoolText)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(parseBoolText('2')).toBeUndefined();
    expect(parseBoolText('yes')).toBeUndefined();
  });
});
