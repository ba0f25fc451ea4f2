/**
 * Layer: source/postgres. The error raised when a source value cannot be written
 * exactly; it always names the export column.
 */
import { RivetError } from '../../common/errors.js';

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
