/**
 * Layer: common. A hash of a JSON value that does not depend on key order (objects
 * are serialized with sorted keys), so two processes agree on a plan's identity.
 */
import { xxh3 } from '@node-rs/xxhash';

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function stableHash(value: unknown): string {
  return `xxh3:${xxh3.xxh64(stableJson(value)).toString(16).padStart(16, '0')}`;
}
