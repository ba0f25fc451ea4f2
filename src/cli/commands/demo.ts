/**
 * Layer: cli. `rivet demo`: starts an embedded PostgreSQL, seeds a sample shop,
 * writes `rivet.demo.yaml`, runs it through the normal `run` path, and shows where the
 * files landed and how to inspect them.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ExitClass } from '../../common/errors.js';
import { type CliIo, line } from '../cli-io.js';
import { demoConfigYaml, demoSeedSql } from '../demo/demo-seed.js';
import { startEmbeddedPostgres } from '../demo/embedded-postgres.js';
import { runCommand } from './run.js';

export interface DemoFlags {
  readonly dir: string;
  readonly rows: number;
  readonly keep: boolean;
}

export async function demoCommand(flags: DemoFlags, io: CliIo): Promise<ExitClass> {
  const dir = resolve(flags.dir);
  const dataDir = join(dir, 'pgdata');
  const reuse = flags.keep && existsSync(dataDir);
  await mkdir(dir, { recursive: true });
  line(
    io.stderr,
    `rivet demo: starting an embedded PostgreSQL${reuse ? ' (reusing the kept database)' : ''}…`,
  );
  const pg = await startEmbeddedPostgres(flags.keep ? dataDir : undefined);
  try {
    if (!reuse) {
      line(io.stderr, `rivet demo: seeding ${flags.rows} orders…`);
      await pg.db.exec(demoSeedSql(flags.rows));
    }
    const configPath = join(dir, 'rivet.demo.yaml');
    await writeFile(configPath, demoConfigYaml(pg.url, join(dir, 'output')));
    line(io.stderr, `rivet demo: running ${relative(process.cwd(), configPath)}\n`);
    const exit = await runCommand(
      { config: configPath, param: [], json: false, resume: false, force: false },
      io,
    );
    printNextSteps(io, dir, configPath, flags.keep);
    return exit;
  } finally {
    await pg.stop();
    if (!flags.keep) await rm(dataDir, { recursive: true, force: true });
  }
}

function printNextSteps(io: CliIo, dir: string, configPath: string, kept: boolean): void {
  const rel = (p: string) => relative(process.cwd(), p) || '.';
  const config = rel(configPath);
  line(
    io.stderr,
    [
      '',
      `Files landed under ${rel(join(dir, 'output'))}/ (Parquet + manifest.json + _SUCCESS per export).`,
      'Inspect them:',
      `  rivet state files -c ${config}     # every committed file, with row counts and hashes`,
      `  rivet metrics -c ${config}         # every run: rows, duration, peak RSS, longest statement`,
      `  cat ${rel(join(dir, 'output'))}/daily_revenue/*.csv`,
      '  duckdb -c "SELECT * FROM read_parquet(\'' +
        `${rel(join(dir, 'output'))}/orders/*/*.parquet') LIMIT 5"`,
      kept
        ? `The embedded database is kept in ${rel(join(dir, 'pgdata'))}; run \`rivet demo --keep\` again to re-run on it.`
        : 'Run `rivet demo --keep` to keep the embedded database for more runs.',
    ].join('\n'),
  );
}
