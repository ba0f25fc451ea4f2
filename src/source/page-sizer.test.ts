import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PageLimits, PageSizer } from './page-sizer.js';

const LIMITS: PageLimits = { targetMs: 1000, maxBytes: 64 * 1024 * 1024, minRows: 100, maxRows: 1_000_000 };

describe('PageSizer', () => {
  it('clamps the initial page size into [minRows, maxRows]', () => {
    expect(new PageSizer(1000, LIMITS).rows).toBe(1000);
    expect(new PageSizer(5, LIMITS).rows).toBe(100);
    expect(new PageSizer(5_000_000, LIMITS).rows).toBe(1_000_000);
  });

  it('grows at most 4× per step even when time and bytes allow far more', () => {
    const sizer = new PageSizer(1000, LIMITS);
    sizer.observe(1000, 1000, 1); // 1 ms and 1 byte per row: both budgets allow millions
    expect(sizer.rows).toBe(4000);
    sizer.observe(4000, 4000, 1);
    expect(sizer.rows).toBe(16_000);
    sizer.observe(16_000, 16_000, 1);
    expect(sizer.rows).toBe(64_000);
    sizer.observe(64_000, 64_000, 1);
    expect(sizer.rows).toBe(256_000);
    sizer.observe(256_000, 256_000, 1);
    expect(sizer.rows).toBe(1_000_000); // capped by maxRows
    sizer.observe(1_000_000, 1_000_000, 1);
    expect(sizer.rows).toBe(1_000_000);
  });

  it('shrinks at once (no cap) to meet the time target', () => {
    const sizer = new PageSizer(100_000, LIMITS);
    sizer.observe(100_000, 1000, 10_000); // 10× over the 1 s target
    expect(sizer.rows).toBe(10_000);
  });

  it('sizes to the time target: rows × targetMs / ms', () => {
    const sizer = new PageSizer(1000, LIMITS);
    sizer.observe(1000, 1000, 500); // half the target → twice the rows
    expect(sizer.rows).toBe(2000);
    sizer.observe(2000, 2000, 1600); // 1.6 s for 2000 rows → 1250 rows per second
    expect(sizer.rows).toBe(1250);
  });

  it('sizes to the byte budget: rows × maxBytes / bytes', () => {
    const sizer = new PageSizer(1000, { ...LIMITS, maxBytes: 1_000_000 });
    sizer.observe(1000, 500_000, 1); // 500 bytes per row → 2000 rows fit
    expect(sizer.rows).toBe(2000);
    sizer.observe(2000, 8_000_000, 1); // 4000 bytes per row → 250 rows
    expect(sizer.rows).toBe(250);
  });

  it('takes the tighter of the two budgets', () => {
    const sizer = new PageSizer(1000, { ...LIMITS, maxBytes: 1_000_000 });
    sizer.observe(1000, 400_000, 800); // bytes allow 2500, time allows 1250
    expect(sizer.rows).toBe(1250);
    sizer.observe(1250, 1_000_000, 100); // bytes allow 1250, time allows 12,500
    expect(sizer.rows).toBe(1250);
  });

  it('never goes below minRows, even for huge rows or slow statements', () => {
    const sizer = new PageSizer(1000, LIMITS);
    sizer.observe(1000, 10 * 1024 ** 3, 1);
    expect(sizer.rows).toBe(100);
    sizer.observe(100, 1, 3_600_000);
    expect(sizer.rows).toBe(100);
  });

  it('ignores empty observations and treats 0 ms / 0 bytes as 1', () => {
    const sizer = new PageSizer(1000, LIMITS);
    sizer.observe(0, 0, 0);
    expect(sizer.rows).toBe(1000);
    sizer.observe(1000, 0, 0);
    expect(sizer.rows).toBe(4000);
  });

  it('always returns an integer within [minRows, maxRows], ≤ 4× the previous size', () => {
    const limits = fc.record({
      targetMs: fc.integer({ min: 1, max: 60_000 }),
      maxBytes: fc.integer({ min: 1, max: 2 ** 34 }),
      minRows: fc.integer({ min: 1, max: 1000 }),
      maxRows: fc.integer({ min: 1000, max: 10_000_000 }),
    });
    const step = fc.record({
      bytesPerRow: fc.double({ min: 0, max: 1e7, noNaN: true }),
      ms: fc.double({ min: 0, max: 1e6, noNaN: true }),
    });
    fc.assert(
      fc.property(
        limits,
        fc.integer({ min: 0, max: 20_000_000 }),
        fc.array(step, { maxLength: 20 }),
        (l, initial, steps) => {
          const sizer = new PageSizer(initial, l);
          for (const s of steps) {
            const before = sizer.rows;
            sizer.observe(before, before * s.bytesPerRow, s.ms);
            const after = sizer.rows;
            expect(Number.isInteger(after)).toBe(true);
            expect(after).toBeGreaterThanOrEqual(l.minRows);
            expect(after).toBeLessThanOrEqual(l.maxRows);
            expect(after).toBeLessThanOrEqual(Math.max(before * 4, l.minRows));
          }
        },
      ),
    );
  });

  it('a resume hint lets the second page jump to it once, never past the memory budget', () => {
    const limits = { targetMs: 100, maxBytes: 1 << 30, minRows: 1, maxRows: 1_000_000 };
    const sizer = new PageSizer(16, limits, 50_000);
    expect(sizer.rows).toBe(16);
    sizer.observe(16, 16 * 10, 1); // fast and narrow: the hint is the ceiling, not 4×
    expect(sizer.rows).toBe(50_000);
    sizer.observe(50_000, 50_000 * 10, 1); // back to ≤ 4× a step
    expect(sizer.rows).toBe(200_000);
    const wide = new PageSizer(16, { ...limits, maxBytes: 1_000_000 }, 50_000);
    wide.observe(16, 16 * 1000, 1); // 1 kB rows: the memory budget caps the jump
    expect(wide.rows).toBe(1000);
  });
});
