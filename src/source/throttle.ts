/**
 * Layer: source (shared by the adapters). The `throttle_ms` pause: row-proportional, so
 * a page of 10,000 rows waits ten times as long as one of 1,000.
 */
import type { ReadBudget } from './source.js';

export async function throttle(budget: ReadBudget, rows: number): Promise<void> {
  if (budget.throttleMs <= 0 || budget.throttleRows <= 0) return;
  const ms = (budget.throttleMs * rows) / budget.throttleRows;
  if (ms >= 1) await new Promise((resolve) => setTimeout(resolve, ms));
}
