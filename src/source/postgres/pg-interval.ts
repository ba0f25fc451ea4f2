/**
 * Layer: source/postgres. Interval → ISO-8601 text exactly as PostgreSQL prints it
 * with `IntervalStyle = iso_8601`, so the COPY (binary) and cursor (text) paths agree.
 */

function part(value: bigint, unit: string): string {
  return value === 0n ? '' : `${value}${unit}`;
}

/** `months`, `days` and `micros` are the three fields of PostgreSQL's interval. */
export function formatIsoInterval(months: number, days: number, micros: bigint): string {
  const year = BigInt(Math.trunc(months / 12));
  const month = BigInt(months % 12);
  const day = BigInt(days);
  // C integer division truncates toward zero, as BigInt division does.
  const hour = micros / 3_600_000_000n;
  let rest = micros - hour * 3_600_000_000n;
  const minute = rest / 60_000_000n;
  rest -= minute * 60_000_000n;
  const second = rest / 1_000_000n;
  const fraction = rest - second * 1_000_000n;
  if (year === 0n && month === 0n && day === 0n && micros === 0n) return 'PT0S';
  let out = `P${part(year, 'Y')}${part(month, 'M')}${part(day, 'D')}`;
  if (micros !== 0n) out += 'T';
  out += part(hour, 'H') + part(minute, 'M');
  if (second !== 0n || fraction !== 0n) {
    const negative = second < 0n || fraction < 0n;
    const abs = (v: bigint) => (v < 0n ? -v : v);
    let text = `${negative ? '-' : ''}${abs(second)}`;
    if (fraction !== 0n) text += `.${abs(fraction).toString().padStart(6, '0').replace(/0+$/, '')}`;
    out += `${text}S`;
  }
  return out;
}
