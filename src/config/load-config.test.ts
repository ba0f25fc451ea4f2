// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are literal `${VAR}` config placeholders under test
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RivetError, RivetErrorList } from '../common/errors.js';
import type { Config, ExportConfig } from './config-types.js';
import { type LoadOptions, loadConfig } from './load-config.js';
import { PROFILES } from './tuning-profiles.js';

const SOURCE = `source:
  type: postgres
  url: postgresql://postgres@127.0.0.1:5432/test
`;

/** A valid single-export config; `extra` lines are appended inside the export. */
const minimal = (extra = '', format = 'parquet') => `${SOURCE}exports:
  - name: pa_audit
    table: public.pa_audit
    format: ${format}
    destination: { type: local, path: ./out }
${extra}`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rivet-load-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(text: string, name = 'rivet.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function load(text: string, options: Partial<LoadOptions> = {}): Config {
  return loadConfig(writeConfig(text), { params: new Map(), env: {}, ...options });
}

/** Loads a config expected to fail and returns the RivetError it throws. */
function loadError(text: string, options: Partial<LoadOptions> = {}): RivetError {
  try {
    load(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RivetError);
    return error as RivetError;
  }
  throw new Error('expected the config to be refused, but it loaded');
}

const only = (config: Config): ExportConfig => {
  expect(config.exports).toHaveLength(1);
  return config.exports[0]!;
};

describe('loadConfig: a valid minimal config', () => {
  it('loads into a deeply frozen Config with the documented defaults', () => {
    const config = load(minimal());
    expect(config.dir).toBe(dir);
    expect(config.source).toEqual({
      type: 'postgres',
      connection: { kind: 'url', url: 'postgresql://postgres@127.0.0.1:5432/test' },
      tls: undefined,
    });
    expect(config.warnings).toEqual([]);
    const e = only(config);
    expect(e).toMatchObject({
      name: 'pa_audit',
      relation: { kind: 'table', schema: 'public', name: 'pa_audit' },
      mode: { kind: 'full' },
      format: 'parquet',
      compression: 'zstd',
      compressionLevel: undefined,
      skipEmpty: false,
      maxFileBytes: undefined,
      destination: { kind: 'local', path: './out' },
      columns: [],
    });
    expect(e.tuning.profile).toBe('balanced');
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.exports)).toBe(true);
    expect(Object.isFrozen(e.tuning)).toBe(true);
    expect(Object.isFrozen(e.destination)).toBe(true);
    expect(() => {
      (e as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });

  it('defaults CSV compression to none', () => {
    expect(only(load(minimal('', 'csv'))).compression).toBe('none');
  });

  it('uses the balanced tuning profile by default, with its values', () => {
    const t = only(load(minimal())).tuning;
    expect(t).toMatchObject({
      profile: 'balanced',
      batchRows: PROFILES.balanced.batchSize,
      batchRowsExplicit: false,
      throttleMs: PROFILES.balanced.throttleMs,
      statementTimeoutMs: PROFILES.balanced.statementTimeoutS * 1000,
      maxRetries: PROFILES.balanced.maxRetries,
    });
  });

  it('picks the fast profile for `environment: local`, and an explicit profile wins over it', () => {
    const local = load(minimal().replace('  type: postgres\n', '  type: postgres\n  environment: local\n'));
    expect(only(local).tuning.profile).toBe('fast');
    expect(only(local).tuning.throttleMs).toBe(PROFILES.fast.throttleMs);
    const explicit = load(
      minimal().replace(
        '  type: postgres\n',
        '  type: postgres\n  environment: local\n  tuning:\n    profile: safe\n',
      ),
    );
    expect(only(explicit).tuning.profile).toBe('safe');
  });

  it('treats `environment: production` as balanced', () => {
    const config = load(
      minimal().replace('  type: postgres\n', '  type: postgres\n  environment: production\n'),
    );
    expect(only(config).tuning.profile).toBe('balanced');
  });

  it('merges export tuning over source tuning field by field', () => {
    const config = load(
      minimal('    tuning:\n      throttle_ms: 7\n      max_retries: 9\n').replace(
        '  type: postgres\n',
        '  type: postgres\n  tuning:\n    profile: safe\n    batch_size: 1234\n    throttle_ms: 100\n',
      ),
    );
    const t = only(config).tuning;
    expect(t.profile).toBe('safe'); // from source
    expect(t.batchRows).toBe(1234); // from source
    expect(t.batchRowsExplicit).toBe(true);
    expect(t.throttleMs).toBe(7); // export wins
    expect(t.maxRetries).toBe(9); // export only
    expect(t.retryBackoffMs).toBe(PROFILES.safe.retryBackoffMs); // profile fallback
  });

  it('leaves destination placeholders such as {date} and {export} for the planner', () => {
    const config = load(minimal().replace('path: ./out', 'path: "./out/{export}/{date}"'));
    expect(only(config).destination).toEqual({ kind: 'local', path: './out/{export}/{date}' });
  });

  it('reads explicit export options: csv, skip_empty, max_file_size with units', () => {
    const e = only(load(minimal('    skip_empty: true\n    max_file_size: 1.5KB\n', 'csv')));
    expect(e).toMatchObject({ format: 'csv', compression: 'none', skipEmpty: true, maxFileBytes: 1536 });
  });

  it('accepts a bare number of bytes as max_file_size', () => {
    expect(only(load(minimal('    max_file_size: 1048576\n'))).maxFileBytes).toBe(1024 * 1024);
  });
});

describe('loadConfig: ${VAR} substitution', () => {
  const withUrl = (url: string) => minimal().replace('postgresql://postgres@127.0.0.1:5432/test', url);
  const urlOf = (config: Config) => config.source.connection;

  it('substitutes a variable from the environment', () => {
    const config = load(withUrl('${PG_URL}'), { env: { PG_URL: 'postgresql://u@127.0.0.1/from_env' } });
    expect(urlOf(config)).toEqual({ kind: 'url', url: 'postgresql://u@127.0.0.1/from_env' });
  });

  it('lets --param win over the environment', () => {
    const config = load(withUrl('${PG_URL}'), {
      env: { PG_URL: 'postgresql://u@127.0.0.1/from_env' },
      params: new Map([['PG_URL', 'postgresql://u@127.0.0.1/from_param']]),
    });
    expect(urlOf(config)).toEqual({ kind: 'url', url: 'postgresql://u@127.0.0.1/from_param' });
    expect(config.warnings).toEqual([]);
  });

  it('turns ${} into an empty string', () => {
    const config = load(withUrl('postgresql://u@127.0.0.1/db${}name'));
    expect(urlOf(config)).toEqual({ kind: 'url', url: 'postgresql://u@127.0.0.1/dbname' });
  });

  it('refuses an unset variable, naming it with its line:col', () => {
    const error = loadError(withUrl('${NOPE_URL}'));
    expect(error.code).toBe('RIVET_CONFIG_UNRESOLVED_VAR');
    expect(error.message).toContain("'${NOPE_URL}' in the config is unresolved");
    expect(error.message).toContain('--param NOPE_URL=<value>');
    expect(error.message).toContain('line 3:8');
  });

  it('reports several unset variables together, each once, with its position', () => {
    const text = `${withUrl('${A_URL}')}  - name: \${B_NAME}\n    table: t\n    format: parquet\n    destination: { type: local, path: "\${A_URL}" }\n`;
    const error = loadError(text);
    expect(error).toBeInstanceOf(RivetErrorList);
    expect(error.code).toBe('RIVET_CONFIG_INVALID');
    expect((error as RivetErrorList).problems).toHaveLength(2);
    expect(error.message).toContain('has 2 problems');
    expect(error.message).toMatch(/line 3:8\): '\$\{A_URL\}' in the config is unresolved/);
    expect(error.message).toMatch(/line 9:11\): '\$\{B_NAME\}' in the config is unresolved/);
  });

  it('warns about a --param no placeholder references', () => {
    const config = load(minimal(), { params: new Map([['unused', '1']]) });
    expect(config.warnings).toEqual([
      "--param 'unused' was not referenced by any `${unused}` placeholder in the config — check the parameter name (case-sensitive) or remove the unused --param",
    ]);
  });

  it('substitutes inside query text as well', () => {
    const config = load(
      minimal().replace('table: public.pa_audit', 'query: SELECT * FROM t WHERE id <= ${max_id}'),
      {
        params: new Map([['max_id', '20']]),
      },
    );
    expect(only(config).relation).toEqual({ kind: 'query', sql: 'SELECT * FROM t WHERE id <= 20' });
  });
});

describe('loadConfig: query_file', () => {
  const withQueryFile = (file: string) => minimal().replace('table: public.pa_audit', `query_file: ${file}`);

  it('reads a relative query file from the config directory, substituting ${VAR} and dropping a trailing ;', () => {
    mkdirSync(join(dir, 'sql'));
    writeFileSync(join(dir, 'sql', 'q.sql'), 'SELECT *\nFROM t\nWHERE id <= ${max_id};\n');
    const config = load(withQueryFile('sql/q.sql'), { params: new Map([['max_id', '20']]) });
    expect(only(config).relation).toEqual({ kind: 'query', sql: 'SELECT *\nFROM t\nWHERE id <= 20' });
    // the param is used by the query file, so it is not reported as unused
    expect(config.warnings).toEqual([]);
  });

  it('refuses an unset variable inside the query file, naming it', () => {
    writeFileSync(join(dir, 'q.sql'), 'SELECT * FROM t WHERE id <= ${max_id}');
    const error = loadError(withQueryFile('q.sql'));
    expect(error.message).toContain('exports[0].query_file');
    expect(error.message).toContain("'${max_id}' in the config is unresolved");
  });

  it('refuses an absolute query_file path', () => {
    const error = loadError(withQueryFile(join(dir, 'q.sql')));
    expect(error.message).toContain('exports[0].query_file (line 6:5)');
    expect(error.message).toContain('query_file must be a relative path');
  });

  it("refuses a query_file path containing '..'", () => {
    const error = loadError(withQueryFile('../../../../etc/passwd'));
    expect(error.message).toContain(
      "export 'pa_audit': query_file path must not contain '..': '../../../../etc/passwd'",
    );
    expect(error.message).toContain('exports[0].query_file (line 6:5)');
  });

  it('refuses a missing query file, naming the file', () => {
    const error = loadError(withQueryFile('nope.sql'));
    expect(error.message).toContain('exports[0].query_file (line 6:5)');
    expect(error.message).toContain("cannot read query_file 'nope.sql'");
    expect(error.hint).toContain('check that the file exists');
  });
});

describe('loadConfig: every problem is reported at once', () => {
  it('lists unknown key, bad enum and bad size from different exports in one error, each with key path and line:col', () => {
    const text = `${SOURCE}exports:
  - name: first
    table: t
    format: avro
    nonsense_key: 1
    destination: { type: local, path: ./out }
  - name: second
    table: t
    format: parquet
    max_file_size: lots
    destination: { type: local, path: ./out }
`;
    const error = loadError(text);
    expect(error).toBeInstanceOf(RivetErrorList);
    expect(error.code).toBe('RIVET_CONFIG_INVALID');
    expect(error.message).toContain('has 3 problems');
    expect((error as RivetErrorList).problems.map((p) => p.code)).toEqual([
      'RIVET_CONFIG_INVALID',
      'RIVET_CONFIG_UNKNOWN_KEY',
      'RIVET_CONFIG_INVALID',
    ]);
    expect(error.message).toContain('exports[0].format (line 7:5): unknown value `avro`');
    expect(error.message).toContain('exports[0].nonsense_key (line 8:5): unknown key `nonsense_key`');
    expect(error.message).toContain(
      "exports[1].max_file_size (line 13:5): export 'second': invalid max_file_size 'lots'",
    );
  });

  it('combines pre-scan, source and export problems from a schema-valid file', () => {
    const text = `source:
  type: postgres
  url: postgresql://postgres@127.0.0.1:5432/test
  url_env: DATABASE_URL
exports:
  - name: a
    table: t
    format: csv
    compression: gzip
    destination: { type: local, path: ./out }
  - name: b
    table: t
    format: parquet
    compression_level: 30
    destination: { type: local, path: ../out }
`;
    const error = loadError(text);
    expect(error.message).toContain('has 4 problems');
    expect(error.message).toContain(
      'exports[0].compression (line 9:5): CSV output does not support compression: gzip',
    );
    expect(error.message).toContain('source.url_env (line 4:3)');
    expect(error.message).toContain('exports[1].compression_level (line 14:5)');
    expect(error.message).toContain('exports[1].destination (line 15:5)');
  });

  it('reports a missing required key by name rather than as an unknown value', () => {
    const error = loadError(minimal().replace('    format: parquet\n', ''));
    expect(error.code).toBe('RIVET_CONFIG_MISSING_KEY');
    expect(error.message).toContain('exports[0].format (line 5:5): missing required key `format`');
    expect(error.message).not.toContain('undefined');
    expect(error.hint).toContain('format: parquet');
  });

  it('refuses duplicate export names with RIVET_CONFIG_DUPLICATE_EXPORT at the second one', () => {
    const text = `${minimal()}  - name: pa_audit\n    table: t2\n    format: csv\n    destination: { type: local, path: ./out }\n`;
    const error = loadError(text);
    expect(error.code).toBe('RIVET_CONFIG_DUPLICATE_EXPORT');
    expect(error.message).toContain("exports[1].name (line 9:5): exports: duplicate export name 'pa_audit'");
  });
});

describe('loadConfig: did you mean', () => {
  it('suggests `format` for `formt`', () => {
    const error = loadError(minimal().replace('format: parquet', 'formt: parquet'));
    expect(error.message).toContain('exports[0].formt (line 7:5): unknown key `formt`');
    expect(error.message).toContain('did you mean `format`?');
    expect(error.message).toContain('missing required key `format`');
  });

  it('suggests `destination` for `destinaton`', () => {
    const error = loadError(minimal().replace('destination:', 'destinaton:'));
    expect(error.message).toContain('exports[0].destinaton (line 8:5): unknown key `destinaton`');
    expect(error.message).toContain('did you mean `destination`?');
  });

  it('suggests the closest enum value for a misspelt value', () => {
    const error = loadError(minimal().replace('format: parquet', 'format: parquett'));
    expect(error.message).toContain('exports[0].format (line 7:5): unknown value `parquett`');
    expect(error.hint).toBe('did you mean `parquet`?');
  });
});
