/**
 * Layer: config. Destination rules: local paths never climb out with `..`; S3 and GCS
 * need a bucket, take their key prefix from `prefix` (or `path`), and name secrets only
 * by environment variable or file. A custom endpoint stays on this machine unless what
 * the requests carry cannot be replayed or read on the way (see `endpointAllowed`).
 * Secrets themselves are read when the destination opens.
 */
import { existsSync } from 'node:fs';
import { isLoopbackHost } from '../common/loopback.js';
import type { RawExport } from './config-schema.js';
import type { DestinationConfig, GcsDestinationConfig, S3DestinationConfig } from './config-types.js';
import type { AddProblem } from './resolve-mode.js';

type RawDestination = RawExport['destination'];

const S3_ONLY = ['region', 'access_key_env', 'secret_key_env', 'session_token_env', 'aws_profile'] as const;
const GCS_ONLY = ['credentials_file'] as const;
const AZURE_ONLY = ['account_name', 'account_key_env', 'sas_token_env'] as const;

export function resolveDestination(raw: RawExport, add: AddProblem): DestinationConfig | undefined {
  const d = raw.destination;
  switch (d.type) {
    case 'stdout':
      return { kind: 'stdout' };
    case 'local':
      return local(d, add);
    case 's3':
      return s3(d, add);
    case 'gcs':
      return gcs(d, add);
    default:
      add(
        'destination',
        `destination type '${d.type}' is not supported by this version of Rivet yet (supported: local, s3, gcs, stdout)`,
        'write to S3, GCS or a local path for now',
        'RIVET_CONFIG_UNSUPPORTED',
      );
      return undefined;
  }
}

function local(d: RawDestination, add: AddProblem): DestinationConfig | undefined {
  const path = d.path ?? d.prefix ?? '.';
  if (path.split(/[\\/]/).includes('..')) {
    add(
      'destination',
      `local destination path|prefix must not contain a '..' component: '${path}' (a parent-dir climb writes outside the output tree)`,
    );
    return undefined;
  }
  return refusePartition(path, add) ? undefined : { kind: 'local', path };
}

function s3(d: RawDestination, add: AddProblem): S3DestinationConfig | undefined {
  const ok = [
    bucketGiven(d, 'S3', add),
    foreignKeys(d, 's3', [...GCS_ONLY, ...AZURE_ONLY], add),
    endpointAllowed(d, 's3', add),
    s3KeysPaired(d, add),
    noAnonymousS3(d, add),
  ].every(Boolean);
  const prefix = cloudPrefix(d);
  if (!ok || refusePartition(prefix, add)) return undefined;
  return {
    kind: 's3',
    bucket: d.bucket!,
    prefix,
    region: d.region,
    endpoint: d.endpoint,
    profile: d.aws_profile,
    keys:
      d.access_key_env === undefined || d.secret_key_env === undefined
        ? undefined
        : {
            accessKeyEnv: d.access_key_env,
            secretKeyEnv: d.secret_key_env,
            ...(d.session_token_env === undefined ? {} : { sessionTokenEnv: d.session_token_env }),
          },
  };
}

function gcs(d: RawDestination, add: AddProblem): GcsDestinationConfig | undefined {
  let ok = [
    bucketGiven(d, 'GCS', add),
    foreignKeys(d, 'gcs', [...S3_ONLY, ...AZURE_ONLY], add),
    endpointAllowed(d, 'gcs', add),
  ].every(Boolean);
  if (d.allow_anonymous === true && d.credentials_file !== undefined) {
    add(
      'destination',
      'GCS allow_anonymous cannot be used together with credentials_file',
      'keep one of them',
    );
    ok = false;
  } else if (d.allow_anonymous === true && d.endpoint === undefined) {
    add(
      'destination',
      'allow_anonymous on a GCS destination needs an `endpoint` (an emulator): unauthenticated writes to Google Cloud Storage are not offered',
      'remove allow_anonymous to use Application Default Credentials or a credentials_file',
      'RIVET_CONFIG_UNSUPPORTED',
    );
    ok = false;
  } else if (d.credentials_file !== undefined && !existsSync(d.credentials_file)) {
    add(
      'destination',
      `credentials_file '${d.credentials_file}' does not exist`,
      'point `credentials_file` at a service-account JSON key, or remove it to use Application Default Credentials',
    );
    ok = false;
  }
  const prefix = cloudPrefix(d);
  if (!ok || refusePartition(prefix, add)) return undefined;
  return {
    kind: 'gcs',
    bucket: d.bucket!,
    prefix,
    endpoint: d.endpoint,
    credentialsFile: d.credentials_file,
    anonymous: d.allow_anonymous === true,
  };
}

function bucketGiven(d: RawDestination, store: string, add: AddProblem): boolean {
  if (d.bucket !== undefined && d.bucket.trim() !== '') return true;
  add('destination', `${store} destination requires 'bucket'`, 'add `bucket: <name>` to the destination');
  return false;
}

function foreignKeys(d: RawDestination, type: string, keys: readonly string[], add: AddProblem): boolean {
  const given = keys.filter((k) => d[k as keyof RawDestination] !== undefined);
  if (given.length === 0) return true;
  add(
    'destination',
    `${given.map((k) => `'${k}'`).join(', ')} ${given.length === 1 ? 'does' : 'do'} not apply to a ${type} destination`,
    'remove the key, or check `type:`',
  );
  return false;
}

/**
 * A custom endpoint stays on this machine unless the requests carry nothing replayable:
 * S3 may use a remote `https://` one (SigV4 signatures are per request). GCS may use
 * Google's own `https://…googleapis.com` endpoints (regional, Private Service Connect);
 * any other remote one needs `allow_anonymous` (upstream's rule), since a key file's OAuth
 * bearer token would otherwise go to that host.
 */
function endpointAllowed(d: RawDestination, store: 's3' | 'gcs', add: AddProblem): boolean {
  if (d.endpoint === undefined) return true;
  let url: URL;
  try {
    url = new URL(d.endpoint);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    add(
      'destination',
      `destination.endpoint '${d.endpoint}' is not an http(s) URL`,
      'write it as `http://127.0.0.1:9000` or `https://storage.example.com`',
    );
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host) || d.allow_anonymous === true) return true;
  if (store === 'gcs' && url.protocol === 'https:' && /(^|\.)googleapis\.com$/i.test(host)) return true;
  if (store === 'gcs') {
    add(
      'destination',
      `destination.endpoint '${d.endpoint}' points at a non-loopback host: Google credentials would be sent to it`,
      'remove `endpoint` to write to Google Cloud Storage, or use a loopback emulator (or `allow_anonymous: true` for one that needs no credentials)',
    );
    return false;
  }
  if (url.protocol === 'http:') {
    add(
      'destination',
      `destination.endpoint '${d.endpoint}' points at a non-loopback host over plain http: credentials and data would cross the network in plaintext`,
      'use an https:// endpoint',
    );
    return false;
  }
  return true;
}

function s3KeysPaired(d: RawDestination, add: AddProblem): boolean {
  const access = d.access_key_env !== undefined;
  const secret = d.secret_key_env !== undefined;
  if (access !== secret) {
    add(
      'destination',
      'S3 requires both access_key_env and secret_key_env, or neither (use default AWS credential chain)',
      'name both environment variables, or remove both to use the default chain (env, profile, SSO, IRSA, instance role)',
    );
    return false;
  }
  if (d.session_token_env !== undefined && !access) {
    add(
      'destination',
      'session_token_env needs access_key_env and secret_key_env',
      'name all three variables, or remove session_token_env',
    );
    return false;
  }
  if (access && d.aws_profile !== undefined) {
    add(
      'destination',
      'access_key_env/secret_key_env and aws_profile are mutually exclusive — pick one auth mode',
      'keep the keys, or the profile, not both',
    );
    return false;
  }
  return true;
}

/** Unsigned S3 writes are not offered: every real bucket that accepts them is a misconfiguration. */
function noAnonymousS3(d: RawDestination, add: AddProblem): boolean {
  if (d.allow_anonymous !== true) return true;
  add(
    'destination',
    'allow_anonymous is not supported for S3 destinations by this version',
    'remove it; S3 requests are signed with the keys named by access_key_env/secret_key_env, aws_profile, or the default AWS credential chain',
    'RIVET_CONFIG_UNSUPPORTED',
  );
  return false;
}

/** Object keys never start with `/`; a non-empty prefix always ends with one (part names follow it). */
function cloudPrefix(d: RawDestination): string {
  const prefix = (d.prefix ?? d.path ?? '').replace(/^\/+/, '');
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function refusePartition(path: string, add: AddProblem): boolean {
  if (!path.includes('{partition}')) return false;
  add(
    'destination',
    '`{partition}` needs `partition_by`, which this version does not run yet',
    undefined,
    'RIVET_CONFIG_UNSUPPORTED',
  );
  return true;
}
