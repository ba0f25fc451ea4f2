/**
 * Layer: source/mysql. A resolved connection description → a connected mysql2
 * connection that returns raw bytes (no number, Date or JSON conversion), UTF-8 text
 * (utf8mb4), with the TLS gate for non-loopback hosts.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2';
import { RivetError } from '../../common/errors.js';
import { isLoopbackHost, plaintextWarningFor } from '../../common/loopback.js';
import type { ConnectionSpec, TlsSettings } from '../connection-spec.js';
import { translateMyError } from './my-errors.js';

export type MyConnectionSpec = ConnectionSpec;

interface Resolved {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
}

export function resolveTarget(spec: MyConnectionSpec): Resolved {
  const url = spec.url === undefined ? undefined : parseUrl(spec.url);
  const host = spec.host ?? url?.host;
  if (host === undefined || host === '') {
    throw new RivetError('RIVET_SOURCE_URL', 'source: the connection URL names no host', {
      hint: 'use mysql://user@host:3306/database',
    });
  }
  return {
    host,
    port: spec.port ?? url?.port ?? 3306,
    user: spec.user ?? url?.user,
    password: spec.password ?? url?.password,
    database: spec.database ?? url?.database,
  };
}

export function myPlaintextWarning(spec: MyConnectionSpec): string | undefined {
  return plaintextWarningFor([resolveTarget(spec).host], spec.tls?.mode);
}

export function describeMyTarget(target: Resolved): string {
  return `${target.host}:${target.port}/${target.database ?? ''}`;
}

export function connectionOptions(spec: MyConnectionSpec): mysql.ConnectionOptions {
  const target = resolveTarget(spec);
  if (spec.tls === undefined && !isLoopbackHost(target.host)) {
    throw new RivetError(
      'RIVET_SOURCE_TLS_REQUIRED',
      `source: TLS required — refusing to connect to a remote (non-loopback) host '${target.host}' without TLS`,
      {
        hint: 'add `tls: { mode: verify-full }` under `source:` (or `{ mode: disable }` to accept plaintext explicitly)',
      },
    );
  }
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: sslOptions(spec.tls),
    charset: 'UTF8MB4_GENERAL_CI',
    connectTimeout: spec.connectTimeoutMs ?? 15_000,
    // Raw bytes for every value: Rivet decodes them itself (the driver's defaults round
    // big integers and turn zero dates into 1899-11-30).
    typeCast: false,
    rowsAsArray: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    multipleStatements: false,
    connectAttributes: { program_name: spec.applicationName },
  };
}

function parseUrl(text: string): Partial<Resolved> {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new RivetError(
      'RIVET_SOURCE_URL',
      `source: the connection URL is malformed: ${(error as Error).message}`,
      {
        hint: 'expected mysql://user:password@host:port/database (percent-encode special characters)',
      },
    );
  }
  if (!/^(mysql|mariadb):$/.test(url.protocol)) {
    throw new RivetError(
      'RIVET_SOURCE_URL',
      `source: a MySQL source needs a mysql:// URL (got ${url.protocol}//)`,
      {
        hint: 'use mysql://user:password@host:port/database, or set `type:` to match the URL',
      },
    );
  }
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    user: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : undefined,
  };
}

type TlsOptions = Exclude<mysql.ConnectionOptions['ssl'], string | undefined>;

function sslOptions(tls: TlsSettings | undefined): TlsOptions | undefined {
  if (tls === undefined || tls.mode === 'disable') return undefined;
  const options: TlsOptions = { rejectUnauthorized: tls.mode !== 'require' && !tls.acceptInvalidCerts };
  if (tls.caFile !== undefined) {
    try {
      options.ca = readFileSync(tls.caFile, 'utf8');
    } catch (error) {
      throw new RivetError(
        'RIVET_SOURCE_TLS_CA',
        `source.tls.ca_file: cannot read '${tls.caFile}': ${(error as Error).message}`,
        {
          hint: 'point ca_file at a readable PEM file with the CA that signed the server certificate',
        },
      );
    }
  }
  // mysql2 checks the host name only when asked; verify-full asks unless hostnames are waived.
  options.verifyIdentity = tls.mode === 'verify-full' && !tls.acceptInvalidHostnames;
  return options;
}

export async function connectMySql(
  spec: MyConnectionSpec,
): Promise<{ connection: mysql.Connection; target: string }> {
  const options = connectionOptions(spec);
  const target = describeMyTarget(resolveTarget(spec));
  const connection = mysql.createConnection(options);
  // A dropped connection emits 'error'; without a listener it would crash the process.
  connection.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) =>
      connection.connect((error) => (error ? reject(error) : resolve())),
    );
  } catch (error) {
    connection.destroy();
    throw translateMyError(error, { target, doing: 'connecting to the source' });
  }
  return { connection, target };
}
