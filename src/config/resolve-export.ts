/**
 * Layer: config. Export rules (upstream order, every problem collected): a safe name,
 * exactly one of query/query_file/table, destination rules, codec and size grammar,
 * mode rules — and a clear refusal, by key, of features this version does not run yet.
 */
import { parseTableName } from '../common/sql-ident.js';
import type { Compression, SourceRelation } from '../contracts/run-plan.js';
import type { ConfigProblem } from './config-problem.js';
import type { RawExport, RawTuning } from './config-schema.js';
import type { ExportConfig } from './config-types.js';
import { parseSize } from './parse-size.js';
import { resolveDestination } from './resolve-destination.js';
import { type AddProblem, resolveMode } from './resolve-mode.js';
import type { Resolved } from './resolve-source.js';
import { resolveTuning } from './tuning-profiles.js';

export interface ExportContext {
  readonly index: number;
  readonly environment: 'local' | 'replica' | 'production' | undefined;
  readonly sourceTuning: RawTuning | undefined;
  /** Reads a `query_file` relative to the config directory; returns text or a problem message. */
  readonly readQueryFile: (path: string) => string | { readonly error: string };
}

/** 10,000 multipart parts of 8 MiB, as the S3 destination writes them. */
const S3_MAX_OBJECT_BYTES = 10_000 * 8 * 1024 * 1024;

/** Bounds the WASM encoder: a row group is buffered (encoded) until it is flushed. */
const DEFAULT_ROW_GROUP_MB = 32;

export function resolveExport(raw: RawExport, ctx: ExportContext): Resolved<ExportConfig> {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const at = (...keys: (string | number)[]) => ['exports', ctx.index, ...keys];
  const who = `export '${raw.name}'`;
  const add = (key: string | undefined, message: string, hint?: string, code?: string) =>
    problems.push({ path: key === undefined ? at() : at(key), message: `${who}: ${message}`, hint, code });

  if (!isFileNameSafe(raw.name)) {
    add(
      'name',
      `export name '${raw.name}' is not filename-safe: it must not be absolute, contain '/', '\\', '..', a NUL, or start with '.'`,
      'rename the export (it names files and state)',
    );
  }
  const relation = resolveRelation(raw, ctx, add);
  const destination = resolveDestination(raw, add);
  const compression = resolveCompression(raw, add, warnings);
  const maxFileBytes = raw.max_file_size === undefined ? undefined : parseSize(raw.max_file_size);
  if (raw.max_file_size !== undefined && maxFileBytes === undefined) {
    add(
      'max_file_size',
      `invalid max_file_size '${raw.max_file_size}'`,
      'use a size such as `256MB`, `1.5GB`, `500KB` (binary units, at least 1 byte)',
    );
  }
  if (destination?.kind === 's3' && maxFileBytes !== undefined && maxFileBytes > S3_MAX_OBJECT_BYTES) {
    add(
      'max_file_size',
      `max_file_size '${raw.max_file_size}' exceeds what one S3 object can hold at 10,000 upload parts of 8 MiB (about 78 GiB)`,
      'use a max_file_size of at most `78GB`',
    );
  }
  if (raw.tuning?.batch_size !== undefined && raw.tuning.batch_size_memory_mb !== undefined) {
    add('tuning', 'tuning.batch_size and tuning.batch_size_memory_mb are mutually exclusive');
  }
  const tuning = resolveTuning(ctx.environment, ctx.sourceTuning, raw.tuning);
  const mode = resolveMode(raw, tuning.maxRetries, add, (message) => warnings.push(message));
  refuseUnsupported(raw, add, warnings, who);
  if (destination?.kind === 'stdout' && mode?.kind === 'chunked') {
    add(
      'mode',
      '[stdout-no-chunked] a chunked export cannot write to stdout (chunks commit as separate files)',
      'write to a local destination, or use `mode: full` for a stdout stream',
    );
  }
  if (destination?.kind === 'stdout' && maxFileBytes !== undefined) {
    add(
      'max_file_size',
      '[stdout-no-split] max_file_size cannot split a stdout stream',
      'remove `max_file_size` or write to a local destination',
    );
  }
  if (
    problems.length > 0 ||
    relation === undefined ||
    mode === undefined ||
    destination === undefined ||
    compression === undefined
  ) {
    return { value: undefined, problems, warnings };
  }
  const parquet = raw.parquet;
  return {
    value: {
      name: raw.name,
      relation,
      mode,
      format: raw.format,
      compression,
      compressionLevel: raw.compression_level,
      skipEmpty: raw.skip_empty ?? false,
      maxFileBytes,
      destination,
      columns: Object.entries(raw.columns ?? {}).map(([column, type]) => ({
        column,
        type,
        allowLossy: raw.allow_lossy ?? false,
      })),
      rowGroupRows:
        parquet?.row_group_strategy === 'fixed_rows' ? (parquet.row_group_rows ?? 1_048_576) : undefined,
      rowGroupBytes:
        Math.min(
          parquet?.target_row_group_mb ?? DEFAULT_ROW_GROUP_MB,
          parquet?.max_row_group_mb ?? Number.MAX_SAFE_INTEGER,
        ) *
        1024 *
        1024,
      tuning,
      readPolicy: {
        allowUnboundedRead: raw.allow_unbounded_read ?? false,
        consistentSnapshot: raw.consistent_snapshot ?? false,
        zeroDates: raw.zero_dates === 'error' ? 'error' : 'null',
        numericSpecials: raw.numeric_special === 'as_null' ? 'null' : 'error',
      },
      target: raw.target,
    },
    problems,
    warnings,
  };
}

function isFileNameSafe(name: string): boolean {
  return (
    name !== '' &&
    !name.startsWith('.') &&
    !name.startsWith('/') &&
    !/[/\\\0]/.test(name) &&
    !name.includes('..')
  );
}

function resolveRelation(raw: RawExport, ctx: ExportContext, add: AddProblem): SourceRelation | undefined {
  const given = (['query', 'query_file', 'table', 'tables'] as const).filter((k) => raw[k] !== undefined);
  if (given.length !== 1) {
    const got = given.length === 0 ? '' : ` (got ${given.length} set)`;
    add(
      given[1],
      `specify exactly one of 'query', 'query_file', 'table', or 'tables'${got}`,
      'use `table: <name>` for a whole table (enables keyset pages), `query: "SELECT …"` for an inline query, `query_file: <path>` for SQL kept in version control',
    );
    return undefined;
  }
  if (raw.query !== undefined) return { kind: 'query', sql: trimQuery(raw.query) };
  if (raw.table !== undefined) {
    const parsed = parseTableName(raw.table);
    if (typeof parsed === 'string') {
      add('table', parsed);
      return undefined;
    }
    return { kind: 'table', schema: parsed.schema, name: parsed.name };
  }
  if (raw.query_file !== undefined) return queryFile(raw.query_file, ctx, add);
  add(
    'tables',
    '`tables:` is only valid with `mode: cdc`, which this version does not run yet',
    undefined,
    'RIVET_CONFIG_UNSUPPORTED',
  );
  return undefined;
}

function queryFile(path: string, ctx: ExportContext, add: AddProblem): SourceRelation | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) {
    add(
      'query_file',
      `query_file must be a relative path: '${path}'`,
      'query files live beside the config; give a path relative to its directory',
    );
    return undefined;
  }
  if (path.split(/[\\/]/).includes('..')) {
    add(
      'query_file',
      `query_file path must not contain '..': '${path}'`,
      'keep query files inside the config directory',
    );
    return undefined;
  }
  const text = ctx.readQueryFile(path);
  if (typeof text !== 'string') {
    add('query_file', text.error, 'check that the file exists beside the config and is readable');
    return undefined;
  }
  return { kind: 'query', sql: trimQuery(text) };
}

/** The query is wrapped as a subquery: a trailing `;` would end the statement early. */
function trimQuery(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

function resolveCompression(raw: RawExport, add: AddProblem, warnings: string[]): Compression | undefined {
  if (raw.format === 'csv') return 'none';
  let codec: Compression = raw.compression ?? 'zstd';
  if (raw.compression_profile !== undefined) {
    const byProfile = ({ none: 'none', fast: 'snappy', balanced: 'zstd', compact: 'zstd' } as const)[
      raw.compression_profile
    ];
    if (raw.compression !== undefined && raw.compression !== byProfile) {
      warnings.push(
        `compression_profile '${raw.compression_profile}' overrides explicit compression '${raw.compression}' (using '${byProfile}')`,
      );
    }
    codec = byProfile;
  }
  const level = raw.compression_level;
  if (level !== undefined) {
    const source = raw.compression ?? 'zstd';
    if (source === 'zstd' && (level < 1 || level > 22))
      add('compression_level', `zstd compression_level must be 1..22, got ${level}`);
    else if (source === 'gzip' && level > 9)
      add('compression_level', `gzip compression_level must be 0..9, got ${level}`);
    else if (source !== 'zstd' && source !== 'gzip')
      add('compression_level', 'compression_level is only supported for zstd and gzip');
    else
      warnings.push(
        `export '${raw.name}': compression_level ${level} is recorded, but the Parquet writer uses its default ${source} level`,
      );
  }
  return codec;
}

/** Keys that change what a run must do; silently ignoring them would be a lie, so they are refused by name. */
function refuseUnsupported(raw: RawExport, add: AddProblem, warnings: string[], who: string): void {
  const unsupported = (key: string, what: string) =>
    add(
      key,
      `${what} is not supported by this version of Rivet yet`,
      `remove \`${key}\` to run this export without it`,
      'RIVET_CONFIG_UNSUPPORTED',
    );
  for (const key of ['meta_columns', 'quality', 'partition_by', 'load', 'cdc'] as const) {
    if (raw[key] !== undefined) unsupported(key, `\`${key}\``);
  }
  if (raw.on_schema_drift === 'fail')
    unsupported('on_schema_drift', '`on_schema_drift: fail` (schema drift detection)');
  const ignoredTuning = (
    [
      'adaptive',
      'memory_threshold_mb',
      'max_batch_memory_mb',
      'on_batch_memory_exceeded',
      'min_parallel',
    ] as const
  ).filter((k) => raw.tuning?.[k] !== undefined);
  if (ignoredTuning.length > 0) {
    warnings.push(
      `${who}: tuning keys [${ignoredTuning.join(', ')}] have no effect in this version (batches are already byte-bounded)`,
    );
  }
}
