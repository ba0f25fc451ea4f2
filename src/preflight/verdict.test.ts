import { describe, expect, it } from 'vitest';
import { predictedPeakMb, recommendedParallel, recommendedProfile, verdictOf } from './verdict.js';

const base = { indexed: false, hasCursor: false, rows: undefined, avgRowBytes: undefined, parallel: 1 };

describe('verdictOf (upstream §4.3, top-down)', () => {
  it.each([
    [{ indexed: true, hasCursor: true, rows: 10_000_000 }, 'EFFICIENT'],
    [{ indexed: true, hasCursor: true, rows: 10_000_001 }, 'ACCEPTABLE'],
    [{ indexed: true, rows: 1e9 }, 'ACCEPTABLE'],
    [{ rows: 99_999 }, 'ACCEPTABLE'],
    [{ rows: undefined }, 'DEGRADED'],
    [{ rows: 1_000_000 }, 'DEGRADED'],
    [{ rows: 40_000_000, hasCursor: true }, 'DEGRADED'],
    [{ rows: 60_000_000, hasCursor: true }, 'UNSAFE'],
    [{ rows: 60_000_000, avgRowBytes: 100 }, 'DEGRADED'],
    [{ rows: 60_000_000, avgRowBytes: 100, parallel: 64 }, 'UNSAFE'],
  ] as const)('%o → %s', (input, verdict) => {
    expect(verdictOf({ ...base, ...input })).toBe(verdict);
  });
});

describe('recommendations (upstream §4.4)', () => {
  it('profiles by index and size', () => {
    expect(recommendedProfile(true, 1_000_000, 1)).toBe('fast');
    expect(recommendedProfile(true, 5_000_000, 1)).toBe('balanced');
    expect(recommendedProfile(true, 50_000_000, 1)).toBe('safe');
    expect(recommendedProfile(false, 50_000, 1)).toBe('balanced');
    expect(recommendedProfile(false, 50_000, 2)).toBe('safe');
    expect(recommendedProfile(false, 2_000_000, 1)).toBe('safe');
  });

  it('parallelism: 1 outside chunked, capped at 4', () => {
    expect(recommendedParallel('other', true, 1e8, 8)).toBe(1);
    expect(recommendedParallel('chunked-key', true, 1e8, 3)).toBe(3);
    expect(recommendedParallel('chunked', true, 10_000, 4)).toBe(1);
    expect(recommendedParallel('chunked', false, 6_000_000, 4)).toBe(1);
    expect(recommendedParallel('chunked', false, 1_000_000, 4)).toBe(2);
    expect(recommendedParallel('chunked', true, 400_000, 4)).toBe(2);
    expect(recommendedParallel('chunked', true, 4e9, 8)).toBe(4);
  });

  it('the memory model matches the bench: ~220 MB for one worker on narrow rows', () => {
    expect(predictedPeakMb(40, 1)).toBeGreaterThan(180);
    expect(predictedPeakMb(40, 1)).toBeLessThan(240);
    expect(predictedPeakMb(undefined, 1)).toBeUndefined();
    expect(predictedPeakMb(100_000, 1)).toBe(288);
  });
});
