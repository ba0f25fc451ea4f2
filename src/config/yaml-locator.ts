/**
 * Layer: config. Parses YAML 1.2 keeping node positions, so every problem can be
 * reported as `line:col` of the key it concerns.
 */
import { type Document, isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { KeyPath } from './config-problem.js';

export interface ParsedYaml {
  readonly doc: Document;
  readonly lines: LineCounter;
}

export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    version: '1.2',
  });
  return { doc, lines };
}

/** Position of the key at `path` (or of the deepest ancestor that exists). */
export function locate(parsed: ParsedYaml, path: KeyPath): { line: number; col: number } | undefined {
  let node: unknown = parsed.doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const pos = parsed.lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}
