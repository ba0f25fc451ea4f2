import { describe, expect, it } from 'vitest';
import { planFacts } from './pg-diagnostics.js';

describe('planFacts', () => {
  it('finds scans, indexes and sorts, and the largest memory a sort/hash node expects', () => {
    const plan = {
      'Node Type': 'Limit',
      'Plan Rows': 10,
      'Plan Width': 40,
      Plans: [
        {
          'Node Type': 'Sort',
          'Plan Rows': 1000,
          'Plan Width': 40,
          Plans: [
            { 'Node Type': 'Seq Scan', 'Relation Name': 'orders', 'Plan Rows': 1000, 'Plan Width': 40 },
            {
              'Node Type': 'Index Scan',
              'Index Name': 'orders_pkey',
              'Plan Rows': 9_000_000,
              'Plan Width': 40,
            },
          ],
        },
      ],
    };
    expect(planFacts(plan, 'SELECT …')).toEqual({
      statement: 'SELECT …',
      fullScans: ['orders'],
      indexes: ['orders_pkey'],
      sorts: true,
      temp: false,
      // The index scan under the sort is large, but it holds nothing in memory.
      memoryBytes: 40_000,
      estimatedRows: 10,
      estimatedWidth: 40,
    });
  });

  it('reports nothing for a plain index range', () => {
    const plan = { 'Node Type': 'Index Scan', 'Index Name': 'k', 'Plan Rows': 16, 'Plan Width': 8 };
    expect(planFacts(plan, 'q')).toMatchObject({ fullScans: [], sorts: false, memoryBytes: 0 });
  });
});
