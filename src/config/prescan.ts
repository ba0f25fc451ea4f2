/**
 * Layer: config. Checks on the untyped tree that beat the schema's generic errors:
 * tuning keys placed at the wrong level, CSV with a codec, and TLS downgrades.
 */
import type { ConfigProblem } from './config-problem.js';
import { TUNING_KEYS } from './config-schema.js';

type Tree = Record<string, unknown>;

const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function prescan(root: unknown): ConfigProblem[] {
  if (!isTree(root)) return [];
  const problems: ConfigProblem[] = [];
  if (isTree(root.source)) {
    problems.push(...misplacedTuning(root.source, ['source'], "'source.tuning:'", 'source:'));
    problems.push(...tlsDowngrade(root.source));
  }
  if (Array.isArray(root.exports)) {
    root.exports.forEach((item: unknown, i) => {
      if (!isTree(item)) return;
      const name = typeof item.name === 'string' ? item.name : `#${i}`;
      problems.push(
        ...misplacedTuning(
          item,
          ['exports', i],
          "'exports[].tuning:'",
          `exports:\n    - name: ${name}`,
          `export '${name}' (index ${i})`,
        ),
      );
      problems.push(...csvCompression(item, i));
    });
  }
  return problems;
}

/** Tuning keys sitting directly under `source:` or an export (they belong under `tuning:`). */
export function misplacedTuningKeys(node: Tree): string[] {
  return Object.keys(node).filter((key) => TUNING_KEYS.includes(key));
}

function misplacedTuning(
  node: Tree,
  path: (string | number)[],
  where: string,
  parent: string,
  owner?: string,
): ConfigProblem[] {
  const keys = misplacedTuningKeys(node);
  if (keys.length === 0) return [];
  const example = `${parent}\n      tuning:\n${keys.map((k) => `        ${k}: <value>`).join('\n')}`;
  return [
    {
      path: [...path, keys[0]!],
      message: `${owner ?? 'source'}: field(s) [${keys.join(', ')}] belong under ${where}, not directly ${owner ? 'in the export' : "under 'source:'"}`,
      hint: `move them, for example:\n    ${example}`,
      code: 'RIVET_CONFIG_MISPLACED_TUNING',
    },
  ];
}

function csvCompression(item: Tree, index: number): ConfigProblem[] {
  if (item.format !== 'csv') return [];
  const problems: ConfigProblem[] = [];
  if (typeof item.compression === 'string' && item.compression !== 'none') {
    problems.push({
      path: ['exports', index, 'compression'],
      message: `CSV output does not support compression: ${item.compression}. CSV has no compression encoder, so the codec would be silently dropped while the manifest records it`,
      hint: 'use `format: parquet` for compression, or set `compression: none`',
      code: 'RIVET_CONFIG_CSV_COMPRESSION',
    });
  }
  if (typeof item.compression_profile === 'string' && item.compression_profile !== 'none') {
    problems.push({
      path: ['exports', index, 'compression_profile'],
      message: `CSV output does not support compression_profile: ${item.compression_profile} (it resolves to a compression codec the CSV writer cannot apply)`,
      hint: 'remove `compression_profile`, or use `format: parquet`',
      code: 'RIVET_CONFIG_CSV_COMPRESSION',
    });
  }
  return problems;
}

function tlsDowngrade(source: Tree): ConfigProblem[] {
  const tls = source.tls;
  if (!isTree(tls) || typeof tls.mode !== 'string' || tls.mode === 'disable') return [];
  const knob =
    tls.accept_invalid_certs === true
      ? 'accept_invalid_certs'
      : tls.accept_invalid_hostnames === true
        ? 'accept_invalid_hostnames'
        : undefined;
  if (knob === undefined) return [];
  return [
    {
      path: ['source', 'tls', knob],
      message: `${knob} disables ${knob === 'accept_invalid_certs' ? 'certificate' : 'hostname'} verification, silently downgrading the chosen \`mode: ${tls.mode}\` (MITM exposure)`,
      hint: 'drop the danger knob and trust a private CA with `tls.ca_file: <pem>`; or omit `mode` for a self-signed development server',
      code: 'RIVET_CONFIG_TLS_DOWNGRADE',
    },
  ];
}
