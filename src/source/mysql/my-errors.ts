/**
 * Layer: source/mysql. Driver errors become RivetErrors at this border, classified by
 * MySQL error number or errno (as upstream classifies them), so retries read
 * `retryable`; anything else (a bug) passes through untouched.
 */
import { ExitClass, RivetError } from '../../common/errors.js';
import { redact } from '../../common/redact.js';

interface MyLikeError {
  readonly code?: string;
  readonly errno?: number;
  readonly message?: string;
  readonly fatal?: boolean;
  readonly sqlState?: string;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);
/** Deadlock, lock wait timeout, too many connections, server shutdown, aborted connection. */
const TRANSIENT = new Set([1213, 1205, 1040, 1053, 1152, 1158, 1159, 1160, 1161, 2006, 2013]);
/** max_execution_time (MySQL) / max_statement_time (MariaDB) exceeded. */
const STATEMENT_TIMEOUT = new Set([3024, 1969]);

export interface MyErrorContext {
  readonly target: string;
  readonly doing: string;
}

export function translateMyError(error: unknown, ctx: MyErrorContext): unknown {
  if (error instanceof RivetError) return error;
  const e = (error ?? {}) as MyLikeError;
  const code = e.code ?? '';
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  const isServer = e.sqlState !== undefined && errno !== undefined;
  const network = NETWORK.has(code);
  if (!isServer && !network) return error;
  const message = redact(e.message ?? String(error));
  const where = `MySQL ${ctx.target}`;
  if (network) {
    return new RivetError('RIVET_SOURCE_UNREACHABLE', `${ctx.doing}: cannot reach ${where}: ${message}`, {
      hint: 'check that the server is running and the host/port are right; this error is retryable',
      retryable: true,
      cause: error,
    });
  }
  if (errno === 1045 || errno === 1044 || errno === 1698) {
    return new RivetError(
      'RIVET_SOURCE_AUTH',
      `${ctx.doing}: ${where} rejected the credentials: ${message}`,
      {
        hint: 'check the user and the password (url_env / password_env) for this source',
        cause: error,
      },
    );
  }
  if (errno === 1049) {
    return new RivetError('RIVET_SOURCE_CONNECT', `${ctx.doing}: ${where}: ${message}`, {
      hint: 'check the database name in the source URL or `database:`',
      cause: error,
    });
  }
  if (errno !== undefined && STATEMENT_TIMEOUT.has(errno)) {
    return new RivetError(
      'RIVET_SOURCE_STATEMENT_TIMEOUT',
      `${ctx.doing}: a statement on ${where} hit the statement time limit: ${message}`,
      {
        hint: 'raise `tuning.statement_timeout_s`, or make pages smaller (`tuning.batch_size_memory_mb`)',
        cause: error,
      },
    );
  }
  const transient = errno !== undefined && TRANSIENT.has(errno);
  return new RivetError('RIVET_SOURCE_QUERY', `${ctx.doing}: ${where} reported ${errno ?? code} ${message}`, {
    hint: transient
      ? 'the server reported a transient condition; retry the run'
      : 'fix the query or the object it reads',
    retryable: transient,
    exitClass: transient ? ExitClass.usageOrTransient : ExitClass.failed,
    cause: error,
  });
}
