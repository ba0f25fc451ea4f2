/**
 * Layer: source/postgres. Turns a resolved connection description into a connected
 * `pg` Client with every type parser replaced by identity (values stay raw text),
 * enforcing the TLS gate for non-loopback hosts.
 */

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { RivetError } from '../../common/errors.js';
import { isLoopbackHost, plaintextWarningFor } from '../../common/loopback.js';
import type { ConnectionSpec, TlsSettings } from '../connection-spec.js';
import { translatePgError } from './pg-errors.js';

export interface PgConnectionSpec extends ConnectionSpec {
  /** Limits of the planning reads (LIMIT 0 probe, catalog); defaults 60 s and 10 s. */
  readonly planningTimeouts?: { readonly statementMs: number; readonly lockMs: number };
}

const identity = (value: string) => value;
const RAW_TYPES = { getTypeParser: () => identity };

/** Resolved target as `host:port/database`, for messages (never includes credentials). */
export function describeTarget(config: pg.ClientConfig): string {
  return `${config.host ?? 'localhost'}:${config.port ?? 5432}/${config.database ?? ''}`;
}

export function buildClientConfig(spec: PgConnectionSpec): pg.ClientConfig {
  const fromUrl = spec.url === undefined ? undefined : parseUrl(spec.url);
  const host = spec.host ?? fromUrl?.host ?? undefined;
  if (host === undefined || host === '') {
    throw new RivetError('RIVET_SOURCE_URL', 'source: the connection URL names no host', {
      hint: 'use postgresql://user@host:port/database (for a local socket: ?host=/var/run/postgresql)',
    });
  }
  const hosts = host.split(',');
  if (spec.tls === undefined && !hosts.every(isLoopbackHost)) {
    throw new RivetError(
      'RIVET_SOURCE_TLS_REQUIRED',
      `source: TLS required — refusing to connect to a remote (non-loopback) host '${host}' without TLS`,
      {
        hint: 'add `tls: { mode: verify-full }` under `source:` (or `{ mode: disable }` to accept plaintext explicitly)',
      },
    );
  }
  return {
    host,
    port: spec.port ?? (fromUrl?.port ? Number(fromUrl.port) : 5432),
    user: spec.user ?? fromUrl?.user ?? undefined,
    password: spec.password ?? fromUrl?.password ?? undefined,
    database: spec.database ?? fromUrl?.database ?? undefined,
    // Without a `tls:` block the URL's own sslmode (if any) applies, as libpq would.
    ssl: spec.tls === undefined ? ((fromUrl?.ssl as pg.ClientConfig['ssl']) ?? false) : sslOptions(spec.tls),
    application_name: spec.applicationName,
    connectionTimeoutMillis: spec.connectTimeoutMs ?? 15_000,
    types: RAW_TYPES,
  };
}

/** The one warning a connection can earn: plaintext to a remote host, chosen explicitly. */
export function plaintextWarning(spec: PgConnectionSpec): string | undefined {
  const host = spec.host ?? (spec.url === undefined ? undefined : parseUrl(spec.url).host) ?? 'localhost';
  return plaintextWarningFor(host.split(','), spec.tls?.mode);
}

function parseUrl(url: string): ReturnType<typeof parseConnectionString> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new RivetError(
      'RIVET_SOURCE_URL',
      `source: a PostgreSQL source needs a postgresql:// URL (got ${scheme}://)`,
      {
        hint: 'use postgresql://user:password@host:port/database, or set `type:` to match the URL (e.g. `type: mysql`)',
      },
    );
  }
  try {
    return parseConnectionString(url);
  } catch (error) {
    throw new RivetError(
      'RIVET_SOURCE_URL',
      `source: the connection URL is malformed: ${(error as Error).message}`,
      {
        hint: 'expected postgresql://user:password@host:port/database (percent-encode special characters)',
      },
    );
  }
}

function sslOptions(tls: TlsSettings): false | ConnectionOptions {
  if (tls.mode === 'disable') return false;
  const ca = tls.caFile === undefined ? undefined : readCaFile(tls.caFile);
  const verify = tls.mode !== 'require' && !tls.acceptInvalidCerts;
  const options: ConnectionOptions = { rejectUnauthorized: verify };
  if (ca !== undefined) options.ca = ca;
  if (tls.mode === 'verify-ca' || tls.acceptInvalidHostnames) options.checkServerIdentity = () => undefined;
  return options;
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RivetError(
      'RIVET_SOURCE_TLS_CA',
      `source.tls.ca_file: cannot read '${path}': ${(error as Error).message}`,
      {
        hint: 'point ca_file at a readable PEM file with the CA that signed the server certificate',
      },
    );
  }
}

export async function connectPostgres(
  spec: PgConnectionSpec,
): Promise<{ client: pg.Client; target: string }> {
  const config = buildClientConfig(spec);
  const target = describeTarget(config);
  const client = new pg.Client(config);
  // A dropped connection emits 'error' on the client; without a listener it would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw translatePgError(error, { target, doing: 'connecting to the source' });
  }
  return { client, target };
}
