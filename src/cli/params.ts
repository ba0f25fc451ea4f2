/**
 * Layer: cli. `-p/--param KEY=VALUE` flags → a map (later flags win).
 */
import { ExitClass, RivetError } from '../common/errors.js';

export function parseParams(values: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) {
      throw new RivetError(
        'RIVET_USAGE_PARAM',
        `invalid --param '${value}' — expected KEY=VALUE (the '=' is missing). Example: --param table=orders`,
        { exitClass: ExitClass.usageOrTransient },
      );
    }
    params.set(value.slice(0, eq), value.slice(eq + 1));
  }
  return params;
}
