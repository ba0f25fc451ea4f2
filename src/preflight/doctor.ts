/**
 * Layer: preflight. `rivet doctor`: can this config run at all? The source answers and
 * accepts the credentials, its version is supported, every exported relation can be
 * read (SELECT and catalog), every destination takes a probe object, and the state is
 * reachable and migrated. Each check is a line with a hint; nothing reads data.
 */
import { isRivetError, RivetError } from '../common/errors.js';
import type { Config, ExportConfig } from '../config/config-types.js';
import type { DestinationPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import { destinationPlan } from '../plan/build-plan.js';
import type { Source } from '../source/source.js';
import type { ServerFacts } from '../source/source-diagnostics.js';

export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
  readonly hint?: string;
  /** The failure may pass on a retry (a server restarting, a network blip). */
  readonly transient?: boolean;
}

export interface DoctorDeps {
  readonly openSource: () => Promise<Source>;
  readonly openDestination: (plan: DestinationPlan) => Destination;
  /** Opens (and migrates) the state, or says where it will be created; throws when it cannot. */
  readonly probeState: () => Promise<string>;
  readonly now: Date;
}

const PROBE_KEY = '.rivet_doctor_probe';

/** Oldest versions Rivet supports (tested on PostgreSQL 15 and MariaDB 10.11). */
const MINIMUM_VERSION: Readonly<Record<string, { readonly number: number; readonly label: string }>> = {
  PostgreSQL: { number: 120000, label: '12' },
  MySQL: { number: 80000, label: '8.0' },
  MariaDB: { number: 100500, label: '10.5' },
};

export async function runDoctor(config: Config, deps: DoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const engine = config.source.type === 'mysql' ? 'Mysql' : 'Postgres';
  let source: Source | undefined;
  try {
    source = await deps.openSource();
    const server = await source.diagnostics.server();
    checks.push({ name: `Source auth (${engine})`, ok: true, detail: server.product }, versionCheck(server));
    for (const e of config.exports) checks.push(await relationCheck(source, e));
  } catch (error) {
    checks.push(failure(`Source ${sourceErrorKind(error)}`, error));
  } finally {
    await source?.close().catch(() => undefined);
  }
  for (const [label, plan] of destinations(config, deps.now))
    checks.push(await destinationCheck(label, plan, deps));
  checks.push(await attempt('State', deps.probeState));
  return checks;
}

function versionCheck(server: ServerFacts): DoctorCheck {
  const family = Object.keys(MINIMUM_VERSION).find((f) => server.product.startsWith(f));
  const minimum = family === undefined ? undefined : MINIMUM_VERSION[family];
  if (minimum === undefined || server.versionNumber >= minimum.number) {
    return { name: 'Server version', ok: true, detail: `${server.product} (supported)` };
  }
  return {
    name: 'Server version',
    ok: false,
    detail: `${server.product} is older than the oldest supported ${family} ${minimum.label}`,
    hint: `upgrade the server, or read from a replica running ${family} ${minimum.label} or later`,
  };
}

/** SELECT on the relation (a LIMIT 0 probe) and its catalog statistics. */
async function relationCheck(source: Source, e: ExportConfig): Promise<DoctorCheck> {
  const name = `Read ${e.name} (${e.relation.kind === 'table' ? [e.relation.schema, e.relation.name].filter(Boolean).join('.') : 'query'})`;
  return attempt(
    name,
    async () => {
      const columns = await source.inspectColumns(e.relation, e.columns);
      await source.diagnostics.stats(e.relation);
      return `SELECT and catalog ok, ${columns.length} column(s)`;
    },
    'grant SELECT on the relation (and USAGE on its schema) to the user of the source URL',
  );
}

async function destinationCheck(
  label: string,
  plan: DestinationPlan,
  deps: DoctorDeps,
): Promise<DoctorCheck> {
  if (plan.kind === 'stdout') return { name: label, ok: true, detail: 'streaming; no preflight needed' };
  return attempt(
    label,
    async () => {
      const destination = deps.openDestination(plan);
      try {
        const bytes = new TextEncoder().encode(`rivet doctor ${deps.now.toISOString()}\n`);
        await destination.putObject(PROBE_KEY, bytes);
        const back = await destination.readObject(PROBE_KEY);
        await destination.deleteObject(PROBE_KEY);
        if (back === undefined || Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0) {
          throw new RivetError(
            'RIVET_DOCTOR_PROBE',
            `the probe object read back differs from what was written at ${destination.uri}`,
          );
        }
        // Which identity wrote: a wrong role picked up silently is a classic cloud surprise.
        const identity = destination.identity === undefined ? '' : ` as ${await destination.identity()}`;
        return `wrote, read back and removed ${PROBE_KEY} at ${destination.uri}${identity}`;
      } finally {
        await destination.close?.();
      }
    },
    plan.kind === 'local'
      ? 'make sure the path exists or can be created, and is writable by this user'
      : 'check the bucket, the credentials and their permission to write, read and delete under the prefix',
  );
}

/** One check per distinct destination of the config. */
function destinations(config: Config, now: Date): Map<string, DestinationPlan> {
  const found = new Map<string, DestinationPlan>();
  for (const e of config.exports) {
    const plan = destinationPlan(e.destination, e.name, now);
    found.set(destinationLabel(plan), plan);
  }
  return found;
}

/** Upstream's labels: `Destination Local(<path>)`, `S3(<bucket>)`, `GCS(<bucket>)`, `Destination Stdout`. */
function destinationLabel(plan: DestinationPlan): string {
  switch (plan.kind) {
    case 'stdout':
      return 'Destination Stdout';
    case 'local':
      return `Destination Local(${plan.directory})`;
    case 's3':
      return `Destination S3(${plan.bucket}/${plan.prefix})`;
    case 'gcs':
      return `Destination GCS(${plan.bucket}/${plan.prefix})`;
  }
}

async function attempt(name: string, work: () => Promise<string>, hint?: string): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await work() };
  } catch (error) {
    return failure(name, error, hint);
  }
}

function failure(name: string, error: unknown, hint?: string): DoctorCheck {
  const rivet = isRivetError(error);
  const message = rivet
    ? `[${error.code}] ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  return {
    name,
    ok: false,
    detail: message,
    ...((rivet && error.hint) || hint ? { hint: (rivet && error.hint) || hint } : {}),
    ...(rivet && error.retryable ? { transient: true } : {}),
  };
}

function sourceErrorKind(error: unknown): string {
  if (!isRivetError(error)) return 'error';
  if (error.code === 'RIVET_SOURCE_AUTH') return 'auth error';
  if (error.code === 'RIVET_SOURCE_UNREACHABLE' || error.code === 'RIVET_SOURCE_CONNECT')
    return 'connectivity error';
  return 'error';
}
