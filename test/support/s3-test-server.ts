/**
 * Test support. A real S3-protocol server (s3rver, on loopback, storing to a temp
 * directory) behind a small recording proxy. The proxy lets tests see the requests
 * the client sent (s3rver cannot list multipart uploads and answers
 * AbortMultipartUpload with 405, so the proxy answers the abort itself and tests
 * assert the request), check the CRC32 each body carries, and
 * inject faults: 503s for chosen requests, 403 for all, a whole-object CRC32 on HEAD
 * (s3rver reports none), right or wrong.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

// The SDK warns once per process that releases after 2027-01 need Node 22; the version is pinned.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/bucket/key?partNumber=2&uploadId=…`. */
  readonly url: string;
  readonly bytes: number;
  /** The `x-amz-checksum-crc32` header, and whether it matched the body the proxy saw. */
  readonly crc32?: { readonly sent: string; readonly matches: boolean };
  readonly contentMd5?: { readonly sent: string; readonly matches: boolean };
}

export interface S3Faults {
  /** Requests matching this test get a 503 (counts down `times`). */
  fail?: { readonly match: (method: string, url: string) => boolean; times: number };
  forbidden?: boolean;
  /** Adds `x-amz-checksum-crc32` to HEAD answers: the CRC32 of the object's single-PUT body, or a wrong one. */
  reportCrc32?: 'right' | 'wrong';
  /** Forward matching requests but drop the connection instead of answering (a lost response). */
  dropResponse?: { readonly match: (method: string, url: string) => boolean; times: number };
  /** Answer HEAD of a missing key with 403, as AWS does for callers without s3:ListBucket. */
  headMissingAs403?: boolean;
  /** Called for each request before it is forwarded (a test may kill a process here). */
  onRequest?: (r: RecordedRequest) => void;
}

export interface S3TestServer {
  /** The proxy's URL: what configs use as `endpoint`. */
  readonly endpoint: string;
  readonly client: S3Client;
  readonly requests: RecordedRequest[];
  readonly faults: S3Faults;
  keys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startS3(buckets: readonly string[]): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'rivet-s3rver-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port: backendPort } = (await s3rver.run()) as AddressInfo;
  const requests: RecordedRequest[] = [];
  const faults: S3Faults = {};
  /** CRC32 of each single-PUT body by path, for `reportCrc32: 'right'`. */
  const putCrcs = new Map<string, string>();
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded = record(req, body);
      requests.push(recorded);
      faults.onRequest?.(recorded);
      if (faults.forbidden) return xml(res, 403, 'AccessDenied', 'Access Denied');
      // s3rver answers AbortMultipartUpload with 405; a real store discards the upload's parts.
      if (req.method === 'DELETE' && req.url!.includes('uploadId=')) {
        res.writeHead(204);
        return res.end();
      }
      if (faults.fail && faults.fail.times > 0 && faults.fail.match(req.method!, req.url!)) {
        faults.fail.times--;
        return xml(res, 503, 'SlowDown', 'Please reduce your request rate.');
      }
      const upstream = request(
        { host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const drop = faults.dropResponse;
          if (drop && drop.times > 0 && drop.match(req.method!, req.url!)) {
            drop.times--;
            answer.resume();
            res.destroy();
            return;
          }
          if (faults.headMissingAs403 && req.method === 'HEAD' && answer.statusCode === 404) {
            answer.resume();
            res.writeHead(403);
            res.end();
            return;
          }
          const headers = { ...answer.headers };
          const path = req.url!.split('?')[0]!;
          if (req.method === 'PUT' && !req.url!.includes('partNumber')) putCrcs.set(path, crc32Base64(body));
          if (faults.reportCrc32 !== undefined && req.method === 'HEAD' && answer.statusCode === 200) {
            headers['x-amz-checksum-crc32'] =
              faults.reportCrc32 === 'right'
                ? (putCrcs.get(path) ?? '')
                : crc32Base64(Buffer.from('not the body'));
          }
          res.writeHead(answer.statusCode ?? 500, headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${backendPort}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    requests,
    faults,
    keys: async (bucket, prefix = '') => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
    },
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      });
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function record(req: IncomingMessage, body: Buffer): RecordedRequest {
  const crc = req.headers['x-amz-checksum-crc32'];
  const md5 = req.headers['content-md5'];
  return {
    method: req.method!,
    url: req.url!,
    bytes: body.length,
    ...(typeof crc === 'string' ? { crc32: { sent: crc, matches: crc === crc32Base64(body) } } : {}),
    ...(typeof md5 === 'string' ? { contentMd5: { sent: md5, matches: md5 === createMd5(body) } } : {}),
  };
}

function createMd5(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

function crc32Base64(body: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(body) >>> 0);
  return out.toString('base64');
}

function xml(res: ServerResponse, status: number, code: string, message: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
