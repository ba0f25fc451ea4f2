/**
 * Layer: source/postgres. Driver errors become RivetErrors at this border, classified
 * by SQLSTATE or errno, so retries read `retryable`. The one exception: `pg`'s own
 * connection-loss errors carry neither, and are recognised by their fixed wording.
 */
import pg from 'pg';
import { RivetError } from '../../common/errors.js';
import { redact } from '../../common/redact.js';
import { NETWORK_ERRNOS, type SourceErrorContext, sourceError } from '../source-error.js';

interface PgLikeError {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly hint?: string;
}

export type PgErrorContext = SourceErrorContext;

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
  const facts = { where: `PostgreSQL ${ctx.target}`, message, cause: error };
  if (network) return sourceError('unreachable', ctx, facts);
  if (code.startsWith('28')) return sourceError('auth', ctx, facts);
  if (code === '3D000') return sourceError('database', ctx, facts);
  if (code === '57014')
    return sourceError('statement-timeout', ctx, { ...facts, limit: 'statement_timeout' });
  const transient =
    code.startsWith('08') ||
    ['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03', '25P03'].includes(code) ||
    (code.startsWith('53') && code !== '53100');
  return sourceError(transient ? 'transient' : 'query', ctx, {
    ...facts,
    reported: `${code ? `${code} ` : ''}${message}${detail}`,
    serverHint: e.hint ? redact(e.hint) : undefined,
  });
}
