import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  formatDate,
  formatTimeOfDay,
  formatTimestampWords,
  formatYear,
  MICROS_PER_DAY,
  PG_EPOCH_DAYS,
} from './temporal.js';

const MS_PER_DAY = 86_400_000;
/** JS Date covers ±10^8 days around 1970 (±8.64e15 ms), proleptic Gregorian throughout. */
const DATE_RANGE_DAYS = 100_000_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** An int64 as the (low, high) int32 word pair the builders store. */
function wordsOf(value: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n))];
}

/** Reference text of µs since the epoch, from JS Date (ms) plus the sub-millisecond digits. */
function referenceTimestamp(value: bigint, utc: boolean): string {
  const perMs = 1000n;
  let ms = value / perMs;
  let subMs = value % perMs;
  if (subMs < 0n) {
    ms -= 1n;
    subMs += perMs;
  }
  const d = new Date(Number(ms));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const fraction = `${pad(d.getUTCMilliseconds(), 3)}${String(subMs).padStart(3, '0')}`;
  return `${date}T${time}.${fraction}${utc ? 'Z' : ''}`;
}

describe('civilFromDays / daysFromCivil', () => {
  it('round-trips every day count in the int32 range (negative years and years > 9999 included)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (days) => {
        const { year, month, day } = civilFromDays(days);
        expect(month).toBeGreaterThanOrEqual(1);
        expect(month).toBeLessThanOrEqual(12);
        expect(day).toBeGreaterThanOrEqual(1);
        expect(day).toBeLessThanOrEqual(daysInMonth(year, month));
        expect(daysFromCivil(year, month, day)).toBe(days);
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips every valid civil date from year -1,000,000 to +1,000,000', () => {
    const civil = fc
      .record({
        year: fc.integer({ min: -1_000_000, max: 1_000_000 }),
        month: fc.integer({ min: 1, max: 12 }),
      })
      .chain(({ year, month }) =>
        fc.record({
          year: fc.constant(year),
          month: fc.constant(month),
          day: fc.integer({ min: 1, max: daysInMonth(year, month) }),
        }),
      );
    fc.assert(
      fc.property(civil, (c) => {
        expect(civilFromDays(daysFromCivil(c.year, c.month, c.day))).toEqual(c);
      }),
      { numRuns: 5000 },
    );
  });

  it('consecutive day counts are consecutive calendar days across 400-year eras', () => {
    // Around era boundaries (multiples of 146,097 days from 0000-03-01) and the epochs.
    const anchors = [-719_468, -719_468 - 146_097, -719_468 + 146_097 * 6, 0, PG_EPOCH_DAYS, 2_932_896];
    for (const anchor of anchors) {
      for (let days = anchor - 800; days < anchor + 800; days++) {
        const a = civilFromDays(days);
        const b = civilFromDays(days + 1);
        const next =
          a.day < daysInMonth(a.year, a.month)
            ? { ...a, day: a.day + 1 }
            : a.month < 12
              ? { year: a.year, month: a.month + 1, day: 1 }
              : { year: a.year + 1, month: 1, day: 1 };
        expect(b, `after day ${days}`).toEqual(next);
      }
    }
  });

  it('agrees with JS Date (Date.UTC) for every sampled day of years 1..9999', () => {
    const first = daysFromCivil(1, 1, 1);
    const last = daysFromCivil(9999, 12, 31);
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (days) => {
        const c = civilFromDays(days);
        const utc = new Date(Date.UTC(2000, c.month - 1, c.day));
        utc.setUTCFullYear(c.year); // Date.UTC maps years 0..99 to 1900..1999
        expect(utc.getTime() / MS_PER_DAY).toBe(days);
        const d = new Date(days * MS_PER_DAY);
        expect(c).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
      }),
      { numRuns: 5000 },
    );
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 1, 1)).toBe(PG_EPOCH_DAYS);
    const yearOne = new Date(0);
    yearOne.setUTCFullYear(1, 0, 1);
    expect(first).toBe(yearOne.getTime() / MS_PER_DAY);
    expect(last).toBe(Date.UTC(9999, 11, 31) / MS_PER_DAY);
  });

  it('agrees with JS Date over the whole Date range (years -271821..275760)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_RANGE_DAYS, max: DATE_RANGE_DAYS }), (days) => {
        const d = new Date(days * MS_PER_DAY);
        expect(civilFromDays(days)).toEqual({
          year: d.getUTCFullYear(),
          month: d.getUTCMonth() + 1,
          day: d.getUTCDate(),
        });
      }),
      { numRuns: 5000 },
    );
  });
});

describe('formatDate / formatYear: astronomical years, sign beyond 9999', () => {
  it('writes 44 BC (the Ides of March) as -0043-03-15', () => {
    expect(formatDate(daysFromCivil(-43, 3, 15))).toBe('-0043-03-15');
  });

  it('writes 1 BC as year 0000 and 2 BC as -0001', () => {
    expect(formatDate(daysFromCivil(0, 1, 1))).toBe('0000-01-01');
    expect(formatDate(daysFromCivil(0, 2, 29))).toBe('0000-02-29'); // year 0 is a leap year
    expect(formatDate(daysFromCivil(0, 1, 1) - 1)).toBe('-0001-12-31');
    expect(formatDate(daysFromCivil(1, 1, 1) - 1)).toBe('0000-12-31');
  });

  it('writes years past 9999 with a + sign and years before -9999 with all digits', () => {
    expect(formatDate(daysFromCivil(10000, 1, 1))).toBe('+10000-01-01');
    expect(formatDate(daysFromCivil(10000, 1, 1) - 1)).toBe('9999-12-31');
    expect(formatDate(daysFromCivil(-10000, 1, 1))).toBe('-10000-01-01');
    expect(formatDate(daysFromCivil(-4713, 11, 24))).toBe('-4713-11-24');
    expect(formatDate(2 ** 31 - 1)).toBe('+5881580-07-11');
    expect(formatDate(-(2 ** 31))).toBe('-5877641-06-23');
  });

  it('writes four-digit zero-padded years in between', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(-1)).toBe('1969-12-31');
    expect(formatDate(daysFromCivil(1, 1, 1))).toBe('0001-01-01');
    expect(formatDate(daysFromCivil(999, 12, 31))).toBe('0999-12-31');
    expect(formatYear(-1)).toBe('-0001');
    expect(formatYear(9999)).toBe('9999');
  });

  it('matches a JS Date rendering for any day in the Date range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_RANGE_DAYS, max: DATE_RANGE_DAYS }), (days) => {
        expect(formatDate(days)).toBe(
          referenceTimestamp(BigInt(days) * 86_400_000_000n, false).slice(0, -16),
        );
      }),
    );
  });
});

describe('formatTimeOfDay', () => {
  it('writes HH:MM:SS.ffffff with six fraction digits, 24:00:00 included', () => {
    expect(formatTimeOfDay(0)).toBe('00:00:00.000000');
    expect(formatTimeOfDay(1)).toBe('00:00:00.000001');
    expect(formatTimeOfDay(MICROS_PER_DAY - 1)).toBe('23:59:59.999999');
    expect(formatTimeOfDay(MICROS_PER_DAY)).toBe('24:00:00.000000');
    expect(formatTimeOfDay(((13 * 60 + 7) * 60 + 9) * 1_000_000 + 120)).toBe('13:07:09.000120');
  });
});

describe('formatTimestampWords', () => {
  it('floors pre-1970 sub-second values: -1 µs is 1969-12-31T23:59:59.999999', () => {
    expect(formatTimestampWords(...wordsOf(-1n), false)).toBe('1969-12-31T23:59:59.999999');
    expect(formatTimestampWords(...wordsOf(-1n), true)).toBe('1969-12-31T23:59:59.999999Z');
    expect(formatTimestampWords(...wordsOf(-999_999n), false)).toBe('1969-12-31T23:59:59.000001');
    expect(formatTimestampWords(...wordsOf(-1_000_000n), false)).toBe('1969-12-31T23:59:59.000000');
    expect(formatTimestampWords(...wordsOf(-86_400_000_001n), true)).toBe('1969-12-30T23:59:59.999999Z');
    expect(formatTimestampWords(...wordsOf(0n), true)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('is exact beyond 2^53 µs: the last microsecond of 9999', () => {
    const last = BigInt(daysFromCivil(10000, 1, 1)) * 86_400_000_000n - 1n;
    expect(last > 2n ** 53n).toBe(true);
    expect(formatTimestampWords(...wordsOf(last), true)).toBe('9999-12-31T23:59:59.999999Z');
    expect(formatTimestampWords(...wordsOf(last + 1n), false)).toBe('+10000-01-01T00:00:00.000000');
    // 44 BC, sub-second, far below -2^53 µs.
    const ides = BigInt(daysFromCivil(-43, 3, 15)) * 86_400_000_000n + 43_200_000_001n;
    expect(formatTimestampWords(...wordsOf(ides), true)).toBe('-0043-03-15T12:00:00.000001Z');
    expect(formatTimestampWords(...wordsOf(ides - 2n), true)).toBe('-0043-03-15T11:59:59.999999Z');
  });

  it('is exact on both sides of the ±2^53 fast-path boundary', () => {
    for (const base of [2n ** 53n, -(2n ** 53n)]) {
      for (let delta = -3n; delta <= 3n; delta++) {
        const value = base + delta;
        expect(formatTimestampWords(...wordsOf(value), true), String(value)).toBe(
          referenceTimestamp(value, true),
        );
      }
    }
  });

  it('formats the int64 extremes without crashing', () => {
    expect(formatTimestampWords(...wordsOf(INT64_MAX), true)).toBe('+294247-01-10T04:00:54.775807Z');
    expect(formatTimestampWords(...wordsOf(INT64_MIN), true)).toBe('-290308-12-21T19:59:05.224192Z');
    // Self-consistency: the printed civil fields give the value back.
    for (const value of [INT64_MAX, INT64_MIN]) {
      const text = formatTimestampWords(...wordsOf(value), false);
      const m = /^([+-]?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{6})$/.exec(text)!;
      const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
      const micros = ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1_000_000 + Number(m[7]);
      expect(BigInt(days) * 86_400_000_000n + BigInt(micros)).toBe(value);
    }
  });

  it('matches a BigInt + JS Date reference for random int64 values in the Date range', () => {
    const limit = BigInt(DATE_RANGE_DAYS) * 86_400_000_000n - 1n;
    const value = fc.oneof(
      fc.bigInt({ min: -limit, max: limit }),
      fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
      fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
    );
    fc.assert(
      fc.property(value, fc.boolean(), (v, utc) => {
        expect(formatTimestampWords(...wordsOf(v), utc)).toBe(referenceTimestamp(v, utc));
      }),
      { numRuns: 5000 },
    );
  });

  it('never crashes and always prints a valid shape for any int64', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (v) => {
        expect(formatTimestampWords(...wordsOf(v), true)).toMatch(
          /^(?:[+-]\d{5,}|-?\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/,
        );
      }),
    );
  });
});
