import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './cli-io.js';
import { confirm } from './confirm.js';

function fakeIo(stdin: Readable | undefined): CliIo & { asked: () => string } {
  const stderr = new PassThrough();
  let asked = '';
  stderr.on('data', (chunk: Buffer) => {
    asked += chunk.toString();
  });
  return {
    stdout: new PassThrough(),
    stderr,
    stdin,
    isTTY: true,
    env: {},
    debug: false,
    signal: new AbortController().signal,
    asked: () => asked,
  };
}

describe('confirm', () => {
  it.each([
    ['y\n', true],
    ['Yes please\n', true],
    ['  y\n', true],
    ['n\n', false],
    ['\n', false],
    ['maybe\ny\n', false],
    ['', false],
  ])('answers %j with %s', async (input, expected) => {
    const io = fakeIo(Readable.from([input]));
    expect(await confirm(io, 'Go? [y/N] ')).toBe(expected);
    expect(io.asked()).toBe('Go? [y/N] ');
  });

  it('says no without asking when there is no stdin to answer', async () => {
    const io = fakeIo(undefined);
    expect(await confirm(io, 'Go? [y/N] ')).toBe(false);
    expect(io.asked()).toBe('');
  });
});
