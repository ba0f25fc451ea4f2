/**
 * Layer: preflight. What `check` can tell about a destination without writing or
 * reaching the network: the environment variables an S3 destination names must be
 * set. (A GCS `credentials_file` is checked when the config loads; `doctor` probes
 * every destination for real.)
 */
import type { DestinationConfig } from '../config/config-types.js';
import { unsetS3KeyVariable } from '../contracts/object-store-plan.js';

export function destinationPreflight(
  destination: DestinationConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return destination.kind === 's3' ? unsetS3KeyVariable(destination.keys, env) : undefined;
}
