import { describe, expect, it } from 'vitest';
import { RivetError } from '../common/errors.js';
import type { ChunkUnit } from '../contracts/run-plan.js';
import {
  type CutContext,
  cutDays,
  cutKeys,
  cutRanges,
  MAX_WINDOWS,
  nullUnit,
  rangeSizeForCount,
} from './chunk-cut.js';

function context(estimate?: number): CutContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { exportName: 'orders', column: 'id', estimate, warn: (m) => warnings.push(m), warnings };
}

/** `[lower, upper]` of each unit, and the operators of its bounds. */
const spans = (units: readonly ChunkUnit[]) => units.map((u) => [u.lower, u.upper]);
const ops = (units: readonly ChunkUnit[]) => units.map((u) => u.window.bounds.map((b) => b.op).join(' '));

function refusal(work: () => unknown): RivetError {
  try {
    work();
  } catch (error) {
    if (error instanceof RivetError) return error;
    throw error;
  }
  throw new Error('expected a RivetError');
}

describe('cutRanges', () => {
  it('cuts inclusive ranges of chunk_size values from min to max, the last one clipped', () => {
    const units = cutRanges('1', '10', 3n, context());
    expect(spans(units)).toEqual([
      ['1', '3'],
      ['4', '6'],
      ['7', '9'],
      ['10', '10'],
    ]);
    expect(ops(units)).toEqual(['>= <=', '>= <=', '>= <=', '>= <=']);
    expect(units.map((u) => u.index)).toEqual([0, 1, 2, 3]);
    expect(units[1]!.window).toEqual({
      columns: ['id'],
      bounds: [
        { op: '>=', value: '4' },
        { op: '<=', value: '6' },
      ],
    });
  });

  it('one value is one window; negative keys are cut the same way', () => {
    expect(spans(cutRanges('7', '7', 100n, context()))).toEqual([['7', '7']]);
    expect(spans(cutRanges('-5', '4', 5n, context()))).toEqual([
      ['-5', '-1'],
      ['0', '4'],
    ]);
  });

  it('keeps int64 keys beyond 2^53 exact, up to the int64 maximum', () => {
    expect(spans(cutRanges('9007199254740993', '9007199254741000', 3n, context()))).toEqual([
      ['9007199254740993', '9007199254740995'],
      ['9007199254740996', '9007199254740998'],
      ['9007199254740999', '9007199254741000'],
    ]);
    expect(spans(cutRanges('9223372036854775800', '9223372036854775807', 5n, context()))).toEqual([
      ['9223372036854775800', '9223372036854775804'],
      ['9223372036854775805', '9223372036854775807'],
    ]);
  });

  it(`refuses more than ${MAX_WINDOWS} windows before building any`, () => {
    const error = refusal(() => cutRanges('1', '100000000000', 1n, context(100_000_000_000)));
    expect(error.code).toBe('RIVET_PLAN_TOO_MANY_CHUNKS');
    expect(error.message).toContain('100000000000 windows');
  });

  it('refuses a sparse key span (far more windows than the row estimate needs), pointing at chunk_by_key', () => {
    const error = refusal(() => cutRanges('1', '9000000', 1000n, context(11)));
    expect(error.code).toBe('RIVET_PLAN_SPARSE_CHUNKS');
    expect(error.message).toContain('needs 9000 windows of 1000 values');
    expect(error.hint).toContain('chunk_by_key: id');
  });

  it('accepts a dense span, and a small plan however sparse', () => {
    // 1000 windows for ~1M rows in chunks of 1000: exactly what is needed.
    expect(cutRanges('1', '1000000', 1000n, context(1_000_000))).toHaveLength(1000);
    // Fewer than 4× the needed windows is not sparse.
    expect(cutRanges('1', '399000', 1000n, context(100_000))).toHaveLength(399);
    // 63 windows for one row: too small a plan to refuse.
    expect(cutRanges('1', '63000', 1000n, context(1))).toHaveLength(63);
    expect(() => cutRanges('1', '64000', 1000n, context(1))).toThrow(/sparse/);
  });

  it('warns, without refusing, when there is no row estimate and the plan is large', () => {
    const quiet = context(undefined);
    cutRanges('1', '999', 1n, quiet);
    expect(quiet.warnings).toEqual([]);
    const loud = context(undefined);
    expect(cutRanges('1', '1000', 1n, loud)).toHaveLength(1000);
    expect(loud.warnings).toEqual([
      "chunking 'id' makes 1000 windows and the source has no row estimate; many may be empty",
    ]);
  });
});

describe('rangeSizeForCount', () => {
  it('divides the span by the count, rounding up, so count windows (or fewer) cover it', () => {
    expect(rangeSizeForCount('1', '3000', 3)).toBe(1000n);
    expect(rangeSizeForCount('1', '10', 3)).toBe(4n);
    expect(rangeSizeForCount('5', '5', 4)).toBe(1n);
    expect(rangeSizeForCount('-10', '9', 4)).toBe(5n);
    expect(rangeSizeForCount('0', '9223372036854775807', 2)).toBe(4611686018427387904n);
  });

  it('a count cut of 1..10 in 3 is three windows covering every value once', () => {
    const units = cutRanges('1', '10', rangeSizeForCount('1', '10', 3), context());
    expect(spans(units)).toEqual([
      ['1', '4'],
      ['5', '8'],
      ['9', '10'],
    ]);
  });
});

describe('cutDays', () => {
  it('cuts half-open day windows [d, d + days) from the day of min to the day of max', () => {
    const units = cutDays('2024-01-30', '2024-02-02', 1, context());
    expect(spans(units)).toEqual([
      ['2024-01-30', '2024-01-31'],
      ['2024-01-31', '2024-02-01'],
      ['2024-02-01', '2024-02-02'],
      ['2024-02-02', '2024-02-03'],
    ]);
    expect(ops(units)).toEqual(['>= <', '>= <', '>= <', '>= <']);
  });

  it('reads timestamps by their date (UTC text), across a leap February and a year end', () => {
    expect(spans(cutDays('2024-02-26 13:00:00.5+00', '2024-03-05 23:59:59.999999+00', 7, context()))).toEqual(
      [
        ['2024-02-26', '2024-03-04'],
        ['2024-03-04', '2024-03-11'],
      ],
    );
    expect(spans(cutDays('2023-12-30 00:00:00', '2024-01-02 08:00:00', 2, context()))).toEqual([
      ['2023-12-30', '2024-01-01'],
      ['2024-01-01', '2024-01-03'],
    ]);
  });

  it('a value exactly at midnight starts its window: the previous window ends before it', () => {
    const units = cutDays('2024-03-01 00:00:00', '2024-03-03 00:00:00', 1, context());
    expect(units.at(-1)!.window.bounds).toEqual([
      { op: '>=', value: '2024-03-03' },
      { op: '<', value: '2024-03-04' },
    ]);
    expect(units.at(-2)!.window.bounds[1]).toEqual({ op: '<', value: '2024-03-03' });
  });

  it('keeps years below 100 as they are (not 19xx)', () => {
    expect(spans(cutDays('0050-12-31', '0051-01-01', 1, context()))).toEqual([
      ['0050-12-31', '0051-01-01'],
      ['0051-01-01', '0051-01-02'],
    ]);
  });

  it('refuses a zero date, a BC date and text that is not a date, instead of cutting around them', () => {
    for (const text of ['0000-00-00', '2024-00-05', '2024-01-00', '0044-03-15 BC']) {
      const error = refusal(() => cutDays(text, '2024-01-01', 7, context()));
      expect(error.code, text).toBe('RIVET_PLAN_CHUNK_COLUMN');
      expect(error.message).toContain(`holds '${text}', which no day window can hold`);
    }
    expect(refusal(() => cutDays('-infinity', '2024-01-01', 7, context())).message).toContain(
      "could not read '-infinity' from 'id' as a date",
    );
  });

  it('warns about a large plan of day windows without mentioning a row estimate; no sparse refusal', () => {
    const ctx = context(10);
    expect(cutDays('2020-01-01', '2022-12-31', 1, ctx)).toHaveLength(1096);
    expect(ctx.warnings).toEqual([
      "chunking 'id' makes 1096 day windows; many may be empty (raise chunk_by_days)",
    ]);
  });
});

describe('cutKeys', () => {
  it('windows between walked boundaries: (…, b0], (b0, b1], (b1, …)', () => {
    const units = cutKeys(['k-10', 'k-20'], 'code');
    expect(units.map((u) => u.window)).toEqual([
      { columns: ['code'], bounds: [{ op: '<=', value: 'k-10' }] },
      {
        columns: ['code'],
        bounds: [
          { op: '>', value: 'k-10' },
          { op: '<=', value: 'k-20' },
        ],
      },
      { columns: ['code'], bounds: [{ op: '>', value: 'k-20' }] },
    ]);
    expect(spans(units)).toEqual([
      [null, 'k-10'],
      ['k-10', 'k-20'],
      ['k-20', null],
    ]);
  });

  it('no boundary (fewer rows than chunk_size) is one unbounded window', () => {
    expect(cutKeys([], 'id')).toEqual([
      { index: 0, window: { columns: ['id'], bounds: [] }, lower: null, upper: null },
    ]);
  });
});

describe('nullUnit', () => {
  it('selects the NULL keys, numbered after the others', () => {
    expect(nullUnit(4, 'k')).toEqual({
      index: 4,
      window: { columns: ['k'], bounds: [], nulls: 'only' },
      lower: 'NULL',
      upper: 'NULL',
    });
  });
});
