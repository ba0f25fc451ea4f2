/**
 * Layer: cli/demo. A real PostgreSQL (PGlite, WASM) served on a loopback port, so the
 * demo exercises the same `pg` source code as a production server. PGlite runs one
 * transaction at a time: the demo runs exports one after another.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  readonly db: PGlite;
  stop(): Promise<void>;
}

/** `dataDir` persists the database (reopening takes ~0.4 s instead of a ~5 s initdb). */
export async function startEmbeddedPostgres(dataDir: string | undefined): Promise<EmbeddedPostgres> {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 2 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgresql://postgres@${address}/postgres`,
    db,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
