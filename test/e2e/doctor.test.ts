/**
 * `rivet doctor` against real failures: a source that refuses the credentials, a role
 * without SELECT on one exported table (created by the test), an unwritable destination
 * (a path under a regular file: the tests run as root, so permissions alone would not
 * stop a write), and the passing case, in text and JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, MY_URL, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const pgAvailable = await postgresAvailable();
const myAvailable = await mysqlAvailable();

function withUser(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
}

describe.skipIf(!pgAvailable)('rivet doctor (postgres)', () => {
  let db: TestSchema;
  let dir: ReturnType<typeof tempDir>;
  const role = `rivet_doc_${process.pid}`;

  beforeAll(async () => {
    db = await createTestSchema('rivet_doc');
    await db.query(`CREATE TABLE ${db.name}.open (id int PRIMARY KEY); CREATE TABLE ${db.name}.closed (id int PRIMARY KEY);
      DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN;
      GRANT USAGE ON SCHEMA ${db.name} TO ${role}; GRANT SELECT ON ${db.name}.open TO ${role};`);
    dir = tempDir();
    writeFileSync(join(dir.path, 'a-file'), 'not a directory');
  });

  afterAll(async () => {
    await db?.query(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await db?.drop();
    dir?.remove();
  });

  const doctor = (url: string, exports: string, ...flags: string[]) => {
    const config = join(dir.path, 'rivet.yaml');
    writeFileSync(config, `source:\n  type: postgres\n  url_env: SOURCE_URL\nexports:\n${exports}`);
    return runCli(['doctor', '-c', config, ...flags], { cwd: dir.path, env: { SOURCE_URL: url } });
  };
  const exportYaml = (name: string, table: string, path = `./out/${name}`) =>
    `  - name: ${name}\n    table: ${db.name}.${table}\n    format: csv\n    destination: { type: local, path: ${path} }\n`;

  it('passes a readable config, probing the destination and the state', () => {
    const cli = doctor(PG_URL, exportYaml('open', 'open'));
    expect(cli.code, cli.stdout).toBe(0);
    expect(cli.stdout).toContain("rivet doctor: verifying auth for config '");
    expect(cli.stdout).toMatch(/\[OK\] {2}Source auth \(Postgres\) — PostgreSQL \d+/);
    expect(cli.stdout).toContain('[OK]  Read open (');
    expect(cli.stdout).toMatch(
      /\[OK\] {2}Destination Local\(.*\) — wrote, read back and removed \.rivet_doctor_probe/,
    );
    expect(cli.stdout).toContain('All checks passed.');
  });

  it('names the table a restricted role cannot read, and an unwritable destination, with hints', () => {
    const exports = exportYaml('open', 'open') + exportYaml('closed', 'closed', './a-file/out');
    const cli = doctor(withUser(PG_URL, role), exports, '--json');
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as {
      all_ok: boolean;
      checks: { name: string; ok: boolean; detail?: string; hint?: string }[];
    };
    expect(report.all_ok).toBe(false);
    const by = Object.fromEntries(report.checks.map((c) => [c.name.replace(/\(.*\)/, '').trim(), c]));
    expect(by['Read open']).toMatchObject({ ok: true });
    expect(by['Read closed']).toMatchObject({
      ok: false,
      detail: expect.stringContaining('permission denied'),
    });
    expect(by['Read closed']!.hint).toBeDefined();
    const destination = report.checks.find((c) => c.name.includes('a-file'))!;
    expect(destination).toMatchObject({ ok: false, hint: expect.any(String) });
  });

  it('reports a role the server does not know as an auth failure', () => {
    const cli = doctor(withUser(PG_URL, 'rivet_no_such_role'), exportYaml('open', 'open'));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('[FAIL] Source auth error: [RIVET_SOURCE_AUTH]');
    expect(cli.stdout).toContain('Hint:');
    expect(cli.stdout).toContain('Some checks failed. Fix the issues above before running exports.');
  });

  it('prints a config error as a failed check', () => {
    const config = join(dir.path, 'broken.yaml');
    writeFileSync(config, 'source: {}\n');
    const cli = runCli(['doctor', '-c', config], { cwd: dir.path });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('[FAIL] Config error:');
    expect(cli.stderr).toContain('Error: doctor: config check failed (see output above)');
  });
});

describe.skipIf(!myAvailable)('rivet doctor (mysql)', () => {
  let db: TestDatabase;
  let dir: ReturnType<typeof tempDir>;
  const user = `rivet_doc_${process.pid}`;

  beforeAll(async () => {
    db = await createTestDatabase('rivet_doc');
    await db.query(`CREATE TABLE open (id int PRIMARY KEY); CREATE TABLE closed (id int PRIMARY KEY);
      DROP USER IF EXISTS '${user}'@'%'; CREATE USER '${user}'@'%' IDENTIFIED BY 'pw';
      GRANT SELECT ON \`${db.name}\`.open TO '${user}'@'%';`);
    dir = tempDir();
  });

  afterAll(async () => {
    await db?.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined);
    await db?.drop();
    dir?.remove();
  });

  const doctor = (url: string) => {
    const config = join(dir.path, 'rivet.yaml');
    const exports = ['open', 'closed']
      .map(
        (t) =>
          `  - name: ${t}\n    table: ${db.name}.${t}\n    format: csv\n    destination: { type: local, path: ./out/${t} }\n`,
      )
      .join('');
    writeFileSync(config, `source:\n  type: mysql\n  url_env: SOURCE_URL\nexports:\n${exports}`);
    return runCli(['doctor', '-c', config], { cwd: dir.path, env: { SOURCE_URL: url } });
  };

  it('reports a wrong password as an auth failure, and a missing grant by table', () => {
    const wrong = doctor(withUser(MY_URL, 'root', 'wrong-password'));
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('[FAIL] Source auth error: [RIVET_SOURCE_AUTH]');
    const url = new URL(db.url);
    const restricted = doctor(withUser(url.toString(), user, 'pw'));
    expect(restricted.code).toBe(1);
    expect(restricted.stdout).toMatch(/\[OK\] {2}Read open/);
    expect(restricted.stdout).toMatch(/\[FAIL\] Read closed \(.*\): .*denied/i);
  });
});
