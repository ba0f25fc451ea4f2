/**
 * Layer: config. YAML text → `${VAR}` substitution → YAML parse → pre-scans → strict
 * schema → semantic rules → frozen Config. Every problem found is reported at once,
 * each with its key path, line:col and a hint; nothing is connected or written here.
 */

import { readFileSync, realpathSync } from 'node:fs';
import { dirname, normalize, relative, resolve } from 'node:path';
import { RivetError } from '../common/errors.js';
import { objectStoreUri } from '../contracts/object-store-plan.js';
import { type ConfigProblem, configError } from './config-problem.js';
import { configSchema, exportSchema, type RawConfig, sourceSchema } from './config-schema.js';
import type { Config, ExportConfig } from './config-types.js';
import { prescan } from './prescan.js';
import { resolveExport } from './resolve-export.js';
import { resolveSource } from './resolve-source.js';
import { schemaProblems } from './schema-problems.js';
import { substituteVariables, unresolvedMessage, unusedParamWarning } from './substitute-variables.js';
import { locate, type ParsedYaml, parseYaml } from './yaml-locator.js';
import { yamlSyntaxProblems } from './yaml-syntax.js';

export interface LoadOptions {
  readonly params: ReadonlyMap<string, string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(path: string, options: LoadOptions): Config {
  const raw = readConfigText(path);
  const dir = dirname(resolve(path));
  const substituted = substituteVariables(raw, options.params, options.env);
  /** Params referenced by the config text or by a query file it reads. */
  const used = new Set(substituted.used);
  const unusedParams = () => [...options.params.keys()].filter((k) => !used.has(k)).map(unusedParamWarning);
  if (substituted.unresolved.length > 0) {
    throw configError(
      path,
      substituted.unresolved.map((u) => ({
        path: [],
        line: u.line,
        col: u.col,
        message: unresolvedMessage(u.name),
        code: 'RIVET_CONFIG_UNRESOLVED_VAR',
      })),
    );
  }
  const parsed = parseYaml(substituted.text);
  const syntax = yamlSyntaxProblems(parsed, substituted.text);
  if (syntax.length > 0) throw configError(path, syntax);
  const tree: unknown = parsed.doc.toJS();
  const problems: ConfigProblem[] = prescan(tree);
  const readQuery = (file: string) => readQueryFile(dir, file, options, used);
  const checked = configSchema.safeParse(tree ?? {});
  if (!checked.success) {
    problems.push(...schemaProblems(checked.error.issues, tree));
    problems.push(...semanticProblemsOfValidParts(tree, readQuery));
    throw configError(path, positioned(problems, parsed));
  }
  const warnings: string[] = [];
  const config = resolveConfig(checked.data, dir, path, readQuery, problems, warnings);
  if (problems.length > 0) throw configError(path, positioned(problems, parsed));
  return deepFreeze({ ...config, warnings: [...unusedParams(), ...warnings] });
}

/**
 * When the file fails the schema, the source and each export that pass it on their own
 * still get their semantic checks, so one run reports every problem, not just the first layer.
 */
function semanticProblemsOfValidParts(
  tree: unknown,
  readQuery: (file: string) => string | { error: string },
): ConfigProblem[] {
  const root = (typeof tree === 'object' && tree !== null ? tree : {}) as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  const source = sourceSchema.safeParse(root.source);
  if (source.success) problems.push(...resolveSource(source.data).problems);
  if (!Array.isArray(root.exports)) return problems;
  root.exports.forEach((item: unknown, index) => {
    const raw = exportSchema.safeParse(item);
    if (!raw.success) return;
    const resolved = resolveExport(raw.data, {
      index,
      environment: source.data?.environment,
      sourceTuning: source.data?.tuning,
      readQueryFile: readQuery,
    });
    problems.push(...resolved.problems);
  });
  return problems;
}

function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RivetError('RIVET_CONFIG_NOT_FOUND', `config file '${path}' not found.`, {
        hint: 'check the path, or run `rivet demo` to see a working config',
      });
    }
    throw new RivetError(
      'RIVET_CONFIG_READ',
      `cannot read config file '${path}': ${(error as Error).message}`,
    );
  }
}

function resolveConfig(
  raw: RawConfig,
  dir: string,
  path: string,
  readQuery: (file: string) => string | { error: string },
  problems: ConfigProblem[],
  warnings: string[],
): Config {
  if (raw.exports.length === 0) {
    problems.push({
      path: ['exports'],
      message: 'exports: at least one export must be defined (got empty list)',
      code: 'RIVET_CONFIG_NO_EXPORTS',
    });
  }
  const seen = new Set<string>();
  raw.exports.forEach((e, i) => {
    if (seen.has(e.name)) {
      problems.push({
        path: ['exports', i, 'name'],
        message: `exports: duplicate export name '${e.name}' (each export must have a unique name; state is keyed by name)`,
        code: 'RIVET_CONFIG_DUPLICATE_EXPORT',
      });
    }
    seen.add(e.name);
  });
  if (raw.notifications !== undefined) {
    problems.push({
      path: ['notifications'],
      message: '`notifications` is not supported by this version of Rivet yet',
      code: 'RIVET_CONFIG_UNSUPPORTED',
    });
  }
  if (raw.parallel_export_processes) {
    warnings.push(
      'parallel_export_processes: exports run in parallel inside one process (as parallel_exports); there are no child processes',
    );
  }
  const source = resolveSource(raw.source);
  problems.push(...source.problems);
  warnings.push(...source.warnings);
  const exports: ExportConfig[] = [];
  raw.exports.forEach((e, index) => {
    const resolved = resolveExport(e, {
      index,
      environment: raw.source.environment,
      sourceTuning: raw.source.tuning,
      readQueryFile: readQuery,
    });
    problems.push(...resolved.problems);
    warnings.push(...resolved.warnings);
    if (resolved.value !== undefined) exports.push(resolved.value);
  });
  problems.push(...sharedDestinations(exports, raw));
  const parallelExports = raw.parallel_exports === true || raw.parallel_export_processes === true;
  return { path, dir, source: source.value!, exports, parallelExports, warnings };
}

/**
 * Two exports writing to one directory would overwrite each other's manifest.json and
 * remove each other's _SUCCESS: refused.
 */
function sharedDestinations(exports: readonly ExportConfig[], raw: RawConfig): ConfigProblem[] {
  const byDirectory = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const e of exports) {
    // A duplicated name is reported on its own; its directory clash would only repeat it.
    const d = e.destination;
    if (seen.has(e.name) || d.kind === 'stdout') continue;
    seen.add(e.name);
    const at = (path: string) => path.replaceAll('{export}', e.name).replaceAll('{table}', e.name);
    const directory =
      d.kind === 'local'
        ? normalize(at(d.path)).replace(/(.)[\\/]+$/, '$1')
        : objectStoreUri({ ...d, prefix: at(d.prefix) });
    const other = byDirectory.get(directory);
    if (other === undefined) {
      byDirectory.set(directory, e.name);
      continue;
    }
    problems.push({
      path: ['exports', raw.exports.findIndex((r) => r.name === e.name), 'destination'],
      message: `exports '${other}' and '${e.name}' write to the same directory '${directory}': their manifest.json and _SUCCESS would overwrite each other`,
      hint: 'give each export its own directory, e.g. `path: ./out/{export}`',
      code: 'RIVET_CONFIG_SHARED_DESTINATION',
    });
  }
  return problems;
}

/** Query files are read relative to the config directory, must stay inside it, and get `${}` substitution. */
function readQueryFile(
  dir: string,
  file: string,
  options: LoadOptions,
  used: Set<string>,
): string | { error: string } {
  try {
    const real = realpathSync(resolve(dir, file));
    const inside = relative(realpathSync(dir), real);
    if (inside.startsWith('..'))
      return { error: `query_file '${file}' resolves outside the config directory (symlink escape)` };
    const substituted = substituteVariables(readFileSync(real, 'utf8'), options.params, options.env);
    for (const name of substituted.used) used.add(name);
    const missing = substituted.unresolved[0];
    if (missing !== undefined) return { error: `query_file '${file}': ${unresolvedMessage(missing.name)}` };
    return substituted.text;
  } catch (error) {
    return { error: `cannot read query_file '${file}': ${(error as Error).message}` };
  }
}

function positioned(problems: readonly ConfigProblem[], parsed: ParsedYaml): ConfigProblem[] {
  return problems.map((p) => (p.line !== undefined ? p : { ...p, ...locate(parsed, p.path) }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
