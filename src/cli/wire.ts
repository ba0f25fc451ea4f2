/**
 * Layer: cli. The only file that picks concrete adapters: builds the engine's deps
 * (source connections, destinations, formats, state) from a Config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RivetError } from '../common/errors.js';
import type { Config, SourceConfig } from '../config/config-types.js';
import { objectStoreUri } from '../contracts/object-store-plan.js';
import type { RunEvent } from '../contracts/run-event.js';
import type { DestinationPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import { lazyDestination } from '../destination/lazy-destination.js';
import { LocalDestination } from '../destination/local/local-destination.js';
import { StdoutDestination } from '../destination/stdout/stdout-destination.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { csvFormat } from '../format/csv/csv-writer.js';
import type { Format } from '../format/format.js';
import type { ConnectionSpec } from '../source/connection-spec.js';
import { plaintextWarning } from '../source/postgres/pg-connect.js';
import { PostgresSource } from '../source/postgres/pg-source.js';
import type { Source } from '../source/source.js';
import { createMemoryState } from '../state/memory/memory-state.js';
import { openSqliteState } from '../state/sqlite/sqlite-state.js';
import type { StateStore } from '../state/state.js';
import type { RivetType } from '../types/rivet-type.js';

export const STATE_FILE = '.rivet_state.db';

export function statePath(config: Pick<Config, 'dir'>): string {
  return join(config.dir, STATE_FILE);
}

export function openState(config: Pick<Config, 'dir'>): StateStore {
  return openSqliteState(statePath(config));
}

/** The state as it is, for read-only commands: an empty in-memory state when none exists yet. */
export function openStateIfExists(config: Pick<Config, 'dir'>): StateStore {
  return existsSync(statePath(config)) ? openState(config) : createMemoryState();
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function engineDeps(
  config: Config,
  state: StateStore,
  onEvent: (event: RunEvent) => void,
  env: Readonly<Record<string, string | undefined>>,
): EngineDeps {
  return {
    openSource: () =>
      openSource(config.source, env, (message) =>
        onEvent({ type: 'warning', exportName: undefined, message }),
      ),
    openDestination,
    formats: { parquet: lazyParquet, csv: csvFormat },
    state,
    now: () => new Date(),
    onEvent,
    peakRssMb,
    sleep: (ms) => sleep(ms),
  };
}

/** One connection to the config's source (the MySQL driver loads only for MySQL sources). */
export async function openSource(
  source: SourceConfig,
  env: Readonly<Record<string, string | undefined>>,
  onWarning: (message: string) => void,
  applicationName = 'rivet',
): Promise<Source> {
  const spec = connectionSpec(source, applicationName, env);
  const warn = (message: string | undefined) => {
    if (message !== undefined) onWarning(message);
  };
  if (source.type === 'mysql') {
    const [{ myPlaintextWarning }, { MySqlSource }] = await Promise.all([
      import('../source/mysql/my-connect.js'),
      import('../source/mysql/my-source.js'),
    ]);
    warn(myPlaintextWarning(spec));
    return MySqlSource.open(spec);
  }
  warn(plaintextWarning(spec));
  return PostgresSource.open(spec);
}

/** The Arrow type a Rivet type is written as (the Parquet writer's own schema), for reports. */
export async function arrowTypeNamer(): Promise<(type: RivetType) => string> {
  const { arrowType } = await import('../format/parquet/arrow-batch.js');
  return (type) => String(arrowType(type));
}

/** The Parquet encoder (WASM, ~60 MB resident) loads only when a Parquet part is opened. */
const lazyParquet: Format = {
  kind: 'parquet',
  open: async (sink, columns, options) =>
    (await import('../format/parquet/parquet-writer.js')).parquetFormat.open(sink, columns, options),
};

export function openDestination(plan: DestinationPlan): Destination {
  switch (plan.kind) {
    case 'stdout':
      return new StdoutDestination();
    case 'local':
      return new LocalDestination(plan.directory);
    case 's3':
      return lazyDestination(
        's3',
        objectStoreUri(plan),
        async () =>
          new (await import('../destination/s3/s3-destination.js')).S3Destination(plan, process.env),
      );
    case 'gcs':
      return lazyDestination(
        'gcs',
        objectStoreUri(plan),
        async () => new (await import('../destination/gcs/gcs-destination.js')).GcsDestination(plan),
      );
  }
}

/** Resolves secret references (url_env, url_file, password_env) at connect time, never earlier. */
export function connectionSpec(
  source: SourceConfig,
  applicationName: string,
  env: Readonly<Record<string, string | undefined>>,
): ConnectionSpec {
  const c = source.connection;
  const base = { tls: source.tls, applicationName };
  switch (c.kind) {
    case 'url':
      return { ...base, url: c.url };
    case 'url_env':
      return { ...base, url: requireEnv(env, c.name, 'url_env') };
    case 'url_file':
      return { ...base, url: readUrlFile(c.path) };
    case 'structured':
      return {
        ...base,
        host: c.host,
        port: c.port,
        user: c.user,
        database: c.database,
        password:
          c.password === undefined
            ? undefined
            : c.password.kind === 'inline'
              ? c.password.value
              : requireEnv(env, c.password.name, 'password_env'),
      };
  }
}

function requireEnv(env: Readonly<Record<string, string | undefined>>, name: string, key: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new RivetError('RIVET_SOURCE_ENV', `source: env var '${name}' is not set (referenced by ${key}).`, {
      hint:
        key === 'url_env'
          ? `export the value before running, e.g. export ${name}='postgresql://user:pass@host:5432/dbname' (or mysql://…:3306/dbname)`
          : `export ${name}=<password> before running`,
    });
  }
  return value;
}

function readUrlFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new RivetError(
      'RIVET_SOURCE_URL_FILE',
      `source: cannot read url_file '${path}': ${(error as Error).message}.`,
      {
        hint: 'ensure the file exists and is readable; relative paths resolve from the current directory',
      },
    );
  }
}
