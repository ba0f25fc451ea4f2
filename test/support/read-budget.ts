/**
 * Test support: the read budget the source-safety suites start from (4 MB pages, a 50 ms
 * statement target, a 10 s statement limit, no throttle).
 */
import type { ReadBudget } from '../../src/source/source.js';

export const TEST_BUDGET: ReadBudget = {
  batchBytes: 4 << 20,
  statementTimeoutMs: 10_000,
  lockTimeoutMs: 1_000,
  targetStatementMs: 50,
  maxValueBytes: 1 << 28,
  throttleMs: 0,
  throttleRows: 1,
  batchRows: 10_000,
  maxBatchRows: 1_000_000,
};
