/**
 * Layer: config. `cursor_lag` grammar: a whole number and a unit — `s`, `m`, `h` or
 * `d` (`90s`, `5m`, `2h`, `1d`); zero is allowed and means no lag.
 */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseLag(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd])\s*$/i.exec(text);
  if (match === null) return undefined;
  const unit = match[2]!.toLowerCase() as keyof typeof UNIT_MS;
  const ms = Number(match[1]) * UNIT_MS[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
