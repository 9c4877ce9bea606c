// The record of verified exports: its format (pure) and its store's reads and conditional writes
// (against a fake bucket that keeps ETags and answers conditions as S3 does).
import { describe, expect, it } from 'vitest';
import type { WriteCondition } from '../../handler/aws/s3';
import { RECORD_WRITE_ATTEMPTS, type RecordStoreDeps, readVerifiedRecord, saveVerifiedRecord } from '../../handler/verification/verified-record-store';
import { exportsToCheck, formatVerifiedRecord, nextVerifiedFolders, parseVerifiedRecord, verifiedFolderOf } from '../../handler/verification/verified-record';
import { verifiedRecordKey } from '../../handler/contract/archive-layout';

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

/** A bucket of one object with S3's ETags and conditions, counting its requests. */
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
  const deps: RecordStoreDeps = {
    readTextAndEtag: async () => {
      requests.reads++;
      return object === undefined ? undefined : { ...object };
    },
    writeJsonIf: async (_bucket, _key, body, condition: WriteCondition) => {
      requests.writes++;
      beforeWrite?.();
      if ('ifNoneMatch' in condition && object !== undefined) return 'conflict';
      if ('ifMatch' in condition && object?.etag !== condition.ifMatch) return 'conflict';
      store(body);
      return 'written';
    },
  };
  return {
    deps,
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
    const first = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    const saved = await saveVerifiedRecord(BUCKET, KEY, first, { window, confirmed: window }, NOW, bucket.deps);
    const second = await readVerifiedRecord(BUCKET, KEY, bucket.deps);

    // Assess
    expect(first).toEqual({ state: 'absent' });
    expect(saved).toEqual({ state: 'written', folders: 2 });
    expect(second).toEqual({ state: 'read', folders: window, etag: '"v1"' });
  });

  it('is not written again when nothing changed', async () => {
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/', 'exports/a/2/']), confirmed: new Set() }, NOW, bucket.deps);
    expect(saved).toEqual({ state: 'unchanged', folders: 1 });
    expect(bucket.requests).toEqual({ reads: 1, writes: 0 });
  });

  it('drops exports that left the window', async () => {
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/old/', 'exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/', 'exports/a/2/']), confirmed: new Set(['exports/a/2/']) }, NOW, bucket.deps);
    expect(foldersIn(bucket.text())).toEqual(new Set(['exports/a/1/', 'exports/a/2/']));
  });

  it('merges with a writer that got there first instead of losing its entries', async () => {
    // Prepare: both runs read the same record; the other one writes before this one does.
    const window = new Set(['exports/a/1/', 'exports/a/2/', 'exports/b/3/']);
    const bucket = fakeBucket(formatVerifiedRecord(['exports/a/1/'], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    bucket.beforeWrite = () => {
      bucket.write(formatVerifiedRecord(['exports/a/1/', 'exports/b/3/'], NOW));
      bucket.beforeWrite = undefined;
    };

    // Act
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window, confirmed: new Set(['exports/a/2/']) }, NOW, bucket.deps);

    // Assess: the first write lost (If-Match on the old ETag), the second carries both runs' exports.
    expect(saved).toEqual({ state: 'written', folders: 3 });
    expect(bucket.requests).toEqual({ reads: 2, writes: 2 });
    expect(foldersIn(bucket.text())).toEqual(window);
  });

  it('gives up after losing every attempt, and says so', async () => {
    const bucket = fakeBucket(formatVerifiedRecord([], NOW));
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    let other = 0;
    bucket.beforeWrite = () => bucket.write(formatVerifiedRecord([`exports/a/${other++}/`], NOW));
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/9/']), confirmed: new Set(['exports/a/9/']) }, NOW, bucket.deps);
    expect(saved).toEqual({ state: 'not-saved', reason: `another writer changed it ${RECORD_WRITE_ATTEMPTS} times while this run wrote` });
    expect(bucket.requests.writes).toBe(RECORD_WRITE_ATTEMPTS);
  });

  it('replaces a corrupt record, on the condition that it is still the one read', async () => {
    // Prepare
    const bucket = fakeBucket('{"recordVersion":1,"exports":{"exports/a/":["1"');

    // Act
    const read = await readVerifiedRecord(BUCKET, KEY, bucket.deps);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) }, NOW, bucket.deps);

    // Assess
    expect(read).toMatchObject({ state: 'unreadable', reason: expect.stringMatching(/^not JSON/), etag: '"v1"' });
    expect(saved).toEqual({ state: 'written', folders: 1 });
    expect(foldersIn(bucket.text())).toEqual(new Set(['exports/a/1/']));
  });

  it('reads a failed GET as unreadable, and overwrites it since its ETag is unknown', async () => {
    // Prepare: S3 refuses the GET (e.g. the object went to an archive storage class).
    const bucket = fakeBucket('whatever');
    const conditions: WriteCondition[] = [];
    const deps: RecordStoreDeps = {
      readTextAndEtag: async () => {
        throw Object.assign(new Error('The operation is not valid for the object storage class'), { name: 'InvalidObjectState' });
      },
      writeJsonIf: async (bucketName, key, body, condition) => {
        conditions.push(condition);
        return bucket.deps.writeJsonIf(bucketName, key, body, condition);
      },
    };

    // Act
    const read = await readVerifiedRecord(BUCKET, KEY, deps);
    const saved = await saveVerifiedRecord(BUCKET, KEY, read, { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) }, NOW, deps);

    // Assess
    expect(read).toEqual({ state: 'unreadable', reason: 'reading it failed: InvalidObjectState: The operation is not valid for the object storage class' });
    expect(conditions).toEqual([{ overwrite: true }]);
    expect(saved).toEqual({ state: 'written', folders: 1 });
  });

  it('reports a failed write instead of failing the run', async () => {
    const deps: RecordStoreDeps = {
      readTextAndEtag: async () => undefined,
      writeJsonIf: async () => {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      },
    };
    const saved = await saveVerifiedRecord(
      BUCKET,
      KEY,
      { state: 'absent' },
      { window: new Set(['exports/a/1/']), confirmed: new Set(['exports/a/1/']) },
      NOW,
      deps,
    );
    expect(saved).toEqual({ state: 'not-saved', reason: 'writing it failed: AccessDenied: Access Denied' });
  });
});
