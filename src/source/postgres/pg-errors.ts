/**
 * Layer: source/postgres. Driver errors become RivetErrors at this border, classified
 * by SQLSTATE or errno, so retries read `retryable`. The one exception: `pg`'s own
 * connection-loss errors carry neither, and are recognised by their fixed wording.
 */
import pg from 'pg';
import { ExitClass, RivetError } from '../../common/errors.js';
import { redact } from '../../common/redact.js';

interface PgLikeError {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly hint?: string;
}

const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

export interface PgErrorContext {
  /** `host:port/database`, never with credentials. */
  readonly target: string;
  /** What Rivet was doing, e.g. `reading export 'orders'`. */
  readonly doing: string;
}

/** Server and network errors become RivetErrors; anything else (a bug) passes through untouched. */
export function translatePgError(error: unknown, ctx: PgErrorContext): unknown {
  if (error instanceof RivetError) return error;
  const e = (error ?? {}) as PgLikeError;
  const code = e.code ?? '';
  const message = redact(e.message ?? String(error));
  const network =
    NETWORK_ERRNOS.has(code) ||
    /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error/i.test(
      message,
    );
  if (!network && !(error instanceof pg.DatabaseError)) return error;
  const detail = e.detail ? ` (${redact(e.detail)})` : '';
  const where = `PostgreSQL ${ctx.target}`;
  if (network) {
    return new RivetError('RIVET_SOURCE_UNREACHABLE', `${ctx.doing}: cannot reach ${where}: ${message}`, {
      hint: 'check that the server is running and the host/port are right; this error is retryable',
      retryable: true,
      cause: error,
    });
  }
  if (code.startsWith('28')) {
    return new RivetError(
      'RIVET_SOURCE_AUTH',
      `${ctx.doing}: ${where} rejected the credentials: ${message}`,
      {
        hint: 'check the user and the password (url_env / password_env) for this source',
        cause: error,
      },
    );
  }
  if (code === '3D000') {
    return new RivetError('RIVET_SOURCE_CONNECT', `${ctx.doing}: ${where}: ${message}`, {
      hint: 'check the database name in the source URL or `database:`',
      cause: error,
    });
  }
  if (code === '57014') {
    return new RivetError(
      'RIVET_SOURCE_STATEMENT_TIMEOUT',
      `${ctx.doing}: a statement on ${where} hit statement_timeout: ${message}`,
      {
        hint: 'raise `tuning.statement_timeout_s`, or make pages smaller (`tuning.batch_size_memory_mb`)',
        cause: error,
      },
    );
  }
  const transient =
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03', '25P03'].includes(code) ||
    (code.startsWith('53') && code !== '53100');
  return new RivetError(
    'RIVET_SOURCE_QUERY',
    `${ctx.doing}: ${where} reported ${code ? `${code} ` : ''}${message}${detail}`,
    {
      hint: e.hint
        ? redact(e.hint)
        : transient
          ? 'the server reported a transient condition; retry the run'
          : 'fix the query or the object it reads',
      retryable: transient,
      exitClass: transient ? ExitClass.usageOrTransient : ExitClass.failed,
      cause: error,
    },
  );
}
