// The record of verified exports: its format (pure) and its store's reads and conditional writes
// (against a fake bucket that keeps ETags and answers conditions as S3 does).
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type PutObjectCommandInput, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { RECORD_WRITE_ATTEMPTS, readVerifiedRecord, saveVerifiedRecord } from '../../../handler/verification/verified-record-store';
import {
  exportsToCheck,
  formatVerifiedRecord,
  nextVerifiedFolders,
  parseVerifiedRecord,
  verifiedFolderOf,
} from '../../../handler/verification/verified-record';
import { verifiedRecordKey } from '../../../handler/contract/archive-layout';

const NOW = new Date('2026-12-04T10:00:00Z');
const BUCKET = 'rds-archive-prod';
const KEY = 'exports/_archive/verified-exports.json';
const task = (database: string, id: string) => ({ S3Prefix: `exports/${database}`, ExportTaskIdentifier: id });

describe('the record format', () => {
  it('lives under the archive prefix, or at the top without one', () => {
    expect(verifiedRecordKey('exports')).toBe(KEY);
    expect(verifiedRecordKey('/archive/rds/')).toBe('archive/rds/_archive/verified-exports.json');
    expect(verifiedRecordKey('')).toBe('_archive/verified-exports.json');
  });

  it('keeps export folders, grouped by database, and reads back the same set', () => {
    // Prepare
    const folders = ['exports/orders-db/orders-1/', 'exports/billing/billing-7/', 'exports/orders-db/orders-2/', 'no-prefix-9/'];

    // Act
    const text = formatVerifiedRecord(folders, NOW);
    const parsed = parseVerifiedRecord(text);

    // Assess
    expect(JSON.parse(text)).toEqual({
      recordVersion: 1,
      updatedAt: NOW.toISOString(),
      exports: { '': ['no-prefix-9'], 'exports/billing/': ['billing-7'], 'exports/orders-db/': ['orders-1', 'orders-2'] },
    });
    expect(parsed).toEqual({ ok: true, folders: new Set(folders) });
  });

  it.each([
    ['truncated JSON', '{"recordVersion":1,"exports":{"exports/a/":["x"', /^not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['another version', '{"recordVersion":2,"exports":{}}', /recordVersion is 2, expected 1/],
    ['exports not an object', '{"recordVersion":1,"exports":["a"]}', /"exports" is not an object/],
    ['a parent without its slash', '{"recordVersion":1,"exports":{"exports/a":["x"]}}', /"exports\/a" is malformed/],
    ['a name with a slash', '{"recordVersion":1,"exports":{"exports/":["a/x"]}}', /names "a\/x"/],
    ['an empty name', '{"recordVersion":1,"exports":{"exports/":[""]}}', /names ""/],
  ])('says why %s is not a record', (_label, text, reason) => {
    const parsed = parseVerifiedRecord(text);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok === false && parsed.reason).toMatch(reason);
  });

  it('checks only the completed exports the record does not name', () => {
    const recorded = new Set([verifiedFolderOf(task('orders-db', 'orders-1'))]);
    const completed = [task('orders-db', 'orders-1'), task('orders-db', 'orders-2'), task('billing', 'orders-1')];
    expect(exportsToCheck(completed, recorded)).toEqual([task('orders-db', 'orders-2'), task('billing', 'orders-1')]);
  });

  it('keeps what any writer knew, but only exports still in the window', () => {
    const window = new Set(['exports/a/1/', 'exports/a/2/', 'exports/b/3/']);
    const next = nextVerifiedFolders(window, [['exports/a/1/', 'exports/a/0-expired/'], ['exports/b/3/'], []]);
    expect(next).toEqual(new Set(['exports/a/1/', 'exports/b/3/']));
  });
});

/** S3's answer to a conditional write whose condition failed. */
const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    message: 'At least one of the pre-conditions you specified did not hold',
    $metadata: { httpStatusCode: 412 },
  });

/** A bucket of one object behind a mocked S3 client, with S3's ETags and conditions, counting its requests. */
function fakeBucket(initial?: string) {
  let object: { text: string; etag: string } | undefined;
  let version = 0;
  const store = (text: string) => {
    object = { text, etag: `"v${++version}"` };
  };
  if (initial !== undefined) store(initial);
  const requests = { reads: 0, writes: 0 };
  /** Runs before a write is answered: another writer's write in between. */
  let beforeWrite: (() => void) | undefined;
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  mock.on(GetObjectCommand).callsFake(() => {
    requests.reads++;
    if (object === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    const { text, etag } = object;
    return { Body: { transformToString: async () => text }, ETag: etag };
  });
  mock.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    requests.writes++;
    beforeWrite?.();
    if (input.IfNoneMatch === '*' && object !== undefined) throw preconditionFailed();
    if (input.IfMatch !== undefined && object?.etag !== input.IfMatch) throw preconditionFailed();
    store(String(input.Body));
    return { ETag: object!.etag };
  });
  return {
    client,
    mock,
    requests,
    text: () => object?.text,
    write: store,
    set beforeWrite(fn: (() => void) | undefined) {
      beforeWrite = fn;
    },
  };
}

const foldersIn = (text: string | undefined) => {
  const parsed = parseVerifiedRecord(text ?? '');
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.folders;
};

describe('the record in the bucket', () => {
  it('is absent at first, then created with If-None-Match and read back', async () => {
    // Prepare
    const bucket = fakeBucket();
    const window = new Set(['exports/a/1/', 'exports/a/2/']);

    // Act
    const first = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    const saved = await saveVerifiedRecord(BUCKET, KEY, first, { window, confirmed: window }, NOW, bucket.client);
    const second = await readVerifiedRecord(BUCKET, KEY, bucket.client);

    // Assess
    expect(first).toEqual({ state: 'absent' });
    expect(saved).toEqual({ state: 'written', folders: 2 });
    expect(second).toEqual({ state: 'read', folders: window, etag: '"v1"' });
  });

  it('is not written again when nothing changed', async () => {
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/', 'exports/a/2/']), confirmed: new Set() }, NOW, bucket.client);
    expect(saved).toEqual({ state: 'unchanged', folders: 1 });
    expect(bucket.requests).toEqual({ reads: 1, writes: 0 });
  });

  it('drops exports that left the window', async () => {
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/old/', 'exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    await saveVerifiedRecord(
      BUCKET,
      KEY,
      read,
      { window: new Set(['exports/a/1/', 'exports/a/2/']), confirmed: new Set(['exports/a/2/']) },
      NOW,
      bucket.client,
    );
    expect(foldersIn(bucket.text())).toEqual(new Set(['exports/a/1/', 'exports/a/2/']));
  });

  it('merges with a writer that got there first instead of losing its entries', async () => {
    // Prepare: both runs read the same record; the other one writes before this one does.
    const window = new Set(['exports/a/1/', 'exports/a/2/', 'exports/b/3/']);
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    bucket.beforeWrite = () => {
      bucket.write(formatVerifiedRecord(['exports/a/1/', 'exports/b/3/'], NOW));
      bucket.beforeWrite = undefined;
    };

    // Act
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window, confirmed: new Set(['exports/a/2/']) }, NOW, bucket.client);

    // Assess: the first write lost (If-Match on the old ETag), the second carries both runs' exports.
    expect(saved).toEqual({ state: 'written', folders: 3 });
    expect(bucket.requests).toEqual({ reads: 2, writes: 2 });
    expect(foldersIn(bucket.text())).toEqual(window);
  });

  it('gives up after losing every attempt, and says so', async () => {
    const bucket = fakeBucket(formatVerifiedRecord([], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    let other = 0;
    bucket.beforeWrite = () => bucket.write(formatVerifiedRecord([`exports/a/${other++}/`], NOW));
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/9/']), confirmed: new Set(['exports/a/9/']) }, NOW, bucket.client);
    expect(saved).toEqual({ state: 'not-saved', reason: `another writer changed it ${RECORD_WRITE_ATTEMPTS} times while this run wrote` });
    expect(bucket.requests.writes).toBe(RECORD_WRITE_ATTEMPTS);
  });

  it('replaces a corrupt record, on the condition that it is still the one read', async () => {
    // Prepare
    const bucket = fakeBucket('{"recordVersion":1,"exports":{"exports/a/":["1"');

    // Act
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) }, NOW, bucket.client);

    // Assess
    expect(read).toMatchObject({ state: 'unreadable', reason: expect.stringMatching(/^not JSON/), etag: '"v1"' });
    expect(saved).toEqual({ state: 'written', folders: 1 });
    expect(foldersIn(bucket.text())).toEqual(new Set(['exports/a/1/']));
  });

  it('reads a failed GET as unreadable, and overwrites it since its ETag is unknown', async () => {
    // Prepare: S3 refuses the GET (e.g. the object went to an archive storage class).
    const bucket = fakeBucket('whatever');
    bucket.mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('The operation is not valid for the object storage class'), { name: 'InvalidObjectState' }));

    // Act
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.client);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) }, NOW, bucket.client);

    // Assess: the write carried neither If-Match nor If-None-Match.
    expect(read).toEqual({ state: 'unreadable', reason: 'reading it failed: InvalidObjectState: The operation is not valid for the object storage class' });
    const writes = bucket.mock.commandCalls(PutObjectCommand).map(({ args: [command] }) => [command.input.IfMatch, command.input.IfNoneMatch]);
    expect(writes).toEqual([[undefined, undefined]]);
    expect(saved).toEqual({ state: 'written', folders: 1 });
  });

  it('reports a failed write instead of failing the run', async () => {
    // Prepare
    const bucket = fakeBucket();
    bucket.mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    // Act
    const saved = await saveVerifiedRecord(
      BUCKET,
      KEY,
      { state: 'absent' },
      { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) },
      NOW,
      bucket.client,
    );

    // Assess
    expect(saved).toEqual({ state: 'not-saved', reason: 'writing it failed: AccessDenied: Access Denied' });
  });
});
