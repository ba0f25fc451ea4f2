/**
 * Property: random tables of the supported PostgreSQL types round-trip exactly through
 * the real CLI (see test/support/roundtrip-property.ts).
 */
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { describeRoundTripProperty, type RoundTripColumn } from '../support/roundtrip-property.js';
import { MATRIX } from '../support/type-matrix.js';

const available = await postgresAvailable();
let db: TestSchema;

const columns: RoundTripColumn[] = MATRIX.map((c) => ({
  name: c.name,
  ddl: c.ddl,
  values: c.values,
  duck: c.duck,
  expected: (format) => (format === 'csv' ? c.csv : c.pg),
  compare: c.compare,
}));

describeRoundTripProperty(available, {
  name: 'postgres',
  columns,
  source: '  type: postgres\n  url_env: PG_URL\n',
  env: { PG_URL },
  open: async () => {
    db = await createTestSchema('rivet_prop');
    await db.query("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
    await db.query("SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 1");
  },
  close: async () => db?.drop(),
  createTable: async (table, cols) => {
    await db.query(
      `CREATE TABLE ${table} (id int PRIMARY KEY${cols.map((c) => `, ${c.name} ${c.ddl}`).join('')})`,
    );
  },
  insert: async (table, id, literals) => {
    await db.query(`INSERT INTO ${table} VALUES (${id}${literals.map((v) => `, ${v}`).join('')})`);
  },
  select: async (table, select) =>
    (await db.query(`SELECT ${select.join(', ')} FROM ${table} ORDER BY id`)).rows as Record<
      string,
      unknown
    >[],
  tableRef: (table) => `${db.name}.${table}`,
});
