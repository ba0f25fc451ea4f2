/**
 * Layer: config. `--strict`: no value may change on its way out. Lossy overrides are
 * refused even under `allow_lossy`, and the policies that turn unrepresentable values
 * into NULL (`zero_dates`, `numeric_special`) fail the run instead.
 */
import type { Config } from './config-types.js';

export function strictTypes(config: Config): Config {
  return {
    ...config,
    exports: config.exports.map((e) => ({
      ...e,
      columns: e.columns.map((c) => ({ ...c, allowLossy: false, strict: true })),
      readPolicy: { ...e.readPolicy, zeroDates: 'error', numericSpecials: 'error' },
    })),
  };
}
