// The verification use case and its S3 shell, against an in-memory bucket behind a mocked S3Client.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { listAllObjects, readManifest, readText, writeManifestOnce } from '../../../handler/aws/s3';
import { verifyAndRecord, type VerifyOptions } from '../../../handler/verification/record-manifest';
import { exportFolder, manifestKey } from '../../../handler/verification/layout';
import type { ExportTaskDescription } from '../../../handler/verification/metadata';
import { ARCHIVED_BYTES, EXPORTS_INCOMPLETE, EXPORTS_VERIFIED, TABLES_NOT_ARCHIVED } from '../../../handler/contract/metric-names';
import { type ExampleExport, exampleExport, exampleTask } from '../../support/export-fixtures';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:rds-archive-prod-notifications';
const NOW = new Date('2026-11-21T08:00:00Z');
const PAGE_SIZE = 1000;

const s3 = mockClient(S3Client);
/** The bucket's objects: key → text (data parts hold a placeholder of their listed size). */
let bucket: Map<string, string>;
let logs: Array<Record<string, unknown>>;
const sns = mockClient(SNSClient);
/** What verification published to the notifications topic, as [topic, subject, message]. */
const published = () => sns.commandCalls(PublishCommand).map(({ args: [command] }) => [command.input.TopicArn, command.input.Subject, command.input.Message]);

/** Puts one example export in the bucket; returns its DescribeExportTasks entry. */
function storeExport(name: ExampleExport): ExportTaskDescription {
  const { listing, exportInfoText, tablesInfoTexts } = exampleExport(name, 'unused');
  const metadata = new Map([...tablesInfoTexts.map((f) => [f.key, f.text] as const)]);
  for (const { key, size } of listing) {
    const text = key.includes('/export_info_') ? exportInfoText! : (metadata.get(key) ?? 'x'.repeat(Math.min(size, 16)));
    bucket.set(key, text);
  }
  return exampleTask(name);
}

const sizes = new Map<string, number>();
function fakeS3(): void {
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string; ContinuationToken?: string }) => {
    const keys = [...bucket.keys()].filter((k) => k.startsWith(input.Prefix ?? '')).sort();
    const start = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken.replace('token-', ''));
    const page = keys.slice(start, start + PAGE_SIZE);
    const more = start + PAGE_SIZE < keys.length;
    return {
      Contents: page.map((Key) => ({ Key, Size: sizes.get(Key) ?? bucket.get(Key)!.length })),
      KeyCount: page.length,
      IsTruncated: more,
      ...(more ? { NextContinuationToken: `token-${start + PAGE_SIZE}` } : {}),
    };
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = bucket.get(input.Key);
    if (text === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: { transformToString: async () => text } };
  });
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    if (input.IfNoneMatch === '*' && bucket.has(input.Key!)) {
      throw new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        message: 'At least one of the pre-conditions you specified did not hold',
        $metadata: { httpStatusCode: 412 },
      });
    }
    bucket.set(input.Key!, String(input.Body));
    return {};
  });
}

const options = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({
  database: 'shop-db',
  notifyTopicArn: TOPIC,
  archiveName: 'rds-archive-prod',
  now: NOW,
  ...overrides,
});
const storedManifest = (task: ExportTaskDescription) =>
  JSON.parse(bucket.get(manifestKey(exportFolder(task.S3Prefix, task.ExportTaskIdentifier!)))!) as ArchiveManifest;
const metricLines = () => logs.filter((l) => '_aws' in l);
const outcomeLines = () => logs.filter((l) => 'decision' in l);

beforeEach(() => {
  s3.reset();
  bucket = new Map();
  sizes.clear();
  fakeS3();
  sns.reset();
  sns.on(PublishCommand).resolves({});
  logs = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    logs.push(JSON.parse(String(line)) as Record<string, unknown>);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('verifyAndRecord', () => {
  it('follows every page of a large export and counts all its parts', async () => {
    // Prepare: 2,500 more parts for one table, so the folder lists over three pages.
    const task = storeExport('postgres-complete');
    const tableFolder = `${exportFolder(task.S3Prefix, task.ExportTaskIdentifier!)}orders/public.orders/2/`;
    for (let i = 0; i < 2500; i++) {
      const key = `${tableFolder}part-${String(i).padStart(5, '0')}-a1b2c3-c000.gz.parquet`;
      bucket.set(key, 'x');
      sizes.set(key, 1000 + i);
    }

    // Act
    const { manifest, written } = await verifyAndRecord(task, options({ database: 'orders-db' }));

    // Assess
    // The first listing asks whether a manifest exists; the export's folder takes three pages.
    const [probe, ...lists] = s3.commandCalls(ListObjectsV2Command);
    expect(probe!.args[0].input.Prefix).toMatch(/\/archive-manifest\.json$/);
    expect(lists).toHaveLength(3);
    expect(lists.map((c) => c.args[0].input.ContinuationToken)).toEqual([undefined, `token-${PAGE_SIZE}`, `token-${2 * PAGE_SIZE}`]);
    expect(written).toBe(true);
    expect(manifest.outcome).toBe('verified');
    const orders = manifest.tables.find((t) => t.target === 'orders.public.orders')!;
    expect(orders.files).toBe(3 + 2500);
    expect(manifest.totals.files).toBe(3 + 2500 + 1);
    expect(storedManifest(task)).toEqual(manifest);
    expect(published()).toEqual([]);
  });

  it('records a verified export with its metrics and one log line, and reports nothing', async () => {
    // Prepare
    const task = storeExport('postgres-complete');

    // Act
    const { manifest } = await verifyAndRecord(task, options({ database: 'orders-db' }));

    // Assess
    expect(published()).toEqual([]);
    expect(outcomeLines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        decision: 'verified',
        exportTaskIdentifier: task.ExportTaskIdentifier,
        database: 'orders-db',
        archivedBytes: manifest.totals.bytes,
      }),
    ]);
    const [metrics] = metricLines();
    expect(metrics).toMatchObject({
      Archive: 'rds-archive-prod',
      [EXPORTS_VERIFIED]: 1,
      [EXPORTS_INCOMPLETE]: 0,
      [TABLES_NOT_ARCHIVED]: 0,
      [ARCHIVED_BYTES]: manifest.totals.bytes,
    });
    expect(metricLines()).toHaveLength(1);
    expect((metrics!._aws as { Timestamp: number }).Timestamp).toBe(NOW.getTime());
  });

  it('writes an incomplete export once and reports it once; a second call reads the manifest and does nothing else', async () => {
    // Prepare
    const task = storeExport('mysql-skipped-table');

    // Act
    const first = await verifyAndRecord(task, options());
    const listsAfterFirst = s3.commandCalls(ListObjectsV2Command).length;
    const second = await verifyAndRecord(task, options());

    // Assess
    expect(first.written).toBe(true);
    expect(first.manifest.outcome).toBe('incomplete');
    expect(second).toEqual({ manifest: first.manifest, written: false });
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input).toMatchObject({
      Key: 'exports/shop-db/shop-manual-before-upgrade-51d0a7c3e2/archive-manifest.json',
      IfNoneMatch: '*',
      ContentType: 'application/json',
    });
    // The second call only asks whether the manifest exists, then reads it.
    const secondLists = s3.commandCalls(ListObjectsV2Command).slice(listsAfterFirst);
    expect(secondLists.map((c) => c.args[0].input.Prefix)).toEqual(['exports/shop-db/shop-manual-before-upgrade-51d0a7c3e2/archive-manifest.json']);
    expect(published()).toHaveLength(1);
    expect(metricLines()).toHaveLength(1);
    expect(metricLines()[0]).toMatchObject({ [EXPORTS_VERIFIED]: 0, [EXPORTS_INCOMPLETE]: 1, [TABLES_NOT_ARCHIVED]: 1 });
    expect(outcomeLines()).toEqual([expect.objectContaining({ level: 'WARN', decision: 'incomplete', notified: true })]);
    expect(String(outcomeLines()[0]!.reason)).toContain('shop.order_lines');
  });

  it('tells the operators which table is not archived, why, and what to do', async () => {
    // Prepare
    const task = storeExport('mysql-skipped-table');

    // Act
    await verifyAndRecord(task, options());

    // Assess
    const [topic, subject, message] = published()[0]!;
    expect(topic).toBe(TOPIC);
    expect(subject).toBe('RDS snapshot archive: shop-db export incomplete: 1 of 3 tables not archived');
    expect(message).toContain('arn:aws:rds:eu-west-1:111122223333:snapshot:shop-manual-before-upgrade of shop-db');
    expect(message).toMatch(
      /- shop\.order_lines: RDS skipped it \(UNSUPPORTED_CHARACTER_IN_COLUMN_NAME\): The table was skipped: the column name "line total" .*What to do: rename the columns/,
    );
    expect(message).toContain('What to do:');
  });

  it('verifies again and overwrites the manifest with force, reporting again', async () => {
    // Prepare: recorded once, then the products table's parts disappear.
    const task = storeExport('mysql-skipped-table');
    await verifyAndRecord(task, options());
    for (const key of [...bucket.keys()]) if (key.includes('/shop.products/')) bucket.delete(key);

    // Act
    const { manifest, written } = await verifyAndRecord(task, options({ force: true, now: new Date('2026-11-22T08:00:00Z') }));

    // Assess
    expect(written).toBe(true);
    expect(manifest.tables.find((t) => t.target === 'shop.products')!.archived).toBe(false);
    expect(storedManifest(task)).toEqual(manifest);
    expect(storedManifest(task).verifiedAt).toBe('2026-11-22T08:00:00.000Z');
    const puts = s3.commandCalls(PutObjectCommand);
    expect(puts).toHaveLength(2);
    expect(puts[1]!.args[0].input.IfNoneMatch).toBeUndefined();
    expect(published()).toHaveLength(2);
    expect(published()[1]![1]).toBe('RDS snapshot archive: shop-db export incomplete: 2 of 3 tables not archived');
  });

  it('reports an export whose files are gone as missing', async () => {
    // Prepare
    const task = storeExport('postgres-complete');
    for (const key of [...bucket.keys()]) if (key.endsWith('.parquet')) bucket.delete(key);

    // Act
    const { manifest } = await verifyAndRecord(task, options({ database: 'orders-db' }));

    // Assess
    expect(manifest.outcome).toBe('missing');
    expect(published()).toEqual([[TOPIC, 'RDS snapshot archive: orders-db export files missing', expect.stringContaining('the data files are gone')]]);
    expect(metricLines()[0]).toMatchObject({ [EXPORTS_INCOMPLETE]: 1, [TABLES_NOT_ARCHIVED]: 2, [ARCHIVED_BYTES]: 0 });
  });

  it('returns the manifest another verification wrote meanwhile, without reporting', async () => {
    // Prepare: the first read finds nothing; by the time of the write, another call has written.
    const task = storeExport('mysql-skipped-table');
    await verifyAndRecord(task, options({ notifyTopicArn: undefined }));
    const theirs = storedManifest(task);
    const key = manifestKey(exportFolder(task.S3Prefix, task.ExportTaskIdentifier!));
    let manifestReads = 0;
    s3.on(GetObjectCommand, { Key: key }).callsFake(() => {
      if (manifestReads++ === 0) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
      return { Body: { transformToString: async () => JSON.stringify(theirs) } };
    });

    // Act
    const result = await verifyAndRecord(task, options({ now: new Date('2026-11-30T00:00:00Z') }));

    // Assess
    expect(result).toEqual({ manifest: theirs, written: false });
    expect(published()).toEqual([]);
    expect(storedManifest(task)).toEqual(theirs);
  });

  it('replaces a stored manifest it cannot read', async () => {
    // Prepare
    const task = storeExport('mysql-skipped-table');
    bucket.set(manifestKey(exportFolder(task.S3Prefix, task.ExportTaskIdentifier!)), '{"half a manifest":');

    // Act
    const { manifest, written } = await verifyAndRecord(task, options());

    // Assess
    expect(written).toBe(true);
    expect(storedManifest(task)).toEqual(manifest);
    expect(outcomeLines().map((l) => [l.level, l.decision])).toEqual([
      ['WARN', 'manifest-replaced'],
      ['WARN', 'incomplete'],
    ]);
    expect(published()).toHaveLength(1);
  });

  it('records nothing for an export that is not COMPLETE yet', async () => {
    const task = storeExport('postgres-complete');
    const { written } = await verifyAndRecord({ ...task, Status: 'IN_PROGRESS' }, options({ database: 'orders-db' }));
    expect(written).toBe(false);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(published()).toEqual([]);
    expect(outcomeLines()).toEqual([expect.objectContaining({ level: 'WARN', decision: 'not-recorded' })]);
  });

  it('reads from the bucket it is told to use', async () => {
    const task = storeExport('postgres-complete');
    await verifyAndRecord({ ...task, S3Bucket: undefined }, options({ bucket: 'restored-copy', database: 'orders-db' }));
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Bucket).toBe('restored-copy');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Bucket).toBe('restored-copy');
  });

  it('refuses a task without identifier or bucket, naming what is missing', async () => {
    await expect(verifyAndRecord({ S3Bucket: 'b' }, options())).rejects.toThrow(/needs the export task's ExportTaskIdentifier and S3Bucket/);
    await expect(verifyAndRecord({ ExportTaskIdentifier: 'x' }, options())).rejects.toThrow(/S3Bucket \(or options\.bucket\)/);
  });
});

describe('the S3 shell', () => {
  it('reads a missing object as undefined and passes other errors on', async () => {
    // Prepare
    const client = new S3Client({ region: 'eu-west-1' });
    bucket.set('here', 'text');

    // Act, Assess
    expect(await readText('b', 'here', client)).toBe('text');
    expect(await readText('b', 'absent', client)).toBeUndefined();
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(readText('b', 'here', client)).rejects.toThrow('Access Denied');
  });

  it('writes once unless forced, and passes other write errors on', async () => {
    const client = new S3Client({ region: 'eu-west-1' });
    expect(await writeManifestOnce('b', 'k', 'one', {}, client)).toBe('written');
    expect(await writeManifestOnce('b', 'k', 'two', {}, client)).toBe('exists');
    expect(bucket.get('k')).toBe('one');
    expect(await writeManifestOnce('b', 'k', 'three', { force: true }, client)).toBe('written');
    expect(bucket.get('k')).toBe('three');
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'ConditionalRequestConflict', $fault: 'client', message: 'conflict', $metadata: { httpStatusCode: 409 } }),
    );
    expect(await writeManifestOnce('b', 'k', 'four', {}, client)).toBe('exists');
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(writeManifestOnce('b', 'k', 'five', {}, client)).rejects.toThrow('Access Denied');
  });

  it('asks the listing whether a manifest exists, so a 403 for a missing key is never read as "absent"', async () => {
    // Prepare: S3 answers every GET with 403, as it does for a missing key without ListBucket on it.
    const client = new S3Client({ region: 'eu-west-1' });
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }),
    );

    // Act, Assess: absent from the listing → undefined without a GET; listed → the 403 surfaces.
    expect(await readManifest('b', 'exports/db/id/', client)).toBeUndefined();
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    bucket.set('exports/db/id/archive-manifest.json', '{}');
    await expect(readManifest('b', 'exports/db/id/', client)).rejects.toThrow('Access Denied');
  });

  it('lists an empty folder as nothing', async () => {
    expect(await listAllObjects('b', 'nothing/here/', new S3Client({ region: 'eu-west-1' }))).toEqual([]);
  });
});
