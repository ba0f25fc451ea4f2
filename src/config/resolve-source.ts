/**
 * Layer: config. Source rules, in upstream's order: one connection method (a URL form
 * or structured fields, never both), structured needs host → user → database, never
 * password and password_env together. Secrets stay references until connect time.
 */
import type { ConfigProblem } from './config-problem.js';
import type { RawSource } from './config-schema.js';
import type { SourceConfig, SourceConnection, TlsConfig } from './config-types.js';

export interface Resolved<T> {
  readonly value: T | undefined;
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly string[];
}

export function resolveSource(raw: RawSource): Resolved<SourceConfig> {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const at = (key: string) => ['source', key];
  if (raw.type !== 'postgres' && raw.type !== 'mysql') {
    problems.push({
      path: at('type'),
      message: `source type '${raw.type}' is not supported by this version of Rivet yet (supported: postgres, mysql)`,
      code: 'RIVET_CONFIG_UNSUPPORTED',
      hint: 'export from PostgreSQL or MySQL/MariaDB; SQL Server and MongoDB are planned',
    });
  }
  const tuning = raw.tuning;
  if (tuning?.batch_size !== undefined && tuning.batch_size_memory_mb !== undefined) {
    problems.push({
      path: ['source', 'tuning'],
      message: 'tuning: batch_size and batch_size_memory_mb are mutually exclusive',
      hint: 'keep one: batch_size (rows) or batch_size_memory_mb (memory per batch)',
    });
  }
  const connection = resolveConnection(raw, problems);
  if (raw.url !== undefined && /:\/\/[^/@\s]*:[^/@\s]+@/.test(raw.url)) {
    warnings.push(
      'source: inline `url:` in YAML contains a plaintext password — move it to `url_env: DATABASE_URL` (or `url_file:`) to keep credentials out of committed configs',
    );
  }
  if (raw.password !== undefined)
    warnings.push('source config contains plaintext password -- consider using password_env');
  const tls = resolveTls(raw);
  if (problems.length > 0 || connection === undefined) return { value: undefined, problems, warnings };
  return { value: { type: raw.type as 'postgres' | 'mysql', connection, tls }, problems, warnings };
}

function resolveConnection(raw: RawSource, problems: ConfigProblem[]): SourceConnection | undefined {
  const urlForms = (['url', 'url_env', 'url_file'] as const).filter((k) => raw[k] !== undefined);
  const structured =
    raw.host !== undefined ||
    raw.user !== undefined ||
    raw.database !== undefined ||
    raw.password !== undefined ||
    raw.password_env !== undefined;
  if (urlForms.length === 0 && !structured) {
    problems.push({
      path: ['source'],
      message: 'source: no connection method configured',
      hint: 'add one of: `url_env: DATABASE_URL` (recommended), `url_file: <path>`, `url: <url>`, or `host`/`user`/`database` (+ `password_env`)',
      code: 'RIVET_CONFIG_NO_CONNECTION',
    });
    return undefined;
  }
  if (urlForms.length > 1) {
    problems.push({
      path: ['source', urlForms[1]!],
      message: `source: specify exactly one of 'url', 'url_env', or 'url_file' (got ${urlForms.length} set)`,
      hint: 'pick one — `url_env` is recommended so credentials never enter the YAML',
    });
    return undefined;
  }
  if (urlForms.length === 1 && structured) {
    problems.push({
      path: ['source', urlForms[0]!],
      message:
        'source: pick either URL-based config (url/url_env/url_file) OR structured fields (host/user/database/port/password_env), not both',
      hint: "remove whichever block you don't want; mixing the two is ambiguous",
    });
    return undefined;
  }
  if (raw.url !== undefined) return { kind: 'url', url: raw.url };
  if (raw.url_env !== undefined) return { kind: 'url_env', name: raw.url_env };
  if (raw.url_file !== undefined) return { kind: 'url_file', path: raw.url_file };
  return resolveStructured(raw, problems);
}

function resolveStructured(raw: RawSource, problems: ConfigProblem[]): SourceConnection | undefined {
  const missing: [keyof RawSource, string][] = [
    ['host', 'add `host: localhost` (or your DB host) under `source:`; or switch to `url_env: DATABASE_URL`'],
    ['user', 'add `user: <username>` under `source:`'],
    ['database', 'add `database: <dbname>` under `source:`'],
  ];
  for (const [key, hint] of missing) {
    if (raw[key] === undefined) {
      problems.push({
        path: ['source'],
        message: `source: structured config is missing '${key}'`,
        hint,
        code: 'RIVET_CONFIG_MISSING_KEY',
      });
      return undefined;
    }
  }
  if (raw.password !== undefined && raw.password_env !== undefined) {
    problems.push({
      path: ['source', 'password_env'],
      message: "source: specify 'password' OR 'password_env', not both",
      hint: 'prefer `password_env: DB_PASSWORD` so credentials never enter the YAML',
    });
    return undefined;
  }
  const password =
    raw.password !== undefined
      ? ({ kind: 'inline', value: raw.password } as const)
      : raw.password_env !== undefined
        ? ({ kind: 'env', name: raw.password_env } as const)
        : undefined;
  return {
    kind: 'structured',
    host: raw.host!,
    port: raw.port,
    user: raw.user!,
    password,
    database: raw.database!,
  };
}

function resolveTls(raw: RawSource): TlsConfig | undefined {
  if (raw.tls === undefined) return undefined;
  return {
    mode: raw.tls.mode ?? 'verify-full',
    caFile: raw.tls.ca_file,
    acceptInvalidCerts: raw.tls.accept_invalid_certs ?? false,
    acceptInvalidHostnames: raw.tls.accept_invalid_hostnames ?? false,
  };
}
