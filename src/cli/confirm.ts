/**
 * Layer: cli. A yes/no question on stderr (stdout stays data), answered by one line
 * of stdin; anything but an answer starting with y/Y — including EOF — means no.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { CliIo } from './cli-io.js';

export async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (io.stdin === undefined) return false;
  io.stderr.write(question);
  const answer = await readLine(io.stdin);
  return /^\s*y/i.test(answer);
}

/** The first line of `input`, or '' at EOF (a closed stdin answers no). */
function readLine(input: Readable): Promise<string> {
  const rl = createInterface({ input, terminal: false });
  return new Promise((resolve) => {
    // Whichever comes first wins; the later resolve is a no-op.
    rl.once('line', (text) => {
      resolve(text);
      rl.close();
    });
    rl.once('close', () => resolve(''));
  });
}
