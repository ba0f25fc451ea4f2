/**
 * Layer: cli. `rivet init --source-env VAR [--schema S] [--table T]… [--include GLOB]…
 * [--exclude GLOB]… [-o rivet.yaml] [--force]`: reads the catalog (short statements
 * only) and writes a commented config that `rivet check` and `rivet run` accept as is.
 * The source URL itself never lands in the file: only the env var that holds it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { ExitClass, RivetError } from '../../common/errors.js';
import type { SourceConfig } from '../../config/config-types.js';
import {
  exclusionReason,
  type InitDestination,
  initConfig,
  type Skipped,
} from '../../preflight/init-config.js';
import { profileRelation, type TableProfile } from '../../preflight/profile-relation.js';
import type { ListedRelation } from '../../source/source-diagnostics.js';
import { type CliIo, line } from '../cli-io.js';
import { openSource } from '../wire.js';

export interface InitFlags {
  readonly sourceEnv?: string;
  readonly source?: string;
  readonly schema?: string;
  readonly table?: readonly string[];
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly output?: string;
  readonly force: boolean;
  readonly s3Bucket?: string;
  readonly s3Region?: string;
  readonly gcsBucket?: string;
  readonly gcsCredentialsFile?: string;
}

export async function initCommand(flags: InitFlags, io: CliIo): Promise<ExitClass> {
  const destination = initDestination(flags);
  const { url, urlEnv } = sourceUrl(flags, io.env);
  if (flags.output !== undefined && existsSync(flags.output) && !flags.force) {
    throw new RivetError('RIVET_INIT_EXISTS', `init: '${flags.output}' already exists`, {
      hint: 'choose another --output, or pass --force to overwrite it',
    });
  }
  const engine = engineOf(url);
  const config: SourceConfig = { type: engine, connection: { kind: 'url', url }, tls: undefined };
  const source = await openSource(config, io.env, (m) => line(io.stderr, `WARN ${m}`), 'rivet-init');
  try {
    const server = await source.diagnostics.server();
    const listed = await source.diagnostics.listRelations(flags.schema);
    const { chosen, skipped } = choose(listed, flags, engine);
    const profiles: TableProfile[] = [];
    for (const relation of chosen) {
      try {
        profiles.push(await profileRelation(source, relation));
      } catch (error) {
        skipped.push({
          name: relation.name,
          why: `could not be profiled: ${(error as Error).message.split('\n')[0]}`,
        });
      }
    }
    const yaml = initConfig(profiles, skipped, {
      engine,
      urlEnv,
      product: server.product,
      schema: flags.schema ?? listed[0]?.schema ?? (engine === 'postgres' ? 'public' : 'the database'),
      generatedOn: new Date().toISOString().slice(0, 10),
      destination,
    });
    if (flags.output === undefined) io.stdout.write(yaml);
    else {
      writeFileSync(flags.output, yaml);
      line(
        io.stderr,
        `init: wrote ${profiles.length} export(s) to ${flags.output}. Next: rivet check -c ${flags.output}`,
      );
    }
  } finally {
    await source.close();
  }
  return ExitClass.ok;
}

/** Upstream's bucket flags: one store at most, and each store's extra flag needs its bucket. */
function initDestination(flags: InitFlags): InitDestination {
  const usage = (message: string) =>
    new RivetError('RIVET_USAGE_INIT_DESTINATION', `init: ${message}`, {
      hint: 'pass --s3-bucket (with an optional --s3-region) or --gcs-bucket (with an optional --gcs-credentials-file), not both',
      exitClass: ExitClass.usageOrTransient,
    });
  if (flags.s3Bucket !== undefined && flags.gcsBucket !== undefined) {
    throw usage('--s3-bucket and --gcs-bucket cannot be used together');
  }
  if (flags.s3Region !== undefined && flags.s3Bucket === undefined)
    throw usage('--s3-region requires --s3-bucket');
  if (flags.gcsCredentialsFile !== undefined && flags.gcsBucket === undefined) {
    throw usage('--gcs-credentials-file requires --gcs-bucket');
  }
  if (flags.s3Bucket !== undefined) return { kind: 's3', bucket: flags.s3Bucket, region: flags.s3Region };
  if (flags.gcsBucket !== undefined) {
    return { kind: 'gcs', bucket: flags.gcsBucket, credentialsFile: flags.gcsCredentialsFile };
  }
  return { kind: 'local' };
}

function sourceUrl(flags: InitFlags, env: CliIo['env']): { url: string; urlEnv: string } {
  if (flags.sourceEnv !== undefined) {
    const url = env[flags.sourceEnv];
    if (url === undefined || url === '') {
      throw new RivetError(
        'RIVET_INIT_SOURCE_ENV',
        `--source-env '${flags.sourceEnv}' is not set in the environment`,
        {
          hint: `export ${flags.sourceEnv}='postgresql://user@host:5432/db' (or mysql://…) first`,
        },
      );
    }
    return { url, urlEnv: flags.sourceEnv };
  }
  if (flags.source !== undefined) return { url: flags.source, urlEnv: 'DATABASE_URL' };
  throw new RivetError('RIVET_USAGE_INIT_SOURCE', 'init needs --source-env VAR (or --source URL)', {
    hint: 'the generated file names the env var, never the URL: rivet init --source-env DATABASE_URL',
    exitClass: ExitClass.usageOrTransient,
  });
}

function engineOf(url: string): 'postgres' | 'mysql' {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^(mysql|mariadb):\/\//i.test(url)) return 'mysql';
  throw new RivetError(
    'RIVET_INIT_SOURCE_URL',
    'init: the source URL must start with postgresql:// or mysql://',
    {
      hint: 'check the value of the env var given to --source-env',
    },
  );
}

/** `--table` names win over every filter; otherwise include/exclude globs, then the temp/test rule. */
function choose(
  listed: readonly ListedRelation[],
  flags: InitFlags,
  engine: 'postgres' | 'mysql',
): { chosen: ListedRelation[]; skipped: Skipped[] } {
  const named = new Set(flags.table ?? []);
  const missing = [...named].filter((t) => !listed.some((l) => l.name === t));
  if (missing.length > 0) {
    throw new RivetError(
      'RIVET_INIT_TABLE',
      `init: no table or view named ${missing.map((m) => `'${m}'`).join(', ')} in the schema`,
      {
        hint: 'check --schema and the spelling; names are matched exactly',
      },
    );
  }
  const chosen: ListedRelation[] = [];
  const skipped: Skipped[] = [];
  const include = (flags.include ?? []).map(globRegex);
  const exclude = (flags.exclude ?? []).map(globRegex);
  for (const l of listed) {
    if (named.size > 0) {
      if (named.has(l.name)) chosen.push(l);
      continue;
    }
    if (include.length > 0 && !include.some((r) => r.test(l.name))) continue;
    const why = exclude.some((r) => r.test(l.name)) ? 'matches --exclude' : exclusionReason(l.name, engine);
    if (why === undefined) chosen.push(l);
    else skipped.push({ name: l.name, why });
  }
  return { chosen, skipped };
}

function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}
