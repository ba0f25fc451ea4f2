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
