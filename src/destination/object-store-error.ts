/**
 * Layer: destination. One vocabulary for S3 and GCS failures: what went wrong is told
 * from the HTTP status and the store's error code, the message names the bucket and
 * prefix (never a secret), and only transient classes — throttling, 5xx, resets and
 * timeouts — are marked retryable. The SDKs have already retried those by then.
 */
import { RivetError } from '../common/errors.js';

export interface StoreFailure {
  /** `S3` or `GCS`. */
  readonly store: string;
  /** `s3://bucket/prefix/`: where the failure happened, for the message. */
  readonly where: string;
  /** What was being done: `uploading part-0.parquet`. */
  readonly doing: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'TimeoutError',
  'RequestTimeout',
]);
const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'Forbidden',
  'forbidden',
  'Unauthorized',
]);
const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'ProviderError']);

export function objectStoreError(failure: StoreFailure, error: unknown): RivetError {
  if (error instanceof RivetError) return error;
  const facts = errorFacts(error);
  const at = `${failure.store} destination ${failure.where}: ${failure.doing} failed`;
  const detail = `${facts.code ?? 'error'}${facts.status === undefined ? '' : ` (HTTP ${facts.status})`}: ${facts.message}`;
  const make = (code: string, hint: string, retryable = false) =>
    new RivetError(code, `${at}: ${detail}`, { hint, retryable, cause: error });

  if (facts.code === 'NoSuchBucket' || (facts.status === 404 && bucketMissing(facts.message))) {
    return make(
      'RIVET_DEST_BUCKET_NOT_FOUND',
      'create the bucket, or fix `destination.bucket` (and `region`)',
    );
  }
  if (
    CREDENTIAL_NAMES.has(facts.name ?? '') ||
    /could not load (the default )?credentials/i.test(facts.message)
  ) {
    return make(
      'RIVET_DEST_CREDENTIALS',
      failure.store === 'S3'
        ? 'no AWS credentials were found: set access_key_env/secret_key_env, aws_profile, or the environment of the default chain'
        : 'no Google credentials were found: set credentials_file or GOOGLE_APPLICATION_CREDENTIALS',
    );
  }
  if (/region is missing/i.test(facts.message)) {
    return make(
      'RIVET_DEST_REGION',
      'set `destination.region` (or AWS_REGION, or a region in the AWS profile)',
    );
  }
  if (facts.status === 401 || facts.status === 403 || AUTH_CODES.has(facts.code ?? '')) {
    return make(
      'RIVET_DEST_ACCESS_DENIED',
      'check the credentials, and that they may write, read and delete objects under this prefix',
    );
  }
  if (facts.status === 429 || facts.code === 'SlowDown' || facts.code === 'Throttling') {
    return make(
      'RIVET_DEST_THROTTLED',
      'the store is throttling requests; retry later or lower `parallel`',
      true,
    );
  }
  if (facts.status !== undefined && facts.status >= 500) {
    return make('RIVET_DEST_SERVER', 'the store failed on its side; a retry may succeed', true);
  }
  if (
    NETWORK_CODES.has(facts.code ?? '') ||
    NETWORK_CODES.has(facts.name ?? '') ||
    /socket hang up/.test(facts.message)
  ) {
    return make(
      'RIVET_DEST_UNREACHABLE',
      'check `destination.endpoint` / `region` and the network path to the store',
      true,
    );
  }
  return make('RIVET_DEST_WRITE', 'check the bucket, the prefix and the permissions of the credentials');
}

/** A create-only write met an existing object. */
export function objectExists(uri: string, cause?: unknown): RivetError {
  return new RivetError('RIVET_DEST_EXISTS', `refusing to overwrite existing object ${uri}`, {
    hint: 'parts and _SUCCESS are never overwritten; remove the object or write to another prefix',
    cause,
  });
}

/** The store holds other bytes than were sent; the caller has removed the object. */
export function corruptedInTransit(uri: string, detail: string, cause?: unknown): RivetError {
  return new RivetError('RIVET_DEST_INTEGRITY', `${uri} was corrupted in transit: ${detail}`, {
    hint: 'the object was removed and a retry rewrites it; if it repeats, check proxies between here and the store',
    retryable: true,
    cause,
  });
}

export interface ErrorFacts {
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly name: string | undefined;
  readonly message: string;
}

/** Reads AWS SDK (`$metadata`, `Code`, `name`) and gaxios (`response.status`, `code`) errors alike. */
export function errorFacts(error: unknown): ErrorFacts {
  const e = (error ?? {}) as {
    $metadata?: { httpStatusCode?: number };
    response?: { status?: number; data?: { error?: { message?: string; errors?: { reason?: string }[] } } };
    status?: number;
    Code?: string;
    code?: string | number;
    name?: string;
    message?: string;
    errors?: { reason?: string }[];
    cause?: { code?: string };
  };
  const status =
    e.$metadata?.httpStatusCode ??
    e.response?.status ??
    e.status ??
    (typeof e.code === 'number' ? e.code : undefined);
  const body = e.response?.data?.error;
  const code =
    e.Code ??
    (typeof e.code === 'string' && !/^\d+$/.test(e.code) ? e.code : undefined) ??
    e.errors?.[0]?.reason ??
    body?.errors?.[0]?.reason ??
    e.cause?.code ??
    (e.name !== 'Error' ? e.name : undefined);
  const message = firstLine(body?.message ?? e.message ?? String(error));
  // The GCS client gives up retrying with a plain Error: `Retry limit exceeded - status: 503 …`.
  const statusInText = message.match(/\bstatus(?: code)?:? (\d{3})\b/i)?.[1];
  return {
    status: status ?? (statusInText === undefined ? undefined : Number(statusInText)),
    code,
    name: e.name,
    message,
  };
}

/** GCS and S3 say so in these words; "No such object: <bucket>/<key>" is a missing object. */
export function bucketMissing(message: string): boolean {
  return /specified bucket does not exist|no such bucket|bucket not found/i.test(message);
}

/** A resumable-session URL authorizes its upload by itself: its query never reaches a message. */
function firstLine(text: string): string {
  const line = text
    .split('\n')[0]!
    .trim()
    .replace(/(https?:\/\/[^\s?]+)\?[^\s]*/g, '$1?…');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
