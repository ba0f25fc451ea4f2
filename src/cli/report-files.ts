/**
 * Layer: cli. Writes `.rivet/runs/<run_id>/summary.json` and `summary.md` beside the
 * config file, for every export run (stdout exports included).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportSummary } from '../contracts/run-summary.js';
import { summaryMarkdown } from './render/summary-markdown.js';

export async function writeRunReport(configDir: string, summary: ExportSummary): Promise<string> {
  const dir = join(configDir, '.rivet', 'runs', summary.run_id);
  await mkdir(dir, { recursive: true });
  await writeAtomically(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const md = join(dir, 'summary.md');
  await writeAtomically(md, summaryMarkdown(summary));
  return md;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
