/**
 * Layer: destination. Joins a prefix and a part key into an object key. Keys come
 * from Rivet itself, but are checked as the local destination checks its paths: no
 * leading `/`, no `..` segment, no NUL — a bad key names the same object everywhere.
 */
import { RivetError } from '../common/errors.js';

export function objectKey(prefix: string, key: string): string {
  if (key.startsWith('/') || key.includes('\0') || key.split('/').includes('..') || key === '') {
    throw new RivetError('RIVET_DEST_KEY', `refusing unsafe destination key '${key}'`);
  }
  return `${prefix}${key}`;
}
