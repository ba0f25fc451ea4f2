/**
 * Test support for the mode end-to-end suites (both engines): a config in a temp dir,
 * the built CLI run in it, the parts a manifest lists read back by DuckDB (never by
 * Rivet's own reader), and the state read through `rivet state … --json`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { duckQuery, sqlString } from './duckdb.js';
import { type CliResult, runCli, startCli, tempDir } from './run-cli.js';

/** `<export>_<YYYYMMDD>_<HHMMSS>_chunk<N>_<16hex>.<ext>` */
export const chunkPartPattern = (exportName: string, ext: 'parquet' | 'csv') =>
  new RegExp(`^${exportName}_\\d{8}_\\d{6}_chunk\\d+_[0-9a-f]{16}\\.${ext}$`);

export interface ManifestJson {
  readonly run_id: string;
  readonly status: string;
  readonly format: 'parquet' | 'csv';
  readonly row_count: number;
  readonly part_count: number;
  readonly parts: readonly { readonly part_id: number; readonly path: string; readonly rows: number }[];
}

export interface CursorJson {
  readonly export_name: string;
  readonly cursor_column: string;
  readonly last_cursor_value: string;
  readonly run_id: string;
  readonly updated_at: string;
}

export interface ChunksJson {
  readonly export: string;
  readonly run_id: string;
  readonly plan_hash: string;
  readonly status: string;
  readonly tasks: readonly {
    readonly chunk_index: number;
    readonly status: string;
    readonly lower: string | null;
    readonly upper: string | null;
    readonly attempts: number;
    readonly rows_written: number;
    readonly files: readonly string[];
  }[];
}

/** One export of a config, as YAML lines under `exports:` (two-space indented list item). */
export function exportYaml(fields: Readonly<Record<string, string | number | boolean>>): string {
  const [first, ...rest] = Object.entries(fields);
  if (first === undefined) throw new Error('test bug: an export needs fields');
  const line = ([key, value]: [string, string | number | boolean]) => `${key}: ${value}`;
  return `${[`  - ${line(first)}`, ...rest.map((f) => `    ${line(f)}`)].join('\n')}\n`;
}

/** A scratch project: a config, the CLI run in it, its outputs and its state. */
export class Project {
  readonly dir: string;
  readonly #remove: () => void;
  readonly #env: Record<string, string>;

  constructor(source: string, exports: string, env: Record<string, string> = {}) {
    const dir = tempDir('rivet-modes-');
    this.dir = dir.path;
    this.#remove = dir.remove;
    this.#env = env;
    this.write(source, exports);
  }

  /** Rewrites `rivet.yaml` (same state, same outputs). */
  write(source: string, exports: string): void {
    writeFileSync(join(this.dir, 'rivet.yaml'), `${source}exports:\n${exports}`);
  }

  run(args: readonly string[] = [], env: Record<string, string> = {}): CliResult {
    return runCli(['run', '-c', 'rivet.yaml', ...args], { cwd: this.dir, env: { ...this.#env, ...env } });
  }

  start(args: readonly string[] = [], env: Record<string, string> = {}) {
    return startCli(['run', '-c', 'rivet.yaml', ...args], { cwd: this.dir, env: { ...this.#env, ...env } });
  }

  /** `rivet run`, expecting success; returns stderr (the cards and warnings). */
  runOk(args: readonly string[] = [], env: Record<string, string> = {}): string {
    const result = this.run(args, env);
    expect(result.code, `rivet run ${args.join(' ')}\n${result.stderr}`).toBe(0);
    return result.stderr;
  }

  /** `rivet run`, expecting one coded failure with exit 1, no stack trace. */
  runFails(code: string, args: readonly string[] = [], env: Record<string, string> = {}): CliResult {
    const result = this.run(args, env);
    expect(result.stderr, result.stderr).toContain(`[${code}]`);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.stderr).not.toContain('RIVET_INTERNAL');
    expect(result.code, result.stderr).toBe(1);
    return result;
  }

  state(args: readonly string[]): CliResult {
    return runCli(['state', ...args, '-c', 'rivet.yaml'], { cwd: this.dir, env: this.#env });
  }

  /** `rivet state show --json`: the stored cursor of `exportName`, or undefined. */
  cursor(exportName: string): CursorJson | undefined {
    const result = this.state(['show', '--json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as CursorJson[]).find((c) => c.export_name === exportName);
  }

  /** `rivet state chunks -e <export> --json`: the latest chunk run and its tasks. */
  chunks(exportName: string): ChunksJson {
    const result = this.state(['chunks', '-e', exportName, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ChunksJson;
  }

  reset(exportName: string): void {
    const result = this.state(['reset', '--export', exportName, '--yes']);
    expect(result.code, result.stderr).toBe(0);
  }

  /** Absolute path of an output directory of the project. */
  out(sub: string): string {
    return join(this.dir, sub);
  }

  /** File names in an output directory (empty when it does not exist). */
  files(sub: string): string[] {
    const path = this.out(sub);
    return existsSync(path) ? readdirSync(path).sort() : [];
  }

  /** Data files (parts) in an output directory. */
  parts(sub: string): string[] {
    return this.files(sub).filter((f) => /\.(?:parquet|csv)$/.test(f));
  }

  manifest(sub: string): ManifestJson {
    return JSON.parse(readFileSync(join(this.out(sub), 'manifest.json'), 'utf8')) as ManifestJson;
  }

  manifestBytes(sub: string): Buffer {
    return readFileSync(join(this.out(sub), 'manifest.json'));
  }

  /** SQL `read_parquet([...])` / `read_csv([...])` of the given parts of an output directory. */
  reader(sub: string, paths: readonly string[], format: 'parquet' | 'csv'): string {
    const list = `[${paths.map((p) => sqlString(join(this.out(sub), p))).join(', ')}]`;
    return format === 'parquet'
      ? `read_parquet(${list}, filename = true)`
      : `read_csv(${list}, header = true, filename = true, all_varchar = true)`;
  }

  /** The parts the manifest lists, as a DuckDB relation. */
  manifestReader(sub: string): string {
    const manifest = this.manifest(sub);
    if (manifest.parts.length === 0) throw new Error(`manifest of ${sub} lists no part`);
    return this.reader(
      sub,
      manifest.parts.map((p) => p.path),
      manifest.format,
    );
  }

  /** Every `column` value of the parts (default: those the manifest lists), sorted: numerically when
   * the values are integers, else as text; NULLs last. */
  async ids(sub: string, column = 'id', paths?: readonly string[]): Promise<(string | null)[]> {
    const manifest = this.manifest(sub);
    const from = paths === undefined ? this.manifestReader(sub) : this.reader(sub, paths, manifest.format);
    const rows = await duckQuery(
      `SELECT ${column}::VARCHAR AS v FROM ${from} ORDER BY TRY_CAST(${column} AS HUGEINT) NULLS LAST, ${column}::VARCHAR NULLS LAST`,
    );
    return rows.map((r) => (r.v === null ? null : String(r.v)));
  }

  /** count(*), count(DISTINCT id) and the number of NULL ids over the parts the manifest lists. */
  async counts(sub: string, column = 'id'): Promise<{ rows: number; distinct: number; nulls: number }> {
    const [row] = await duckQuery(
      `SELECT count(*)::INT AS n, count(DISTINCT ${column})::INT AS d, count(*) FILTER (WHERE ${column} IS NULL)::INT AS z FROM ${this.manifestReader(sub)}`,
    );
    return { rows: Number(row!.n), distinct: Number(row!.d), nulls: Number(row!.z) };
  }

  remove(): void {
    this.#remove();
  }
}

/** Numbers `from..to` as text (expected id sets). */
export function idRange(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

/** The ids compared as numbers (DuckDB sorts them; this only makes the expectation readable). */
export function sortedNumeric(values: readonly (string | number)[]): string[] {
  return [...values].map(String).sort((a, b) => Number(a) - Number(b));
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in UTC (what the time_window cutoff compares with). */
export function utcText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** UTC midnight of today, minus `days` days, in ms. */
export function cutoffMs(days: number, now = new Date()): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * 86_400_000;
}

/** The chunk index in a chunk part's file name. */
export function chunkIndexOf(file: string): number {
  const match = /_chunk(\d+)_[0-9a-f]{16}/.exec(file);
  if (match === null) throw new Error(`not a chunk part: ${file}`);
  return Number(match[1]);
}
