/**
 * Command-line options of the benchmark harness.
 */

export const HELP = `Usage: npm run bench [-- <options>]
       node bench/run-bench.mjs [<options>]     (run \`npm run build\` first)

Seeds the fixtures in database rivet_bench on PostgreSQL (127.0.0.1:5432, user
postgres) and/or MariaDB (127.0.0.1:3306, user root; the measured cases connect as
rivet_bench) and measures Rivet against baselines: wall time, rows/s, MB/s, peak RSS,
longest single source statement (PG: server log; MariaDB: mysql.slow_log), temp
spill (PG: temp_bytes; MariaDB: Created_tmp_disk_tables).
PostgreSQL baselines: psql \\copy csv, COPY binary → /dev/null.
MariaDB baselines: mysql2 query().stream() → NDJSON → /dev/null, mydumper -t 2
(one \`apt-get install -y mydumper\` try when it is missing, else the case is skipped).

Options:
  --rows-wide <n>     rows of the wide fixture (content_items, "fast" profile)  [2000000]
  --rows-narrow <n>   rows of the narrow fixture (bench_narrow)                 [10240000]
  --runs <n>          timed runs per case (median reported)                     [3]
  --warmup <n>        discarded warm-up runs per case                           [1]
  --only <fixture>    run just one fixture: wide | narrow | s3                  [wide+narrow]
                      s3: text_1k (1 KB of low-compressibility text per row) to
                      CSV on a loopback S3 server (s3rver), PostgreSQL only
  --rows-text <n>     rows of the text_1k fixture (--only s3; ≥ 1 GB of CSV)    [1000000]
  --engine <name>     source engine(s) to bench: postgres | mariadb | all       [all]
  --profile <name>    Rivet tuning profile: fast | balanced | safe              [fast]
  -h, --help          show this text

A table whose row count differs from the requested size is dropped and re-seeded;
one that matches is reused (MariaDB: the count rivet_bench.bench_meta recorded after
a complete seeding). Generated data, configs, logs and outputs live in
bench/work/ (git-ignored). Results: stdout and bench/results/<YYYY-MM-DD>.md.

Examples:
  npm run bench                                              # full size, ~GBs of data
  npm run bench -- --rows-wide 20000 --rows-narrow 100000 --runs 1   # smoke run
  npm run bench -- --only narrow --profile balanced
  node bench/run-bench.mjs --engine mariadb --runs 1         # quick MariaDB check
`;

const DEFAULTS = {
  rowsWide: 2_000_000,
  rowsNarrow: 10_240_000,
  rowsText: 1_000_000,
  runs: 3,
  warmup: 1,
  only: undefined,
  engine: 'all',
  profile: 'fast',
  help: false,
};

const INT_OPTIONS = {
  '--rows-wide': ['rowsWide', 2],
  '--rows-narrow': ['rowsNarrow', 1],
  '--rows-text': ['rowsText', 1],
  '--runs': ['runs', 1],
  '--warmup': ['warmup', 0],
};

export class UsageError extends Error {}

export function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${arg} needs a value`);
      return v;
    };
    if (arg === '-h' || arg === '--help') {
      opts.help = true;
    } else if (arg in INT_OPTIONS) {
      const [key, min] = INT_OPTIONS[arg];
      const raw = next().replace(/_/g, '');
      if (!/^\d+$/.test(raw)) throw new UsageError(`${arg} expects a whole number, got '${raw}'`);
      const n = Number(raw);
      if (n < min) throw new UsageError(`${arg} must be at least ${min}`);
      if (n > 2_147_483_647) throw new UsageError(`${arg} must fit in a 32-bit integer`);
      opts[key] = n;
    } else if (arg === '--only') {
      const v = next();
      if (!['wide', 'narrow', 's3'].includes(v))
        throw new UsageError(`--only expects wide, narrow or s3, got '${v}'`);
      opts.only = v;
    } else if (arg === '--engine') {
      const v = next();
      if (!['postgres', 'mariadb', 'all'].includes(v)) {
        throw new UsageError(`--engine expects postgres, mariadb or all, got '${v}'`);
      }
      opts.engine = v;
    } else if (arg === '--profile') {
      const v = next();
      if (!['fast', 'balanced', 'safe'].includes(v)) {
        throw new UsageError(`--profile expects fast, balanced or safe, got '${v}'`);
      }
      opts.profile = v;
    } else {
      throw new UsageError(`unknown argument '${arg}' (see --help)`);
    }
  }
  return opts;
}

/** Whether a fixture is selected: wide and narrow run unless --only picks another; s3 only on request. */
export function wants(opts, fixture) {
  return opts.only === undefined ? fixture !== 's3' : opts.only === fixture;
}
