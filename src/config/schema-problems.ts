/**
 * Layer: config. Turns schema (zod) issues into config problems with readable
 * messages: unknown keys with "did you mean", allowed values, missing required keys.
 */
import type { z } from 'zod';
import { didYouMean } from '../common/did-you-mean.js';
import type { ConfigProblem, KeyPath } from './config-problem.js';
import { configSchema, exportSchema, sourceSchema, TUNING_KEYS } from './config-schema.js';

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  source: 'every config needs a `source:` block (type + url/url_env). Run `rivet init` to scaffold one.',
  exports: 'add an `exports:` list with at least one export (name, table or query, format, destination).',
  name: 'give each export a unique `name:` (it names the files and the state).',
  format: 'set `format: parquet` or `format: csv`.',
  destination: 'add `destination: { type: local, path: ./out }` (or `type: stdout`).',
  type: 'set `type:` (for a source: postgres or mysql; for a destination: local or stdout).',
};

export function schemaProblems(issues: readonly z.core.$ZodIssue[], root: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (isMisplacedTuning(path, key)) continue; // reported by the pre-scan with a better message
        const known = knownKeys(path);
        const suggestion = known === undefined ? undefined : didYouMean(key, known);
        problems.push({
          path: [...path, key],
          message: `unknown key \`${key}\`${known ? `, expected one of ${known.map((k) => `\`${k}\``).join(', ')}` : ''}`,
          hint: suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`,
          code: 'RIVET_CONFIG_UNKNOWN_KEY',
        });
      }
    } else if (
      (issue.code === 'invalid_type' || issue.code === 'invalid_value') &&
      valueAt(root, path) === undefined
    ) {
      // zod reports a missing enum key (`format`, `type`) as invalid_value, not invalid_type.
      const key = String(path[path.length - 1] ?? '');
      problems.push({
        path,
        message: `missing required key \`${key}\``,
        hint: REQUIRED_HINTS[key],
        code: 'RIVET_CONFIG_MISSING_KEY',
      });
    } else if (issue.code === 'invalid_value') {
      const got = valueAt(root, path);
      const suggestion = typeof got === 'string' ? didYouMean(got, issue.values.map(String)) : undefined;
      problems.push({
        path,
        message: `unknown value \`${String(got)}\`, expected one of ${issue.values.map((v) => `\`${String(v)}\``).join(', ')}`,
        hint: suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`,
      });
    } else {
      problems.push({ path, message: issue.message.replace(/^Invalid input: /, 'invalid value: ') });
    }
  }
  return problems;
}

function isMisplacedTuning(path: KeyPath, key: string): boolean {
  const atSource = path.length === 1 && path[0] === 'source';
  const atExport = path.length === 2 && path[0] === 'exports';
  return (atSource || atExport) && TUNING_KEYS.includes(key);
}

function knownKeys(path: KeyPath): string[] | undefined {
  const shape = shapeAt(path);
  return shape === undefined ? undefined : Object.keys(shape);
}

function shapeAt(path: KeyPath): Record<string, unknown> | undefined {
  if (path.length === 0) return configSchema.shape;
  if (path.length === 1 && path[0] === 'source') return sourceSchema.shape;
  if (path.length === 2 && path[0] === 'exports') return exportSchema.shape;
  let shape: Record<string, unknown> | undefined =
    path[0] === 'source' ? sourceSchema.shape : path[0] === 'exports' ? exportSchema.shape : undefined;
  for (const part of path.slice(path[0] === 'exports' ? 2 : 1)) {
    const next = unwrap(shape?.[String(part)]);
    shape = next;
  }
  return shape;
}

/** The object shape inside an optional/strict zod schema, if any. */
function unwrap(schema: unknown): Record<string, unknown> | undefined {
  let s = schema as { shape?: Record<string, unknown>; unwrap?: () => unknown } | undefined;
  for (let i = 0; i < 3 && s !== undefined && s.shape === undefined && typeof s.unwrap === 'function'; i++) {
    s = s.unwrap() as typeof s;
  }
  return s?.shape;
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}
