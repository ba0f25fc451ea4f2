/**
 * Layer: source/mysql. Driver errors become RivetErrors at this border, classified by
 * MySQL error number or errno (as upstream classifies them), so retries read
 * `retryable`; anything else (a bug) passes through untouched.
 */
import { RivetError } from '../../common/errors.js';
import { redact } from '../../common/redact.js';
import { NETWORK_ERRNOS, type SourceErrorContext, sourceError } from '../source-error.js';

interface MyLikeError {
  readonly code?: string;
  readonly errno?: number;
  readonly message?: string;
  readonly fatal?: boolean;
  readonly sqlState?: string;
}

/** mysql2's own words for a lost or timed-out connection, besides the socket errnos. */
const NETWORK = new Set([...NETWORK_ERRNOS, 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']);
/** Deadlock, lock wait timeout, too many connections, server shutdown, aborted connection. */
const TRANSIENT = new Set([1213, 1205, 1040, 1053, 1152, 1158, 1159, 1160, 1161, 2006, 2013]);
/** max_execution_time (MySQL) / max_statement_time (MariaDB) exceeded. */
const STATEMENT_TIMEOUT = new Set([3024, 1969]);

export type MyErrorContext = SourceErrorContext;

export function translateMyError(error: unknown, ctx: MyErrorContext): unknown {
  if (error instanceof RivetError) return error;
  const e = (error ?? {}) as MyLikeError;
  const code = e.code ?? '';
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  const isServer = e.sqlState !== undefined && errno !== undefined;
  const network = NETWORK.has(code);
  if (!isServer && !network) return error;
  const message = redact(e.message ?? String(error));
  const facts = { where: `MySQL ${ctx.target}`, message, cause: error };
  if (network) return sourceError('unreachable', ctx, facts);
  if (errno === 1045 || errno === 1044 || errno === 1698) return sourceError('auth', ctx, facts);
  if (errno === 1049) return sourceError('database', ctx, facts);
  if (errno !== undefined && STATEMENT_TIMEOUT.has(errno))
    return sourceError('statement-timeout', ctx, facts);
  const transient = errno !== undefined && TRANSIENT.has(errno);
  return sourceError(transient ? 'transient' : 'query', ctx, {
    ...facts,
    reported: `${errno ?? code} ${message}`,
  });
}
