/**
 * Layer: common. Keeps credentials out of every message: URL userinfo passwords
 * and known secret values are replaced before anything is printed or stored.
 */

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@\s]*)@/gi;

/** Replace `scheme://user:password@` with `scheme://user:***@`, and each listed secret with `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_PASSWORD, '$1***@');
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return out;
}
