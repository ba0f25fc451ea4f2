/**
 * Layer: source (shared by the adapters). The RivetErrors a database read can end in.
 * Each adapter classifies its driver's errors (SQLSTATE, errno, wording) into a kind;
 * the codes, exit classes, retryability and hints are decided here, once.
 */
import { ExitClass, RivetError } from '../common/errors.js';

export interface SourceErrorContext {
  /** `host:port/database`, never with credentials. */
  readonly target: string;
  /** What Rivet was doing, e.g. `reading export 'orders'`. */
  readonly doing: string;
}

/** Socket-level failures: the server is not there (or went away). */
export const NETWORK_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

export type SourceErrorKind =
  | 'unreachable'
  | 'auth'
  | 'database'
  | 'statement-timeout'
  | 'query'
  | 'transient';

export interface SourceErrorFacts {
  /** `PostgreSQL host:port/db`, `MySQL host:port/db`. */
  readonly where: string;
  /** The driver's message, already redacted. */
  readonly message: string;
  readonly cause: unknown;
  /** For `statement-timeout`: the limit's name (`statement_timeout`). */
  readonly limit?: string;
  /** For `query`/`transient`: what the server reported after "reported" (code, message, detail). */
  readonly reported?: string;
  /** A hint from the server itself, preferred over Rivet's. */
  readonly serverHint?: string;
}

export function sourceError(kind: SourceErrorKind, ctx: SourceErrorContext, f: SourceErrorFacts): RivetError {
  const cause = f.cause;
  switch (kind) {
    case 'unreachable':
      return new RivetError(
        'RIVET_SOURCE_UNREACHABLE',
        `${ctx.doing}: cannot reach ${f.where}: ${f.message}`,
        {
          hint: 'check that the server is running and the host/port are right; this error is retryable',
          retryable: true,
          cause,
        },
      );
    case 'auth':
      return new RivetError(
        'RIVET_SOURCE_AUTH',
        `${ctx.doing}: ${f.where} rejected the credentials: ${f.message}`,
        {
          hint: 'check the user and the password (url_env / password_env) for this source',
          cause,
        },
      );
    case 'database':
      return new RivetError('RIVET_SOURCE_CONNECT', `${ctx.doing}: ${f.where}: ${f.message}`, {
        hint: 'check the database name in the source URL or `database:`',
        cause,
      });
    case 'statement-timeout':
      return new RivetError(
        'RIVET_SOURCE_STATEMENT_TIMEOUT',
        `${ctx.doing}: a statement on ${f.where} hit ${f.limit ?? 'the statement time limit'}: ${f.message}`,
        {
          hint: 'raise `tuning.statement_timeout_s`, or make pages smaller (`tuning.batch_size_memory_mb`)',
          cause,
        },
      );
    case 'query':
    case 'transient': {
      const transient = kind === 'transient';
      return new RivetError(
        'RIVET_SOURCE_QUERY',
        `${ctx.doing}: ${f.where} reported ${f.reported ?? f.message}`,
        {
          hint:
            f.serverHint ??
            (transient
              ? 'the server reported a transient condition; retry the run'
              : 'fix the query or the object it reads'),
          retryable: transient,
          exitClass: transient ? ExitClass.usageOrTransient : ExitClass.failed,
          cause,
        },
      );
    }
  }
}
