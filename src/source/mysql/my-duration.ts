/**
 * Layer: source/mysql. MySQL TIME (`[-]HHH:MM:SS[.ffffff]`, up to ±838 hours) as an
 * ISO-8601 duration, spelled the way PostgreSQL spells intervals (each component
 * carries the sign: `PT-838H-59M-59S`), so durations read alike from both engines.
 */

export function formatIsoDuration(text: string): string {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [h = '0', m = '0', s = '0'] = body.split(':');
  const [whole = '0', fraction = ''] = s.split('.');
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = Number(whole);
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6) || '0');
  if (hours === 0 && minutes === 0 && seconds === 0 && micros === 0) return 'PT0S';
  const sign = negative ? '-' : '';
  let out = 'PT';
  if (hours !== 0) out += `${sign}${hours}H`;
  if (minutes !== 0) out += `${sign}${minutes}M`;
  if (seconds !== 0 || micros !== 0) {
    const frac = micros === 0 ? '' : `.${String(micros).padStart(6, '0').replace(/0+$/, '')}`;
    out += `${sign}${seconds}${frac}S`;
  }
  return out;
}
