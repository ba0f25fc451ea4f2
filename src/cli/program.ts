/**
 * Layer: cli. The command tree. Each action loads its command module on demand (so
 * `--help` does not pay for drivers and encoders) and returns its exit class; usage
 * errors exit 2, as upstream's do.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { ExitClass } from '../common/errors.js';
import type { CliIo } from './cli-io.js';
import { VERSION } from './version.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: the help text shows the placeholder syntax
const PARAM_HELP = 'set a ${KEY} placeholder of the config (repeatable; wins over env)';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got '${value}'`);
  return n;
};

export function buildProgram(io: () => CliIo, setExit: (code: ExitClass) => void): Command {
  const program = new Command('rivet')
    .description(
      'Extract data from operational databases into Parquet or CSV — safely, predictably, repeatably.',
    )
    .version(`rivet ${VERSION}`, '-V, --version')
    .option('--json-errors', 'print errors as one JSON object on stderr')
    .option('--debug', 'print stack traces of unexpected failures')
    .showHelpAfterError(false)
    .exitOverride()
    .addHelpText(
      'after',
      '\nStart here:\n  rivet demo                      # a real extraction from an embedded PostgreSQL\n  rivet run -c rivet.yaml         # run every export of a config\n  rivet state files -c rivet.yaml # what was written\n  rivet metrics -c rivet.yaml     # how the runs went',
    );

  const configOption = () => new Option('-c, --config <path>', 'the rivet.yaml to use').makeOptionMandatory();
  const paramOption = () =>
    new Option('-p, --param <key=value>', PARAM_HELP).argParser(collect).default([] as string[]);

  program
    .command('run')
    .description('run the exports of a config')
    .addOption(configOption())
    .addOption(new Option('-e, --export <name>', 'run only this export (repeatable)').argParser(collect))
    .addOption(paramOption())
    .option('--json', 'print the run aggregate as JSON on stdout', false)
    .option('--summary-output <path>', 'also write the run aggregate JSON to this file')
    .option('--parallel-exports', 'run the exports of the config concurrently (up to 4 at once)', false)
    .option(
      '--resume',
      'continue the chunk run in progress (chunked exports with chunk_checkpoint: true)',
      false,
    )
    .option(
      '--force',
      'take over an export whose lock holder still looks alive; let --resume run into a prefix with _SUCCESS',
      false,
    )
    .option(
      '--strict',
      'no value may change: refuse lossy overrides, fail on zero dates and numeric NaN/Infinity',
      false,
    )
    .action(async (flags) => setExit(await (await import('./commands/run.js')).runCommand(flags, io())));

  program
    .command('check')
    .description('read-only preflight: how each export would read its source and what it would write')
    .addOption(configOption())
    .addOption(new Option('-e, --export <name>', 'check only this export (repeatable)').argParser(collect))
    .addOption(paramOption())
    .option('--type-report', 'per column: source type, Rivet/Arrow type, fidelity', false)
    .option('--json', 'one JSON object per export on stdout (implies --type-report)', false)
    .option('--target <warehouse>', 'add the target type: duckdb, bigquery, snowflake, clickhouse')
    .option('--strict', 'exit 1 when a column is lossy or unsupported', false)
    .option(
      '--sample <rows>',
      'read this many rows (one LIMIT statement) to measure the real row width',
      positiveInt,
    )
    .action(async (flags) => setExit(await (await import('./commands/check.js')).checkCommand(flags, io())));

  program
    .command('doctor')
    .description(
      'can this config run? source auth and version, SELECT on each relation, destination and state probes',
    )
    .addOption(configOption())
    .addOption(paramOption())
    .option('--json', 'one JSON object on stdout', false)
    .action(async (flags) =>
      setExit(await (await import('./commands/doctor.js')).doctorCommand(flags, io())),
    );

  program
    .command('init')
    .description('write a commented rivet.yaml from a live database catalog')
    .option('--source-env <var>', 'env var holding the source URL (the file names the var, never the URL)')
    .option('--source <url>', 'the source URL itself (the file then reads DATABASE_URL)')
    .option('--schema <name>', "schema (PostgreSQL, default public) or database (MySQL, default the URL's)")
    .addOption(
      new Option('--table <name>', 'only this table or view (repeatable; wins over filters)').argParser(
        collect,
      ),
    )
    .addOption(new Option('--include <glob>', 'only tables matching (repeatable)').argParser(collect))
    .addOption(new Option('--exclude <glob>', 'leave out tables matching (repeatable)').argParser(collect))
    .option('-o, --output <path>', 'write the config here instead of stdout')
    .option('--force', 'overwrite --output if it exists', false)
    .option('--s3-bucket <bucket>', 'write to S3: destination prefix exports/<table>/ in this bucket')
    .option('--s3-region <region>', 'region of --s3-bucket')
    .option('--gcs-bucket <bucket>', 'write to GCS: destination prefix exports/<table>/ in this bucket')
    .option(
      '--gcs-credentials-file <path>',
      'service-account key for --gcs-bucket (else Application Default Credentials)',
    )
    .action(async (flags) => setExit(await (await import('./commands/init.js')).initCommand(flags, io())));

  program
    .command('demo')
    .description('run a real extraction from an embedded PostgreSQL (no server needed)')
    .option('--dir <path>', 'where to put the demo config, state and output', 'rivet-demo')
    .option('--rows <n>', 'rows to seed', positiveInt, 5000)
    .option('--keep', 'keep the embedded database folder for more commands', false)
    .action(async (flags) => setExit(await (await import('./commands/demo.js')).demoCommand(flags, io())));

  const state = program
    .command('state')
    .description('inspect what Rivet remembers (the state beside the config)');
  state
    .command('files')
    .description('list committed files (the manifest ledger), newest first')
    .addOption(configOption())
    .option('-e, --export <name>', 'only this export')
    .option('-l, --last <n>', 'how many rows', positiveInt, 50)
    .option('--json', 'JSON output', false)
    .addOption(paramOption())
    .action(async (flags) =>
      setExit(await (await import('./commands/state-files.js')).stateFilesCommand(flags, io())),
    );
  state
    .command('show')
    .description('show the stored incremental cursor of each export (and chunk runs in progress)')
    .addOption(configOption())
    .option('-e, --export <name>', 'only this export')
    .option('--json', 'JSON output', false)
    .addOption(paramOption())
    .action(async (flags) =>
      setExit(await (await import('./commands/state-show.js')).stateShowCommand(flags, io())),
    );
  state
    .command('reset')
    .description("forget an export's cursor and chunk checkpoints (its next run starts from scratch)")
    .addOption(configOption())
    .addOption(new Option('-e, --export <name>', 'the export to reset').makeOptionMandatory())
    .option('-y, --yes', 'do not ask for confirmation on a terminal', false)
    .addOption(paramOption())
    .action(async (flags) =>
      setExit(await (await import('./commands/state-reset.js')).stateResetCommand(flags, io())),
    );
  state
    .command('chunks')
    .description('show the chunk checkpoints of the latest chunk run of an export')
    .addOption(configOption())
    .addOption(new Option('-e, --export <name>', 'the export to show').makeOptionMandatory())
    .option('--json', 'JSON output', false)
    .addOption(paramOption())
    .action(async (flags) =>
      setExit(await (await import('./commands/state-chunks.js')).stateChunksCommand(flags, io())),
    );

  program
    .command('metrics')
    .description('list run metrics, newest first')
    .addOption(configOption())
    .option('-e, --export <name>', 'only this export')
    .option('-l, --last <n>', 'how many rows', positiveInt, 20)
    .option('--json', 'JSON output', false)
    .addOption(paramOption())
    .action(async (flags) =>
      setExit(await (await import('./commands/metrics.js')).metricsCommand(flags, io())),
    );

  return program;
}
