/**
 * Layer: contracts. Where an S3 or GCS destination writes and how it authenticates.
 * Secrets are named (environment variables, a key file), never held: they are read
 * when the destination opens, so a plan or an error message can never carry one.
 */

export interface S3Plan {
  readonly kind: 's3';
  readonly bucket: string;
  /** Empty, or ends in `/`; part keys follow it. */
  readonly prefix: string;
  readonly region: string | undefined;
  /** A custom endpoint (MinIO, R2, a local test server); requests then use path-style URLs. */
  readonly endpoint: string | undefined;
  readonly profile: string | undefined;
  readonly keys:
    | { readonly accessKeyEnv: string; readonly secretKeyEnv: string; readonly sessionTokenEnv?: string }
    | undefined;
}

export interface GcsPlan {
  readonly kind: 'gcs';
  readonly bucket: string;
  readonly prefix: string;
  readonly endpoint: string | undefined;
  /** A service-account JSON key; otherwise Application Default Credentials. */
  readonly credentialsFile: string | undefined;
  /** Unauthenticated requests (a public bucket, or a local test server). */
  readonly anonymous: boolean;
}

/** `s3://bucket/prefix/` or `gs://bucket/prefix/`: how manifests, messages and checks name the place. */
export function objectStoreUri(plan: {
  readonly kind: 's3' | 'gcs';
  readonly bucket: string;
  readonly prefix: string;
}): string {
  return `${plan.kind === 's3' ? 's3' : 'gs'}://${plan.bucket}/${plan.prefix}`;
}

/**
 * The first key variable an S3 plan names that is unset, in upstream's words (`env var
 * 'X' not set for S3 access key`), or undefined. Shared by `check` (no network) and the
 * client, which reads the values.
 */
export function unsetS3KeyVariable(
  keys: S3Plan['keys'],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (keys === undefined) return undefined;
  const named: [string | undefined, string][] = [
    [keys.accessKeyEnv, 'access key'],
    [keys.secretKeyEnv, 'secret key'],
    [keys.sessionTokenEnv, 'session token'],
  ];
  const unset = named.find(([name]) => name !== undefined && (env[name] ?? '') === '');
  return unset === undefined ? undefined : `env var '${unset[0]}' not set for S3 ${unset[1]}`;
}
