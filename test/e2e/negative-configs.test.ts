/**
 * End to end: every invalid config is refused by the built CLI (`node dist/main.js`)
 * before anything connects or is written — with the right exit class, a coded
 * `Error: [RIVET_…]` paragraph naming the offending key, and no stack trace.
 * Needs `npm run build`; no database (the loader never connects).
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are literal `${VAR}` config placeholders under test
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, type CliResult, runCli, tempDir } from '../support/run-cli.js';

const VALID = `source:
  type: postgres
  url: postgresql://postgres@127.0.0.1:5432/test
exports:
  - name: pa_audit
    table: public.pa_audit
    format: parquet
    destination: { type: local, path: ./out }
`;

/** VALID with `from` replaced by `to` (the replacement must apply). */
function edit(from: string, to: string, base = VALID): string {
  if (!base.includes(from)) throw new Error(`test bug: '${from}' is not in the base config`);
  return base.replace(from, to);
}
const withSource = (lines: string) => edit('  url: postgresql://postgres@127.0.0.1:5432/test\n', lines);
const withExport = (lines: string, base = VALID) => edit('    table: public.pa_audit\n', lines, base);

interface NegativeCase {
  /** The rule, as the test name. */
  readonly rule: string;
  readonly yaml: string;
  /** Extra files written beside the config. */
  readonly files?: Readonly<Record<string, string>>;
  readonly exit?: number;
  readonly code: string;
  /** Substrings stderr must contain: the offending key path, the rule text. */
  readonly mentions: readonly string[];
}

const CASES: readonly NegativeCase[] = [
  {
    rule: 'g01: refuses url together with url_env, naming both keys',
    yaml: withSource('  url: postgresql://postgres@127.0.0.1:5432/test\n  url_env: DATABASE_URL\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'source.url_env (line 4:3)',
      "specify exactly one of 'url', 'url_env', or 'url_file' (got 2 set)",
      '\n  Hint: pick one',
    ],
  },
  {
    rule: 'g02: refuses a URL together with structured host/user/database',
    yaml: withSource(
      '  url: postgresql://postgres@127.0.0.1:5432/test\n  host: 127.0.0.1\n  user: postgres\n  database: test\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['source.url (line 3:3)', 'OR structured fields', 'not both'],
  },
  {
    rule: 'g03: refuses password together with password_env',
    yaml: withSource(
      '  host: 127.0.0.1\n  user: postgres\n  database: test\n  password: secret\n  password_env: DB_PASSWORD\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['source.password_env', "specify 'password' OR 'password_env', not both"],
  },
  {
    rule: 'g04: refuses query together with query_file',
    yaml: withExport('    query: SELECT 1\n    query_file: q.sql\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].query_file',
      "export 'pa_audit': specify exactly one of 'query', 'query_file', 'table', or 'tables' (got 2 set)",
    ],
  },
  {
    rule: 'g05: refuses query together with table',
    yaml: withExport('    query: SELECT 1\n    table: public.pa_audit\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].table', "specify exactly one of 'query', 'query_file', 'table', or 'tables'"],
  },
  {
    rule: 'g06: refuses a config without source:, with the scaffold hint',
    yaml: VALID.slice(VALID.indexOf('exports:')),
    code: 'RIVET_CONFIG_MISSING_KEY',
    mentions: ['missing required key `source`', 'Hint: every config needs a `source:` block'],
  },
  {
    rule: 'g07: refuses an empty exports list',
    yaml: `${VALID.slice(0, VALID.indexOf('exports:'))}exports: []\n`,
    code: 'RIVET_CONFIG_NO_EXPORTS',
    mentions: ['exports (line 4:1)', 'at least one export must be defined (got empty list)'],
  },
  {
    rule: 'g08: refuses structured source config without host',
    yaml: withSource('  user: postgres\n  database: test\n'),
    code: 'RIVET_CONFIG_MISSING_KEY',
    mentions: ['source', "structured config is missing 'host'", 'Hint: add `host: localhost`'],
  },
  {
    rule: 'g09: refuses structured source config without user',
    yaml: withSource('  host: 127.0.0.1\n  database: test\n'),
    code: 'RIVET_CONFIG_MISSING_KEY',
    mentions: ["structured config is missing 'user'", 'Hint: add `user: <username>`'],
  },
  {
    rule: 'g10: refuses an unknown top-level key, listing the known ones',
    yaml: `mystery_key: 1\n${VALID}`,
    code: 'RIVET_CONFIG_UNKNOWN_KEY',
    mentions: ['mystery_key (line 1:1): unknown key `mystery_key`', 'expected one of `source`, `exports`'],
  },
  {
    rule: 'g11: refuses an unknown export key',
    yaml: withExport('    table: public.pa_audit\n    nonsense_export_field: 1\n'),
    code: 'RIVET_CONFIG_UNKNOWN_KEY',
    mentions: ['exports[0].nonsense_export_field (line 7:5)', 'unknown key `nonsense_export_field`'],
  },
  {
    rule: 'g12: refuses an unknown mode, listing the modes',
    yaml: withExport('    table: public.pa_audit\n    mode: gibberish\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].mode (line 7:5)',
      'unknown value `gibberish`, expected one of `full`, `incremental`, `chunked`, `time_window`, `cdc`',
    ],
  },
  {
    rule: 'g13: refuses an unknown format',
    yaml: edit('format: parquet', 'format: avro'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].format (line 7:5)', 'unknown value `avro`, expected one of `parquet`, `csv`'],
  },
  {
    rule: 'g14: refuses batch_size on the export root, pointing at exports[].tuning',
    yaml: withExport('    table: public.pa_audit\n    batch_size: 5000\n'),
    code: 'RIVET_CONFIG_MISPLACED_TUNING',
    mentions: [
      'exports[0].batch_size (line 7:5)',
      "export 'pa_audit' (index 0): field(s) [batch_size] belong under 'exports[].tuning:'",
    ],
  },
  {
    rule: 'g15: refuses an unterminated flow map, with the quote hint',
    yaml: edit('destination: { type: local, path: ./out }', 'destination: { type: local, path: ./out'),
    code: 'RIVET_CONFIG_YAML',
    mentions: ['invalid YAML', 'must be quoted'],
  },
  {
    rule: "g16: refuses a query_file path containing '..'",
    yaml: withExport('    query_file: ../../../../etc/passwd\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].query_file (line 6:5)',
      "export 'pa_audit': query_file path must not contain '..': '../../../../etc/passwd'",
    ],
  },
  {
    rule: 'g16: refuses an absolute query_file path',
    yaml: withExport('    query_file: /etc/passwd\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].query_file (line 6:5)', "query_file must be a relative path: '/etc/passwd'"],
  },
  {
    rule: 'g17: refuses incremental mode without cursor_column',
    yaml: withExport('    table: public.pa_audit\n    mode: incremental\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].cursor_column', "export 'pa_audit': incremental mode requires cursor_column"],
  },
  {
    rule: 'refuses chunked mode on a query without a chunking strategy, with the menu',
    yaml: withExport('    query: SELECT * FROM public.pa_audit\n    mode: chunked\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      "exports[0].mode (line 7:5): export 'pa_audit': chunked mode needs a chunking strategy. Pick one:",
      'chunk_by_key',
    ],
  },
  {
    rule: 'refuses a TLS downgrade: mode require with accept_invalid_certs',
    yaml: withSource(
      '  url: postgresql://postgres@127.0.0.1:5432/test\n  tls:\n    mode: require\n    accept_invalid_certs: true\n',
    ),
    code: 'RIVET_CONFIG_TLS_DOWNGRADE',
    mentions: ['source.tls.accept_invalid_certs (line 6:5)', 'downgrading the chosen `mode: require`'],
  },
  {
    rule: 'refuses CSV with compression: gzip',
    yaml: edit('format: parquet', 'format: csv\n    compression: gzip'),
    code: 'RIVET_CONFIG_CSV_COMPRESSION',
    mentions: ['exports[0].compression (line 8:5)', 'CSV output does not support compression: gzip'],
  },
  {
    rule: 'refuses an export name that is not filename-safe',
    yaml: edit('name: pa_audit', 'name: reports/daily'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].name (line 5:5)', "export name 'reports/daily' is not filename-safe"],
  },
  {
    rule: 'refuses duplicate export names, pointing at the second',
    yaml: `${VALID}  - name: pa_audit\n    table: public.other\n    format: csv\n    destination: { type: local, path: ./out }\n`,
    code: 'RIVET_CONFIG_DUPLICATE_EXPORT',
    mentions: ["exports[1].name (line 9:5): exports: duplicate export name 'pa_audit'"],
  },
  {
    rule: 'refuses two exports writing to the same directory (their markers would clobber each other)',
    yaml: `${VALID}  - name: pa_other\n    table: public.other\n    format: csv\n    destination: { type: local, path: out/ }\n`,
    code: 'RIVET_CONFIG_SHARED_DESTINATION',
    mentions: [
      "exports[1].destination (line 12:5): exports 'pa_audit' and 'pa_other' write to the same directory 'out'",
      'path: ./out/{export}',
    ],
  },
  {
    rule: 'refuses max_file_size: 0',
    yaml: withExport('    table: public.pa_audit\n    max_file_size: 0\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].max_file_size (line 7:5)', "invalid max_file_size '0'", 'at least 1 byte'],
  },
  {
    rule: 'refuses zstd compression_level 30 (outside 1..22)',
    yaml: withExport('    table: public.pa_audit\n    compression: zstd\n    compression_level: 30\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].compression_level (line 8:5)', 'zstd compression_level must be 1..22, got 30'],
  },
  {
    rule: 'refuses structured source config without database',
    yaml: withSource('  host: 127.0.0.1\n  user: postgres\n'),
    code: 'RIVET_CONFIG_MISSING_KEY',
    mentions: ["structured config is missing 'database'", 'Hint: add `database: <dbname>`'],
  },
  {
    rule: 'refuses batch_size directly under source:, pointing at source.tuning',
    yaml: withSource('  url: postgresql://postgres@127.0.0.1:5432/test\n  batch_size: 1000\n'),
    code: 'RIVET_CONFIG_MISPLACED_TUNING',
    mentions: ['source.batch_size (line 4:3)', "belong under 'source.tuning:'"],
  },
  {
    rule: 'refuses a chunk knob (chunk_column) on a full export',
    yaml: withExport('    table: public.pa_audit\n    chunk_column: id\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].chunk_column (line 7:5)', '`chunk_column` requires `mode: chunked`'],
  },
  {
    rule: 'refuses incremental_cursor_mode: coalesce without cursor_fallback_column',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: incremental\n    cursor_column: updated_at\n    incremental_cursor_mode: coalesce\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].cursor_fallback_column',
      "export 'pa_audit': incremental_cursor_mode: coalesce requires cursor_fallback_column",
    ],
  },
  {
    rule: 'refuses cursor_fallback_column without incremental_cursor_mode: coalesce',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: incremental\n    cursor_column: updated_at\n    cursor_fallback_column: created_at\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].cursor_fallback_column (line 9:5)',
      'cursor_fallback_column is only valid with incremental_cursor_mode: coalesce',
    ],
  },
  {
    rule: 'refuses chunk_count: 0 with its own code',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_column: id\n    chunk_count: 0\n',
    ),
    code: 'RIVET_CONFIG_CHUNK_COUNT_INVALID',
    mentions: ['exports[0].chunk_count (line 9:5)', 'chunk_count must be >= 1 (got 0)'],
  },
  {
    rule: 'refuses chunk_by_days: 0 with its own code',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_column: created_at\n    chunk_by_days: 0\n',
    ),
    code: 'RIVET_CONFIG_CHUNK_BY_DAYS_INVALID',
    mentions: ['exports[0].chunk_by_days (line 9:5)', 'chunk_by_days must be at least 1 (got 0)'],
  },
  {
    rule: 'refuses chunk_count without chunk_column (on a table it would silently be dropped)',
    yaml: withExport('    table: public.pa_audit\n    mode: chunked\n    chunk_count: 4\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].chunk_count (line 8:5)', 'chunk_count needs chunk_column'],
  },
  {
    rule: 'refuses chunk_by_days with chunk_by_key',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_by_key: id\n    chunk_by_days: 7\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].chunk_by_days (line 9:5)', 'chunk_by_days cannot be combined with chunk_by_key'],
  },
  {
    rule: 'refuses chunk_count together with chunk_by_days',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_column: id\n    chunk_count: 4\n    chunk_by_days: 7\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].chunk_by_days (line 10:5)',
      'chunk_count and chunk_by_days are mutually exclusive',
    ],
  },
  {
    rule: 'refuses chunk_dense by name as unsupported, pointing at chunk_by_key',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_column: id\n    chunk_dense: true\n',
    ),
    code: 'RIVET_CONFIG_UNSUPPORTED',
    mentions: [
      'exports[0].chunk_dense (line 9:5)',
      '`chunk_dense` (ROW_NUMBER paging sorts the whole result on every chunk) is not supported',
      'Hint: use `chunk_by_key: <unique column>`',
    ],
  },
  {
    rule: 'refuses cursor_lag on a full export',
    yaml: withExport('    table: public.pa_audit\n    cursor_lag: 5m\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].cursor_lag (line 7:5)', 'cursor_lag is only valid with mode: incremental'],
  },
  {
    rule: "refuses an invalid cursor_lag '5 minutes', with the grammar",
    yaml: withExport(
      '    table: public.pa_audit\n    mode: incremental\n    cursor_column: updated_at\n    cursor_lag: 5 minutes\n',
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'exports[0].cursor_lag (line 9:5)',
      "invalid cursor_lag '5 minutes'",
      'Hint: use a duration such as `30s`, `5m`, `2h` or `1d`',
    ],
  },
  {
    rule: 'refuses time_window mode without days_window',
    yaml: withExport('    table: public.pa_audit\n    mode: time_window\n    time_column: created_at\n'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].days_window', "export 'pa_audit': time_window mode requires days_window"],
  },
  {
    rule: 'refuses a chunked export to stdout',
    yaml: withExport(
      '    table: public.pa_audit\n    mode: chunked\n    chunk_column: id\n',
      edit('destination: { type: local, path: ./out }', 'destination: { type: stdout }'),
    ),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].mode (line 7:5)', '[stdout-no-chunked] a chunked export cannot write to stdout'],
  },
  {
    rule: "refuses a local destination path with a '..' component",
    yaml: edit('path: ./out', 'path: ../out'),
    code: 'RIVET_CONFIG_INVALID',
    mentions: ['exports[0].destination (line 8:5)', "must not contain a '..' component: '../out'"],
  },
  {
    rule: 'refuses an unset ${VAR}, naming it with line:col',
    yaml: withSource('  url: ${PG_URL}\n'),
    code: 'RIVET_CONFIG_UNRESOLVED_VAR',
    mentions: ['line 3:8', "'${PG_URL}' in the config is unresolved", '--param PG_URL=<value>'],
  },
  {
    rule: 'reports several problems from different exports in one error',
    yaml: `${edit('format: parquet', 'formt: parquet')}  - name: second\n    table: public.other\n    format: parquet\n    max_file_size: lots\n    destination: { type: local, path: ./out }\n`,
    code: 'RIVET_CONFIG_INVALID',
    mentions: [
      'has 3 problems',
      'exports[0].format',
      'exports[0].formt (line 7:5)',
      'did you mean `format`?',
      "exports[1].max_file_size (line 12:5): export 'second': invalid max_file_size 'lots'",
    ],
  },
];

/** stderr of an expected failure: one coded paragraph, never a stack trace. */
function expectCleanRefusal(result: CliResult, exit: number, code: string, mentions: readonly string[]) {
  expect(result.stderr).toContain(`Error: [${code}]`);
  for (const text of mentions) expect(result.stderr).toContain(text);
  expect(result.stderr).not.toMatch(/^ {4}at /m);
  expect(result.stderr).not.toContain('RIVET_INTERNAL');
  expect(result.stdout).toBe('');
  expect(result.code).toBe(exit);
}

describe('rivet run refuses invalid configs before connecting or writing anything', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  });
  beforeEach(() => {
    dir = tempDir('rivet-negative-');
  });
  afterEach(() => dir.remove());

  const write = (files: Readonly<Record<string, string>>) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, name), text);
  };
  /** Nothing beyond what the test wrote: no output dir, no .rivet_state.db, no .rivet/. */
  const expectNothingWritten = (written: readonly string[]) => {
    const entries = readdirSync(dir.path);
    expect(entries).not.toContain('out');
    expect(entries).not.toContain('.rivet_state.db');
    expect(entries).not.toContain('.rivet');
    expect(entries.sort()).toEqual([...written].sort());
  };

  for (const c of CASES) {
    it(c.rule, () => {
      const files = { 'rivet.yaml': c.yaml, ...c.files };
      write(files);
      const result = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path });
      expectCleanRefusal(result, c.exit ?? 1, c.code, c.mentions);
      expectNothingWritten(Object.keys(files));
    });
  }

  it('refuses a missing config file with exit 1 and RIVET_CONFIG_NOT_FOUND', () => {
    const result = runCli(['run', '-c', 'nope.yaml'], { cwd: dir.path });
    expectCleanRefusal(result, 1, 'RIVET_CONFIG_NOT_FOUND', ["config file 'nope.yaml' not found", 'Hint:']);
    expectNothingWritten([]);
  });

  it('refuses `run` without -c as a usage error: exit 2, naming --config, with a hint, writing nothing', () => {
    const result = runCli(['run'], { cwd: dir.path });
    expect(result.stderr).toContain("required option '-c, --config <path>' not specified");
    expect(result.stderr).toContain('Hint:');
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.code).toBe(2);
    expectNothingWritten([]);
  });

  it('refuses an unknown -e export with exit 1, listing the known exports, before connecting', () => {
    // Port 1: nothing listens, so reaching the database would fail differently.
    write({ 'rivet.yaml': edit('127.0.0.1:5432', '127.0.0.1:1') });
    const result = runCli(['run', '-c', 'rivet.yaml', '-e', 'nosuch'], { cwd: dir.path });
    expectCleanRefusal(result, 1, 'RIVET_USAGE_UNKNOWN_EXPORT', [
      "export 'nosuch' not found in config",
      'Known exports: pa_audit',
      'Hint:',
    ]);
    expectNothingWritten(['rivet.yaml']);
  });

  it('--json-errors prints one JSON object on stderr with error, exit_class and code', () => {
    write({ 'rivet.yaml': withSource('  url: postgresql://x@127.0.0.1/t\n  url_env: DATABASE_URL\n') });
    const result = runCli(['--json-errors', 'run', '-c', 'rivet.yaml'], { cwd: dir.path });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const body = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(body).toMatchObject({ exit_class: 1, code: 'RIVET_CONFIG_INVALID' });
    expect(body.error).toEqual(expect.stringContaining('source.url_env'));
    expect(body.hint).toEqual(expect.stringContaining('pick one'));
    expectNothingWritten(['rivet.yaml']);
  });

  it('--json-errors lists each problem of a multi-problem config with its own code', () => {
    write({ 'rivet.yaml': `mystery_key: 1\n${edit('format: parquet', 'format: avro')}` });
    const result = runCli(['run', '-c', 'rivet.yaml', '--json-errors'], { cwd: dir.path });
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stderr) as { code: string; problems: { code: string; message: string }[] };
    expect(body.code).toBe('RIVET_CONFIG_INVALID');
    expect(body.problems.map((p) => p.code)).toEqual(['RIVET_CONFIG_INVALID', 'RIVET_CONFIG_UNKNOWN_KEY']);
    expect(body.problems[0]!.message).toContain('exports[0].format');
    expect(body.problems[1]!.message).toContain('mystery_key');
    expectNothingWritten(['rivet.yaml']);
  });
});
