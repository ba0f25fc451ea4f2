/**
 * Layer: source/postgres. The read transaction: one REPEATABLE READ READ ONLY
 * snapshot with transaction-local settings, so nothing leaks into a pooled session.
 */
import type pg from 'pg';
import type { ReadBudget } from '../source.js';

/** Keeps a stalled Rivet from pinning the snapshot (and vacuum) forever. */
const IDLE_IN_TRANSACTION_MS = 300_000;

export function sessionSettingsSql(budget: ReadBudget, applicationName: string): string {
  const settings: [string, string][] = [
    ['statement_timeout', String(budget.statementTimeoutMs)],
    ['lock_timeout', String(budget.lockTimeoutMs)],
    ['idle_in_transaction_session_timeout', String(IDLE_IN_TRANSACTION_MS)],
    ['TimeZone', "'UTC'"],
    ['DateStyle', "'ISO, YMD'"],
    ['IntervalStyle', "'iso_8601'"],
    ['extra_float_digits', '1'],
    ['bytea_output', "'hex'"],
    ['application_name', `'${applicationName.replace(/'/g, "''")}'`],
  ];
  return settings.map(([name, value]) => `SET LOCAL ${name} = ${value}`).join('; ');
}

export async function beginSnapshot(
  client: pg.Client,
  budget: ReadBudget,
  applicationName: string,
): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(sessionSettingsSql(budget, applicationName));
}
