import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteState } from '../../state/sqlite/sqlite-state.js';
import type { CliIo } from '../cli-io.js';
import { stateResetCommand } from './state-reset.js';

const CONFIG = `source:
  type: postgres
  url: postgresql://root@127.0.0.1:5432/test
exports:
  - name: orders
    table: orders
    format: csv
    destination: { type: local, path: ./out }
`;

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rivet-reset-'));
  writeFileSync(join(dir, 'rivet.yaml'), CONFIG);
  const state = openSqliteState(join(dir, '.rivet_state.db'));
  await state.cursors.set({
    exportName: 'orders',
    column: 'id',
    value: '7',
    runId: 'orders_1',
    updatedAt: 'now',
  });
  await state.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A terminal session answering `answer` to any question. */
function terminal(answer: string) {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    return { stream, text: () => text };
  };
  const out = capture();
  const err = capture();
  const io: CliIo = {
    stdout: out.stream,
    stderr: err.stream,
    stdin: Readable.from([answer]),
    isTTY: true,
    env: {},
    debug: false,
    signal: new AbortController().signal,
  };
  return { io, stdout: out.text, stderr: err.text };
}

async function cursorValue(): Promise<string | undefined> {
  const state = openSqliteState(join(dir, '.rivet_state.db'));
  try {
    return (await state.cursors.get('orders'))?.value;
  } finally {
    await state.close();
  }
}

const flags = (yes: boolean) => ({ config: join(dir, 'rivet.yaml'), export: 'orders', yes, param: [] });

describe('state reset on a terminal', () => {
  it('asks on stderr and resets nothing unless the answer is yes', async () => {
    const t = terminal('n\n');
    expect(await stateResetCommand(flags(false), t.io)).toBe(0);
    expect(t.stderr()).toBe("Reset the state of export 'orders' (cursor and chunk checkpoints)? [y/N] ");
    expect(t.stdout()).toBe('Nothing reset.\n');
    expect(await cursorValue()).toBe('7');
  });

  it('resets after a yes', async () => {
    const t = terminal('Y\n');
    expect(await stateResetCommand(flags(false), t.io)).toBe(0);
    expect(t.stdout()).toBe("State reset for export 'orders' (cursor '7' forgotten)\n");
    expect(await cursorValue()).toBeUndefined();
  });

  it('does not ask with --yes', async () => {
    const t = terminal('n\n');
    expect(await stateResetCommand(flags(true), t.io)).toBe(0);
    expect(t.stderr()).toBe('');
    expect(await cursorValue()).toBeUndefined();
  });
});
