/**
 * Layer: source (shared by the adapters). What every adapter needs to connect: a URL or
 * structured fields with secrets already resolved, the TLS settings, and a name the
 * server shows for the session.
 */

export interface TlsSettings {
  readonly mode: 'disable' | 'require' | 'verify-ca' | 'verify-full';
  readonly caFile: string | undefined;
  readonly acceptInvalidCerts: boolean;
  readonly acceptInvalidHostnames: boolean;
}

export interface ConnectionSpec {
  /** Either a full URL or structured fields; secrets already resolved from env/file. */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** `undefined` = no `tls:` block in the config (remote hosts are then refused). */
  readonly tls: TlsSettings | undefined;
  readonly applicationName: string;
  readonly connectTimeoutMs?: number;
}
