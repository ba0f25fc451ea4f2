/**
 * Layer: destination/s3. Builds the S3 client from a plan: keys read from the named
 * environment variables now (never stored in config or plans), or a named profile, or
 * the SDK's default chain (environment, SSO, web identity, container and instance
 * roles). Checksums are computed only where we ask for them: the SDK's automatic
 * streaming checksums use aws-chunked bodies that some S3-compatible servers store as is.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { RivetError } from '../../common/errors.js';
import { type S3Plan, unsetS3KeyVariable } from '../../contracts/object-store-plan.js';

/** Attempts per request, SDK standard retry mode: throttling, 5xx and network resets only. */
const MAX_ATTEMPTS = 5;

export function createS3Client(plan: S3Plan, env: Readonly<Record<string, string | undefined>>): S3Client {
  // The SDK warns once per process that releases after 2027-01 need Node 22; the version is pinned.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config: S3ClientConfig = {
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(plan.region === undefined
      ? plan.endpoint === undefined
        ? {}
        : { region: 'us-east-1' }
      : { region: plan.region }),
    ...(plan.endpoint === undefined ? {} : { endpoint: plan.endpoint, forcePathStyle: true }),
    ...(plan.profile === undefined ? {} : { profile: plan.profile }),
    ...(plan.keys === undefined ? {} : { credentials: staticKeys(plan.keys, env) }),
  };
  return new S3Client(config);
}

function staticKeys(
  keys: NonNullable<S3Plan['keys']>,
  env: Readonly<Record<string, string | undefined>>,
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const unset = unsetS3KeyVariable(keys, env);
  if (unset !== undefined) {
    throw new RivetError('RIVET_DEST_CREDENTIALS', unset, {
      hint: 'export the variable, or remove access_key_env/secret_key_env to use the default AWS credential chain',
    });
  }
  return {
    accessKeyId: env[keys.accessKeyEnv]!,
    secretAccessKey: env[keys.secretKeyEnv]!,
    ...(keys.sessionTokenEnv === undefined ? {} : { sessionToken: env[keys.sessionTokenEnv]! }),
  };
}

/** Which identity signs requests, for `doctor` (the access key id is not a secret; it is shortened anyway). */
export async function describeS3Identity(client: S3Client, plan: S3Plan): Promise<string> {
  const source =
    plan.keys !== undefined
      ? `keys from $${plan.keys.accessKeyEnv}`
      : plan.profile !== undefined
        ? `profile '${plan.profile}'`
        : 'the default AWS credential chain';
  const credentials = await client.config.credentials();
  const id = credentials.accessKeyId;
  return `${source}, access key …${id.slice(-4)}`;
}
