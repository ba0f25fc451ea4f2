/**
 * Property: random tables of the supported MySQL/MariaDB types round-trip exactly through
 * the real CLI (see test/support/roundtrip-property.ts).
 */
import { createTestDatabase, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';
import { MY_MATRIX } from '../support/my-type-matrix.js';
import { describeRoundTripProperty, type RoundTripColumn } from '../support/roundtrip-property.js';

const available = await mysqlAvailable();
let db: TestDatabase;

const columns: RoundTripColumn[] = MY_MATRIX.map((c) => ({
  name: c.name,
  ddl: c.ddl,
  values: c.values,
  duck: c.duck,
  expected: (format) => (format === 'csv' ? c.csv : c.my),
  compare: c.compare,
}));

describeRoundTripProperty(available, {
  name: 'mysql',
  columns,
  source: '  type: mysql\n  url_env: MY_URL\n',
  get env() {
    return { MY_URL: db.url };
  },
  open: async () => {
    db = await createTestDatabase('rivet_prop');
  },
  close: async () => db?.drop(),
  createTable: async (table, cols) => {
    await db.query(
      `CREATE TABLE ${table} (id int PRIMARY KEY${cols.map((c) => `, ${c.name} ${c.ddl}`).join('')}) CHARACTER SET utf8mb4`,
    );
  },
  insert: async (table, id, literals) => {
    await db.query(`INSERT INTO ${table} VALUES (${id}${literals.map((v) => `, ${v}`).join('')})`);
  },
  select: async (table, select) =>
    db.query<Record<string, unknown>[]>(`SELECT ${select.join(', ')} FROM ${table} ORDER BY id`),
  tableRef: (table) => table,
});
