// A stub AWS endpoint for the handler's clients: a gateway that answers S3 itself (a minimal
// in-memory S3, path-style, as the SDK addresses an IP endpoint: checked by logging a request,
// e.g. PUT /<bucket>/<key>?x-id=PutObject, GET /<bucket>/?list-type=2&prefix=...) and forwards
// the RDS and SNS Query API to the RDS stub (stub-rds.ts), detouring through a fault proxy
// (fault-proxy.ts) while one is set. Used by the fault simulation, the event fuzzing and the
// reconciliation benchmark; the stub and the proxy are used as they are.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { closeServer, forward, listenOnLoopback, readBody } from './http';

const xmlText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One stored object. */
export interface S3Object {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
}

/** One S3 request as the memory S3 answered it. */
export interface S3Call {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly operation: 'ListObjectsV2' | 'GetObject' | 'PutObject' | 'other';
  readonly status: number;
  /** ListObjectsV2: the prefix listed. */
  readonly prefix?: string;
}

/** A minimal in-memory S3: ListObjectsV2, GetObject, PutObject (with If-None-Match: * and If-Match). */
export class MemoryS3 {
  readonly buckets = new Map<string, Map<string, S3Object>>();
  readonly calls: S3Call[] = [];

  put(bucket: string, key: string, body: string | Buffer): void {
    const data = typeof body === 'string' ? Buffer.from(body) : body;
    const objects = this.buckets.get(bucket) ?? new Map<string, S3Object>();
    this.buckets.set(bucket, objects);
    if (!objects.has(key)) this.sorted.delete(bucket);
    objects.set(key, { body: data, etag: `"${createHash('md5').update(data).digest('hex')}"`, lastModified: new Date() });
  }

  /** Removes an object, as a lifecycle rule or an operator would; true when there was one. */
  delete(bucket: string, key: string): boolean {
    const removed = this.buckets.get(bucket)?.delete(key) ?? false;
    if (removed) this.sorted.delete(bucket);
    return removed;
  }

  /** Each bucket's keys in order, kept until a new key arrives: a listing is a range, as in S3. */
  private readonly sorted = new Map<string, string[]>();

  get(bucket: string, key: string): S3Object | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  keys(bucket: string, prefix = ''): string[] {
    let keys = this.sorted.get(bucket);
    if (keys === undefined) {
      keys = [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
      this.sorted.set(bucket, keys);
    }
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (keys[middle]! < prefix) low = middle + 1;
      else high = middle;
    }
    const found: string[] = [];
    for (let i = low; i < keys.length && keys[i]!.startsWith(prefix); i++) found.push(keys[i]!);
    return found;
  }

  /** Answers one path-style request (`/<bucket>/<key>`; a `<bucket>.host` Host header is read as well). */
  answer(
    method: string,
    url: URL,
    host: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): { status: number; headers: Record<string, string>; body: string | Buffer } {
    const path = url.pathname.replace(/^\//, '');
    const hostBucket = /^([a-z0-9.-]+)\.(?:\d+\.\d+\.\d+\.\d+|localhost)(?::\d+)?$/.exec(host)?.[1];
    const [bucket, ...rest] = hostBucket === undefined ? path.split('/') : [hostBucket, ...path.split('/')];
    const key = decodeURIComponent(rest.join('/'));
    const record = (operation: S3Call['operation'], status: number, prefix?: string) =>
      this.calls.push({ method, bucket: bucket ?? '', key, operation, status, ...(prefix === undefined ? {} : { prefix }) });
    const error = (status: number, code: string, message: string) => ({
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlText(message)}</Message><Key>${xmlText(key)}</Key><RequestId>memory-s3</RequestId></Error>`,
    });
    if (bucket === undefined || bucket === '') {
      record('other', 400);
      return error(400, 'InvalidRequest', 'the memory S3 answers bucket requests only');
    }
    const objects = this.buckets.get(bucket) ?? new Map<string, S3Object>();
    if (method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const maxKeys = Math.min(1000, Number(url.searchParams.get('max-keys') ?? 1000));
      const after = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after') ?? '';
      const all = this.keys(bucket, prefix).filter((k) => k > after);
      const page = all.slice(0, maxKeys);
      const truncated = all.length > page.length;
      const contents = page
        .map((k) => {
          const o = objects.get(k)!;
          return `<Contents><Key>${xmlText(k)}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlText(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      record('ListObjectsV2', 200, prefix);
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xmlText(page[page.length - 1]!)}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
      };
    }
    if (method === 'GET' && key !== '') {
      const object = objects.get(key);
      if (object === undefined) {
        record('GetObject', 404);
        return error(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      record('GetObject', 200);
      return {
        status: 200,
        headers: { 'content-type': 'application/octet-stream', etag: object.etag, 'last-modified': object.lastModified.toUTCString() },
        body: object.body,
      };
    }
    if (method === 'PUT' && key !== '') {
      if (headers['if-none-match'] === '*' && objects.has(key)) {
        record('PutObject', 412);
        return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      }
      // If-Match, as S3 answers it: 404 when the object is gone, 412 when it changed.
      const ifMatch = headers['if-match'];
      if (ifMatch !== undefined && !objects.has(key)) {
        record('PutObject', 404);
        return error(404, 'NoSuchKey', 'The specified key does not exist.');
      }
      if (ifMatch !== undefined && objects.get(key)!.etag.replace(/"/g, '') !== ifMatch.replace(/"/g, '')) {
        record('PutObject', 412);
        return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      }
      this.put(bucket, key, body);
      record('PutObject', 200);
      return { status: 200, headers: { etag: this.get(bucket, key)!.etag }, body: '' };
    }
    record('other', 501);
    return error(501, 'NotImplemented', `the memory S3 does not answer ${method} ${url.pathname}${url.search}`);
  }
}

/** The header the gateway marks requests with on their way through the fault proxy. */
const VIA_PROXY = 'x-sim-via-fault-proxy';

/**
 * The handler's endpoint. It answers S3 requests itself (memory S3) and forwards the Query API
 * (RDS, SNS: a form posted to "/") to the RDS stub. While `faultProxy` is set (a storm), every
 * request first takes a detour through the fault proxy, whose target is this gateway again: the
 * proxy fakes its faults or forwards the request back, marked, and the gateway then answers it.
 */
export interface Gateway {
  readonly endpoint: string;
  readonly s3: MemoryS3;
  /** The fault proxy's endpoint while faults are injected; undefined otherwise. */
  faultProxy: string | undefined;
  close(): Promise<void>;
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Milliseconds before each S3 answer, like the RDS stub's latency. @default 0 */
  readonly s3LatencyMs?: number;
}

export async function startGateway(rdsEndpoint: string, options: GatewayOptions = {}): Promise<Gateway> {
  const rds = new URL(rdsEndpoint);
  const s3 = new MemoryS3();
  let faultProxy: URL | undefined;
  const server = createServer((request, response) => {
    const detour = faultProxy !== undefined && request.headers[VIA_PROXY] === undefined ? faultProxy : undefined;
    readBody(request)
      .then((body) => {
        if (detour !== undefined) {
          request.headers[VIA_PROXY] = '1';
          return forward(detour, request, body, response);
        }
        const url = new URL(request.url ?? '/', 'http://gateway');
        // The Query API (RDS, SNS) posts a form to "/"; S3 names a bucket in the path.
        if (request.method === 'POST' && url.pathname === '/') return forward(rds, request, body, response);
        const answer = s3.answer(request.method ?? 'GET', url, request.headers.host ?? '', request.headers, body);
        const reply = () => response.writeHead(answer.status, answer.headers).end(answer.body);
        if (options.s3LatencyMs) setTimeout(reply, options.s3LatencyMs);
        else reply();
      })
      .catch(() => response.destroy());
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    s3,
    get faultProxy() {
      return faultProxy?.toString();
    },
    set faultProxy(value: string | undefined) {
      faultProxy = value === undefined ? undefined : new URL(value);
    },
    close: () => closeServer(server),
  };
}
