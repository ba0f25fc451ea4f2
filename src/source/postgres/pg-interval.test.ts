import fc from 'fast-check';
import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../../test/support/pg-test-db.js';
import { CopyBinaryParser } from './copy-binary-parser.js';
import { formatIsoInterval } from './pg-interval.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

describe('formatIsoInterval fixed cases', () => {
  it('writes the zero interval as PT0S', () => {
    expect(formatIsoInterval(0, 0, 0n)).toBe('PT0S');
  });

  it('writes each field with its own sign (PostgreSQL keeps months, days and time apart)', () => {
    expect(formatIsoInterval(0, -1, -1n)).toBe('P-1DT-0.000001S');
    expect(formatIsoInterval(0, 1, -1n)).toBe('P1DT-0.000001S');
    expect(formatIsoInterval(-13, 0, 0n)).toBe('P-1Y-1M');
    expect(formatIsoInterval(12, -30, 3_600_000_000n)).toBe('P1Y-30DT1H');
  });

  it('writes P1Y2M3DT4H5M6.789S with trailing fraction zeros dropped', () => {
    const micros = ((4n * 60n + 5n) * 60n + 6n) * 1_000_000n + 789_000n;
    expect(formatIsoInterval(14, 3, micros)).toBe('P1Y2M3DT4H5M6.789S');
  });

  it('omits zero parts, and T when the time is zero', () => {
    expect(formatIsoInterval(1, 0, 0n)).toBe('P1M');
    expect(formatIsoInterval(0, 7, 0n)).toBe('P7D');
    expect(formatIsoInterval(0, 0, 60_000_000n)).toBe('PT1M');
    expect(formatIsoInterval(0, 0, 3_600_000_001n)).toBe('PT1H0.000001S');
    expect(formatIsoInterval(0, 0, -500_000n)).toBe('PT-0.5S');
  });

  it('handles the int64 microsecond extremes', () => {
    expect(formatIsoInterval(0, 0, INT64_MAX)).toBe('PT2562047788H54.775807S');
    expect(formatIsoInterval(INT32_MIN, INT32_MAX, INT64_MIN)).toBe(
      'P-178956970Y-8M2147483647DT-2562047788H-54.775808S',
    );
  });
});

const available = await postgresAvailable();

interface Sample {
  readonly months: number;
  readonly days: number;
  readonly micros: bigint;
}

const int32Field = fc.oneof(
  fc.constant(0),
  fc.integer({ min: -30, max: 30 }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n * 12),
  fc.constantFrom(INT32_MIN, INT32_MAX, INT32_MIN + 1, -12, 12, -11, 11),
  fc.integer({ min: INT32_MIN, max: INT32_MAX }),
);

const microsField = fc.oneof(
  fc.constant(0n),
  fc.bigInt({ min: -2_000_000n, max: 2_000_000n }),
  // Whole seconds, minutes and hours (no fraction, no seconds part).
  fc.bigInt({ min: -100_000n, max: 100_000n }).map((n) => n * 1_000_000n),
  fc.bigInt({ min: -100_000n, max: 100_000n }).map((n) => n * 60_000_000n),
  fc.bigInt({ min: -100_000n, max: 100_000n }).map((n) => n * 3_600_000_000n),
  // Fractions with trailing zeros to strip.
  fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).map((n) => n * 1000n),
  fc.constantFrom(INT64_MIN, INT64_MAX, -1n, 1n, 999_999n, -999_999n, 86_400_000_000n),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);

const sample: fc.Arbitrary<Sample> = fc.record({ months: int32Field, days: int32Field, micros: microsField });

/** Decodes the raw (micros, days, months) fields of a one-column interval COPY binary stream. */
async function copyIntervalFields(db: TestSchema, sql: string): Promise<Sample[]> {
  const fields: Sample[] = [];
  const parser = new CopyBinaryParser(
    [
      {
        name: 'iv',
        decode: (buf, start, len) => {
          expect(len).toBe(16);
          fields.push({
            micros: buf.readBigInt64BE(start),
            days: buf.readInt32BE(start + 8),
            months: buf.readInt32BE(start + 12),
          });
        },
        appendNull: () => {
          throw new Error('unexpected NULL interval');
        },
      },
    ],
    0,
  );
  const stream = db.client.query(copyStreams.to(`COPY (${sql}) TO STDOUT (FORMAT binary)`));
  for await (const chunk of stream) parser.push(chunk as Buffer);
  parser.finish();
  return fields;
}

describe.skipIf(!available)('formatIsoInterval agrees with PostgreSQL IntervalStyle = iso_8601', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_interval');
    await db.query("SET IntervalStyle = 'iso_8601'");
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Builds each interval from three literals, one per field, so nothing is normalised. */
  const INTERVALS_SQL = `SELECT n, ((m || ' months')::interval + (d || ' days')::interval + (u || ' microseconds')::interval) AS iv
      FROM unnest($1::int4[], $2::int4[], $3::int8[]) WITH ORDINALITY AS t(m, d, u, n) ORDER BY n`;

  async function serverTexts(samples: readonly Sample[]): Promise<string[]> {
    const result = await db.query(`SELECT iv::text AS t FROM (${INTERVALS_SQL}) AS x ORDER BY n`, [
      samples.map((s) => s.months),
      samples.map((s) => s.days),
      samples.map((s) => s.micros.toString()),
    ]);
    return result.rows.map((r) => r.t as string);
  }

  it('fixed cases match the server text', async () => {
    const fixed: Sample[] = [
      { months: 0, days: 0, micros: 0n },
      { months: 0, days: -1, micros: -1n },
      { months: 14, days: 3, micros: 14_706_789_000n },
      { months: -13, days: 0, micros: 0n },
      { months: 0, days: 0, micros: INT64_MAX },
      { months: INT32_MIN, days: INT32_MAX, micros: INT64_MIN },
      { months: 0, days: 0, micros: -3_599_999_999n },
    ];
    const texts = await serverTexts(fixed);
    expect(texts).toEqual(fixed.map((s) => formatIsoInterval(s.months, s.days, s.micros)));
    expect(texts.slice(0, 3)).toEqual(['PT0S', 'P-1DT-0.000001S', 'P1Y2M3DT4H5M6.789S']);
  });

  it('the test construction keeps months, days and time as separate fields', async () => {
    const samples = fc.sample(sample, { numRuns: 300, seed: 42 });
    await db.query('CREATE TABLE intervals (n int, iv interval)');
    await db.query(`INSERT INTO intervals SELECT n, iv FROM (${INTERVALS_SQL}) AS x`, [
      samples.map((s) => s.months),
      samples.map((s) => s.days),
      samples.map((s) => s.micros.toString()),
    ]);
    expect(await copyIntervalFields(db, 'SELECT iv FROM intervals ORDER BY n')).toEqual(samples);
  });

  it('property: random (months, days, micros) incl. negatives, zeros, mixed signs and extremes', async () => {
    // Batched: each property run checks 200 intervals in one round trip.
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { minLength: 1, maxLength: 200 }), async (samples) => {
        const texts = await serverTexts(samples);
        samples.forEach((s, i) => {
          expect(
            formatIsoInterval(s.months, s.days, s.micros),
            JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
          ).toBe(texts[i]);
        });
      }),
      { numRuns: 50 },
    );
  });
});
