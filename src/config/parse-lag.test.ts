import { describe, expect, it } from 'vitest';
import { parseLag } from './parse-lag.js';

describe('parseLag', () => {
  it.each([
    ['30s', 30_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['0s', 0],
    ['0d', 0],
    [' 2H ', 7_200_000],
    ['15 m', 900_000],
  ])('%j is %i ms', (text, ms) => {
    expect(parseLag(text)).toBe(ms);
  });

  it.each(['5 minutes', '5min', '1.5h', '-1h', '10', 'h', '', '1h30m', '1w', 'PT1H'])(
    '%j is not a lag',
    (text) => {
      expect(parseLag(text)).toBeUndefined();
    },
  );

  it('refuses a lag too long to count in milliseconds exactly', () => {
    expect(parseLag('104249991374d')).toBeUndefined();
    expect(parseLag('104249991d')).toBe(104_249_991 * 86_400_000);
  });
});
