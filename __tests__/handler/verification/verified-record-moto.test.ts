// The record of verified exports against S3 as moto serves it: the bundled handler's scheduled
// runs write it and read it back, a corrupt one is rebuilt, and two writers that read the same
// version both land in it through S3's conditional writes (If-None-Match, If-Match with ETags).
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonIf } from '../../../handler/aws/s3';
import { parseVerifiedRecord } from '../../../handler/verification/verified-record';
import { verifiedRecordKey } from '../../../handler/contract/archive-layout';
import { readVerifiedRecord, saveVerifiedRecord } from '../../../handler/verification/verified-record-store';
import { motoExporterEnvironment } from '../../support/moto-lambda';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../../support/moto';
import { createInstanceSnapshot, exportTasksOf, motoRds, runHandler, scheduledEvent } from '../../support/moto-rds';
import { motoMissing, requireTool } from '../../support/tools';

const runs = requireTool('record of verified exports against moto', motoMissing());
const ENV = motoExporterEnvironment();
const BUCKET = ENV.ARCHIVE_BUCKET!;
const KEY = verifiedRecordKey(ENV.ARCHIVE_PREFIX!);
const SCHEDULED = scheduledEvent();

describe.runIf(runs)('the record of verified exports in S3 (moto)', () => {
  let moto: Moto;
  let s3: S3Client;
  let folders: string[];
  const recordText = async () => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }))).Body!.transformToString('utf-8');
  const finished = (logs: Array<Record<string, unknown>>) => logs.find((l) => l.reconciliation === 'finished');

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const rds = motoRds(moto.endpoint);
    for (const name of ['orders', 'billing']) await createInstanceSnapshot(rds, `${name}-db`, `${name}-manual-1`);
    // A first run starts the exports; moto completes them at once.
    expect(runHandler(moto.endpoint, ENV, SCHEDULED)).toMatchObject({ ok: true });
    folders = (await exportTasksOf(rds)).map((t) => `${t.S3Prefix}/${t.ExportTaskIdentifier}/`).sort();
    expect(folders).toHaveLength(2);
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('a run that verifies the completed exports writes the record naming them', async () => {
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(run).toMatchObject({ ok: true });
    expect(finished(run.logs)).toMatchObject({ completedExports: 2, checkedExports: 2, failedVerifications: 0 });
    const parsed = parseVerifiedRecord(await recordText());
    expect(parsed.ok && [...parsed.folders].sort()).toEqual(folders);
  });

  it('the next run reads it and checks no export', () => {
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(finished(run.logs)).toMatchObject({ completedExports: 2, checkedExports: 0, failedVerifications: 0 });
    expect(run.logs.some((l) => 'verifiedRecord' in l)).toBe(false);
  });

  it('a corrupt record is logged, every export checked again, and the record rewritten', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: 'not a record' }));
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(run.logs).toContainEqual(expect.objectContaining({ level: 'WARN', verifiedRecord: 'rebuilding', key: KEY }));
    expect(finished(run.logs)).toMatchObject({ checkedExports: 2, failedVerifications: 0 });
    const parsed = parseVerifiedRecord(await recordText());
    expect(parsed.ok && [...parsed.folders].sort()).toEqual(folders);
  });

  it('two writers that read the same version both end up in the record', async () => {
    // Prepare: two runs read the record; each confirmed another new export.
    const [first, second] = ['exports/orders-db/orders-new-1/', 'exports/billing-db/billing-new-1/'];
    const window = new Set([...folders, first!, second!]);
    const readByOne = await readVerifiedRecord(BUCKET, KEY, s3);
    const readByOther = await readVerifiedRecord(BUCKET, KEY, s3);

    // Act
    const one = await saveVerifiedRecord(BUCKET, KEY, readByOne, { window, confirmed: new Set([first!]) }, new Date(), s3);
    const other = await saveVerifiedRecord(BUCKET, KEY, readByOther, { window, confirmed: new Set([second!]) }, new Date(), s3);

    // Assess: the other's If-Match on the old ETag failed in S3; it read the new version and merged.
    expect(readByOne).toMatchObject({ state: 'read' });
    expect(one).toEqual({ state: 'written', folders: 3 });
    expect(other).toEqual({ state: 'written', folders: 4 });
    const parsed = parseVerifiedRecord(await recordText());
    expect(parsed.ok && [...parsed.folders].sort()).toEqual([...window].sort());
  });

  it('creating it fails in S3 when another writer created it first (If-None-Match)', async () => {
    const key = verifiedRecordKey('elsewhere');
    expect(await writeJsonIf(BUCKET, key, '{}', { ifNoneMatch: '*' }, s3)).toBe('written');
    expect(await writeJsonIf(BUCKET, key, '{}', { ifNoneMatch: '*' }, s3)).toBe('conflict');
    expect(await writeJsonIf(BUCKET, verifiedRecordKey('gone'), '{}', { ifMatch: '"0123"' }, s3)).toBe('conflict');
  });
});
