/**
 * Layer: source/postgres. What the catalog says about a type OID, and how to
 * read those facts for every OID a result mentions (domains and arrays resolved).
 */
import type { Client } from 'pg';

export interface PgTypeInfo {
  readonly oid: number;
  readonly name: string;
  /** b base, d domain, e enum, c composite, r range, m multirange, p pseudo. */
  readonly typtype: string;
  readonly baseType: number;
  readonly baseTypmod: number;
  readonly elemType: number;
  readonly category: string;
}

export type PgTypeCatalog = ReadonlyMap<number, PgTypeInfo>;

/** Loads pg_type rows for `oids` and everything they reference (domain bases, array elements). */
export async function loadTypeCatalog(client: Client, oids: readonly number[]): Promise<PgTypeCatalog> {
  const catalog = new Map<number, PgTypeInfo>();
  let pending = [...new Set(oids)];
  for (let round = 0; round < 5 && pending.length > 0; round++) {
    const result = await client.query<{
      oid: string;
      typname: string;
      typtype: string;
      typbasetype: string;
      typtypmod: string;
      typelem: string;
      typcategory: string;
    }>(
      `SELECT oid::int8, typname, typtype, typbasetype::int8, typtypmod, typelem::int8, typcategory
         FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])`,
      [pending],
    );
    for (const row of result.rows) {
      const info: PgTypeInfo = {
        oid: Number(row.oid),
        name: row.typname,
        typtype: row.typtype,
        baseType: Number(row.typbasetype),
        baseTypmod: Number(row.typtypmod),
        elemType: Number(row.typelem),
        category: row.typcategory,
      };
      catalog.set(info.oid, info);
    }
    pending = [...catalog.values()]
      .flatMap((t) => [t.baseType, t.elemType])
      .filter((oid) => oid !== 0 && !catalog.has(oid));
  }
  return catalog;
}
