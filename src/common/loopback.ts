/**
 * Layer: common. Which hosts count as this machine (the TLS gate exempts them).
 */

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h.startsWith('/');
}
