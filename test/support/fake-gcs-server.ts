/**
 * Test support. A loopback HTTP server speaking the part of the GCS JSON API that the
 * GCS destination uses: resumable sessions (initiate with `ifGenerationMatch`, chunked
 * PUTs answered 308 + Range, finalize with size, md5Hash and crc32c), object metadata,
 * media download, delete, and a prefix listing for assertions. Faults can be injected
 * per test: a 503 for one chunk, a wrong crc32c at finalize, a 403 everywhere.
 * Its CRC32C is its own table implementation, independent of the client library's.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredObject {
  readonly bytes: Buffer;
  readonly generation: number;
}

interface Session {
  readonly bucket: string;
  readonly name: string;
  readonly ifGenerationMatch: string | null;
  chunks: Buffer[];
  received: number;
}

export interface FakeGcsFaults {
  /** Answer this many chunk PUTs with 503 before accepting (the client must retry). */
  chunkFailures?: number;
  /** Finalize with a CRC32C that is not the data's. */
  wrongCrc32c?: boolean;
  /** Refuse every request with 403. */
  forbidden?: boolean;
}

export interface FakeGcs {
  readonly endpoint: string;
  readonly buckets: Map<string, Map<string, StoredObject>>;
  /** Requests seen, as `METHOD path?query`. */
  readonly requests: string[];
  readonly faults: FakeGcsFaults;
  /** Unfinalized sessions (an aborted or killed upload leaves one). */
  openSessions(): number;
  close(): Promise<void>;
}

export async function startFakeGcs(bucketNames: readonly string[]): Promise<FakeGcs> {
  const buckets = new Map(bucketNames.map((b) => [b, new Map<string, StoredObject>()]));
  const sessions = new Map<string, Session>();
  const requests: string[] = [];
  const faults: FakeGcsFaults = {};
  let nextSession = 0;
  let generation = 1;
  let endpoint = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (faults.forbidden) return json(res, 403, error(403, 'forbidden: fake-gcs refuses this caller'));

    const session = url.pathname.match(/^\/upload\/session\/(\d+)$/);
    if (session) return chunk(req, res, session[1]!, body);
    const initiate = url.pathname.match(/^\/upload\/storage\/v1\/b\/([^/]+)\/o$/);
    if (initiate && req.method === 'POST') {
      const bucket = buckets.get(decodeURIComponent(initiate[1]!));
      if (bucket === undefined) return json(res, 404, error(404, 'The specified bucket does not exist.'));
      if (url.searchParams.get('uploadType') !== 'resumable')
        return json(res, 400, error(400, 'resumable only'));
      const name = url.searchParams.get('name') ?? JSON.parse(body.toString() || '{}').name;
      const ifGenerationMatch = url.searchParams.get('ifGenerationMatch');
      if (ifGenerationMatch === '0' && bucket.has(name))
        return json(res, 412, error(412, 'Precondition Failed'));
      const id = String(nextSession++);
      sessions.set(id, {
        bucket: decodeURIComponent(initiate[1]!),
        name,
        ifGenerationMatch,
        chunks: [],
        received: 0,
      });
      res.writeHead(200, { location: `${endpoint}/upload/session/${id}` });
      return res.end();
    }
    const object = url.pathname.match(/^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/);
    if (object)
      return objectRequest(req, res, url, decodeURIComponent(object[1]!), decodeURIComponent(object[2]!));
    const list = url.pathname.match(/^\/storage\/v1\/b\/([^/]+)\/o$/);
    if (list && req.method === 'GET') {
      const bucket = buckets.get(decodeURIComponent(list[1]!));
      if (bucket === undefined) return json(res, 404, error(404, 'The specified bucket does not exist.'));
      const prefix = url.searchParams.get('prefix') ?? '';
      const items = [...bucket.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, o]) => metadata(list[1]!, name, o));
      return json(res, 200, { kind: 'storage#objects', items });
    }
    return json(res, 404, error(404, `fake-gcs: no route for ${req.method} ${url.pathname}`));
  };

  const chunk = (req: IncomingMessage, res: ServerResponse, id: string, body: Buffer) => {
    const s = sessions.get(id);
    if (s === undefined) return json(res, 404, error(404, 'No such upload session'));
    if (req.method === 'DELETE') {
      sessions.delete(id);
      res.writeHead(499);
      return res.end();
    }
    const range = String(req.headers['content-range'] ?? '');
    const m = range.match(/^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/);
    if (m === null) return json(res, 400, error(400, `bad Content-Range '${range}'`));
    if (m[1] !== undefined && body.length > 0) {
      if (faults.chunkFailures !== undefined && faults.chunkFailures > 0) {
        faults.chunkFailures--;
        return json(res, 503, error(503, 'fake-gcs: injected backend error'));
      }
      const start = Number(m[1]);
      // A retried chunk may overlap what was kept: keep only the new tail.
      if (start > s.received) return json(res, 400, error(400, 'gap in upload'));
      const fresh = body.subarray(s.received - start);
      s.chunks.push(Buffer.from(fresh));
      s.received += fresh.length;
    }
    const total = m[3];
    if (total === '*' || Number(total) !== s.received) {
      res.writeHead(308, s.received === 0 ? {} : { range: `bytes=0-${s.received - 1}` });
      return res.end();
    }
    const bucket = buckets.get(s.bucket)!;
    if (s.ifGenerationMatch === '0' && bucket.has(s.name)) {
      sessions.delete(id);
      return json(res, 412, error(412, 'Precondition Failed'));
    }
    const stored = { bytes: Buffer.concat(s.chunks), generation: generation++ };
    bucket.set(s.name, stored);
    sessions.delete(id);
    return json(res, 200, metadata(s.bucket, s.name, stored));
  };

  const objectRequest = (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    bucketName: string,
    name: string,
  ) => {
    const bucket = buckets.get(bucketName);
    if (bucket === undefined) return json(res, 404, error(404, 'The specified bucket does not exist.'));
    const found = bucket.get(name);
    if (req.method === 'DELETE') {
      if (found === undefined) return json(res, 404, error(404, 'No such object'));
      bucket.delete(name);
      res.writeHead(204);
      return res.end();
    }
    if (found === undefined) return json(res, 404, error(404, `No such object: ${bucketName}/${name}`));
    if (url.searchParams.get('alt') === 'media') {
      const m = metadata(bucketName, name, found);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': found.bytes.length,
        'x-goog-hash': `crc32c=${m.crc32c},md5=${m.md5Hash}`,
      });
      return res.end(found.bytes);
    }
    return json(res, 200, metadata(bucketName, name, found));
  };

  const metadata = (bucket: string, name: string, o: StoredObject) => ({
    kind: 'storage#object',
    bucket,
    name,
    size: String(o.bytes.length),
    generation: String(o.generation),
    md5Hash: createHash('md5').update(o.bytes).digest('base64'),
    crc32c: faults.wrongCrc32c ? 'AAAAAA==' : crc32cBase64(o.bytes),
  });

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => json(res, 500, error(500, String(e))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    buckets,
    requests,
    faults,
    openSessions: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function error(code: number, message: string) {
  return { error: { code, message, errors: [{ message, reason: code === 403 ? 'forbidden' : 'error' }] } };
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli), reflected, as GCS reports it: big-endian, base64. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function crc32cBase64(bytes: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32c(bytes));
  return out.toString('base64');
}
