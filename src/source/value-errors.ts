/**
 * Layer: source (shared by the adapters). Errors for source values that cannot be
 * written exactly; each names the export column.
 */
import { RivetError } from '../common/errors.js';

export function unrepresentable(column: string, what: string, hint: string): RivetError {
  return new RivetError('RIVET_DATA_UNREPRESENTABLE', `column '${column}': ${what}`, { hint });
}

export function valueTooLarge(column: string, bytes: number, limit: number): RivetError {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  return new RivetError(
    'RIVET_VALUE_TOO_LARGE',
    `column '${column}' has a single value of ${mb(bytes)} MB, exceeding the per-value ceiling of ${mb(limit)} MB`,
    { hint: 'raise `tuning.max_value_mb` (0 disables the ceiling) or exclude the column from the export' },
  );
}

/** `max_value_mb: 0` disables the ceiling. */
export function effectiveValueLimit(maxValueBytes: number): number {
  return maxValueBytes > 0 ? maxValueBytes : Number.MAX_SAFE_INTEGER;
}

export const INFINITY_HINT =
  "Parquet and CSV have no infinite values; filter them or map them in a `query:` (e.g. NULLIF(col, 'infinity'))";

export function infiniteValue(column: string, what: string): RivetError {
  return unrepresentable(column, `${what} cannot be exported`, INFINITY_HINT);
}

export function numericSpecial(column: string, value: string): RivetError {
  return unrepresentable(
    column,
    `numeric ${value} cannot be written as a decimal`,
    "filter the value or map it in a `query:` (e.g. NULLIF(col, 'NaN'))",
  );
}

export function decimalDoesNotFit(
  column: string,
  precision: number,
  scale: number,
  value?: string,
): RivetError {
  return unrepresentable(
    column,
    `${value === undefined ? 'a value' : `the value ${value}`} does not fit decimal(${precision},${scale}) without rounding`,
    'widen the `columns:` override for this column (precision ≤ 38, enough scale)',
  );
}
