/**
 * Layer: preflight. What `check` can tell about a destination without writing or
 * reaching the network: the environment variables an S3 destination names must be
 * set. (A GCS `credentials_file` is checked when the config loads; `doctor` probes
 * every destination for real.)
 */
import type { DestinationConfig } from '../config/config-types.js';

export function destinationPreflight(
  destination: DestinationConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (destination.kind !== 's3' || destination.keys === undefined) return undefined;
  const { accessKeyEnv, secretKeyEnv, sessionTokenEnv } = destination.keys;
  const named: [string | undefined, string][] = [
    [accessKeyEnv, 'access key'],
    [secretKeyEnv, 'secret key'],
    [sessionTokenEnv, 'session token'],
  ];
  for (const [name, what] of named) {
    if (name !== undefined && (env[name] ?? '') === '') return `env var '${name}' not set for S3 ${what}`;
  }
  return undefined;
}
