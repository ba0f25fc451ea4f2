/**
 * Layer: common. Which hosts count as this machine (the TLS gate exempts them).
 */

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.startsWith('/');
}

/** The warning for `tls: { mode: disable }` towards a host that is not this machine. */
export function plaintextWarningFor(
  hosts: readonly string[],
  tlsMode: string | undefined,
): string | undefined {
  if (tlsMode !== 'disable' || hosts.every(isLoopbackHost)) return undefined;
  return `source: TLS is not enforced — credentials and result rows cross the network in plaintext to '${hosts.join(',')}'. Use \`tls: { mode: verify-full }\` where the server supports it`;
}
