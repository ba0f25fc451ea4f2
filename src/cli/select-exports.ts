/**
 * Layer: cli. `-e/--export NAME` selection, with the known names listed on a typo.
 */
import { didYouMean } from '../common/did-you-mean.js';
import { RivetError } from '../common/errors.js';
import type { Config, ExportConfig } from '../config/config-types.js';

/** `state` commands also point at `rivet state show`: the name may be one whose state is stored. */
export type SelectVariant = 'run' | 'state';

export function selectExports(
  config: Config,
  names: readonly string[] | undefined,
  variant: SelectVariant = 'run',
): readonly ExportConfig[] {
  if (names === undefined || names.length === 0) return config.exports;
  const known = config.exports.map((e) => e.name);
  // `-e a -e a` runs a once: twice would race on its files, cursor and lock.
  return [...new Set(names)].map((name) => {
    const found = config.exports.find((e) => e.name === name);
    if (found !== undefined) return found;
    const guess = didYouMean(name, known);
    const hint =
      guess === undefined ? 'check the spelling against the names above.' : `did you mean '${guess}'?`;
    throw new RivetError(
      'RIVET_USAGE_UNKNOWN_EXPORT',
      `export '${name}' not found in config.\n  Known exports: ${known.join(', ')}`,
      {
        hint:
          variant === 'state'
            ? `${hint} \`rivet state show -c ${config.path}\` lists the state of every export.`
            : hint,
      },
    );
  });
}
