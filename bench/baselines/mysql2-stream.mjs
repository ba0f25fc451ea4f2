#!/usr/bin/env node
/**
 * Baseline JS-M1 (perf-anchors §5.4): the naive Node way to read a MySQL/MariaDB table.
 * One long statement `SELECT * FROM <table>`, streamed with mysql2's
 * `query().stream()` (default typeCast: numbers, Dates, strings), each row written to
 * stdout as one NDJSON line with backpressure honoured. The harness points stdout at
 * /dev/null.
 *
 *   node bench/baselines/mysql2-stream.mjs --url mysql://rivet_bench@127.0.0.1:3306/rivet_bench --table content_items > /dev/null
 *
 * At the end one JSON line `{"rows":N,"seconds":S}` goes to stderr (the harness checks N).
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mysql from 'mysql2';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--url' || a === '--table') out[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument '${a}'`);
  }
  if (!out.url || !out.table) throw new Error('usage: mysql2-stream.mjs --url mysql://… --table <name>');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(out.table)) throw new Error(`bad table name '${out.table}'`);
  return out;
}

async function main() {
  const { url, table } = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const conn = mysql.createConnection(url);
  let rows = 0;
  try {
    const source = conn.query(`SELECT * FROM \`${table}\``).stream();
    const toNdjson = new Transform({
      writableObjectMode: true,
      transform(row, _enc, done) {
        rows++;
        done(null, `${JSON.stringify(row)}\n`);
      },
    });
    await pipeline(source, toNdjson, process.stdout);
  } finally {
    await new Promise((resolve) => conn.end(() => resolve()));
  }
  process.stderr.write(`${JSON.stringify({ rows, seconds: (performance.now() - started) / 1000 })}\n`);
}

main().catch((error) => {
  process.stderr.write(`mysql2-stream: ${error?.stack ?? error}\n`);
  process.exit(1);
});
