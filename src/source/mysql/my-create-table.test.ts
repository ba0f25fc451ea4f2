import { describe, expect, it } from 'vitest';
import { parseCreateTable } from './my-create-table.js';

describe('parseCreateTable', () => {
  it('reads declared types, quoted enum/set values and MariaDB JSON checks', () => {
    const sql = `CREATE TABLE \`t\` (
  \`id\` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  \`we\`\`ird\` enum('a','b c','it''s',')') DEFAULT NULL,
  \`s\` set('x','y') NOT NULL DEFAULT 'x',
  \`j\` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(\`j\`)),
  \`k\` longtext DEFAULT NULL,
  \`d\` decimal(10,2) unsigned zerofill DEFAULT NULL,
  \`m\` json DEFAULT NULL,
  PRIMARY KEY (\`id\`),
  CONSTRAINT \`CONSTRAINT_1\` CHECK (json_valid(\`k\`))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
    const columns = parseCreateTable(sql);
    expect([...columns.keys()]).toEqual(['id', 'we`ird', 's', 'j', 'k', 'd', 'm']);
    expect(columns.get('id')).toEqual({ columnType: 'bigint(20) unsigned', json: false });
    expect(columns.get('we`ird')?.columnType).toBe("enum('a','b c','it''s',')')");
    expect(columns.get('s')?.columnType).toBe("set('x','y')");
    expect(columns.get('j')).toEqual({ columnType: 'longtext', json: true });
    expect(columns.get('k')).toEqual({ columnType: 'longtext', json: true });
    expect(columns.get('d')?.columnType).toBe('decimal(10,2) unsigned zerofill');
    expect(columns.get('m')?.json).toBe(true);
  });
});
