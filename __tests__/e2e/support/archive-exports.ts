// The rehearsal's stand-ins for what moto does not do: the files RDS writes for an export (moto
// completes exports at once and writes nothing), and an SQS queue on the notifications topic to
// read what the exporter reported. (The export-completed event moto does not publish is built by
// support/exporter-events.ts.)
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MOTO_CLIENT_CONFIG } from '../../support/moto';
import { motoApi } from './moto-api';

const EXPORTS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'rds-exports');

/** The conformance corpus: exports written from real PostgreSQL and MariaDB servers, every file kept at its key. */
export const CORPUS_FIXTURES = ['postgres-all-types', 'mysql-all-types', 'postgres-odd-names', 'postgres-partitioned'] as const;

/** The example exports of fixtures/rds-exports. */
export type ExportFixture = 'postgres-complete' | 'mysql-skipped-table' | (typeof CORPUS_FIXTURES)[number];

/** An S3 client for moto (path style: moto is reached by IP address). */
export function motoS3(endpoint: string): S3Client {
  return new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint, forcePathStyle: true });
}

/** Where a real export (as DescribeExportTasks shows it) keeps its files. */
export interface ExportLocation {
  readonly bucket: string;
  readonly s3Prefix: string;
  readonly exportTaskIdentifier: string;
  readonly snapshotArn: string;
  /** When RDS took the snapshot; written into export_info as RDS writes it. */
  readonly snapshotTime: Date;
}

/** One object to write. */
export interface ExportObject {
  readonly key: string;
  readonly body: Buffer;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** export_info's Java-style UTC time, e.g. "Nov 20, 2026 3:10:41 AM". */
export function exportInfoTime(date: Date): string {
  const hour = date.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hour % 12 === 0 ? 12 : hour % 12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`;
}

/**
 * The fixture export's files moved to `target`: its folder replaced by the real export's,
 * export_info and export_tables_info with the real identifier, snapshot, bucket and prefix, and
 * the corpus's real Parquet parts or, for the first examples, small placeholder bytes for the data
 * files (verification reads only the metadata and the listing; `_SUCCESS` markers stay empty).
 */
export function rerootedExport(fixture: ExportFixture, target: ExportLocation): ExportObject[] {
  const dir = path.join(EXPORTS_DIR, fixture);
  const described = (
    JSON.parse(readFileSync(path.join(dir, 'describe-export-task.json'), 'utf8')) as {
      ExportTasks: Array<{ ExportTaskIdentifier: string; SourceArn: string; S3Bucket: string; S3Prefix: string }>;
    }
  ).ExportTasks[0]!;
  const listing = JSON.parse(readFileSync(path.join(dir, 'listing.json'), 'utf8')) as Array<{ key: string; size: number }>;
  const fixtureFolder = `${described.S3Prefix}/${described.ExportTaskIdentifier}/`;
  const realFolder = `${target.s3Prefix.replace(/\/+$/, '')}/${target.exportTaskIdentifier}/`;
  const substitute = (text: string) =>
    text
      .split(described.SourceArn)
      .join(target.snapshotArn)
      .split(described.ExportTaskIdentifier)
      .join(target.exportTaskIdentifier)
      .split(described.S3Bucket)
      .join(target.bucket)
      .split(described.S3Prefix)
      .join(target.s3Prefix);
  return listing.map(({ key }, index) => {
    if (!key.startsWith(fixtureFolder)) throw new Error(`${fixture}/listing.json: ${key} is not under ${fixtureFolder}`);
    const name = key.slice(fixtureFolder.length);
    const realKey = `${realFolder}${substitute(name)}`;
    // The corpus keeps every file at its key (real Parquet included); the first examples keep their JSON files by name only.
    const keptAtKey = path.join(dir, key);
    if (name.endsWith('.parquet') && existsSync(keptAtKey)) return { key: realKey, body: readFileSync(keptAtKey) };
    if (!name.includes('/') && name.endsWith('.json')) {
      let text = substitute(readFileSync(existsSync(keptAtKey) ? keptAtKey : path.join(dir, name), 'utf8'));
      if (name.startsWith('export_info_')) {
        const info = JSON.parse(text) as Record<string, unknown>;
        text = `${JSON.stringify({ ...info, snapshotTime: exportInfoTime(target.snapshotTime) }, null, 2)}\n`;
      }
      return { key: realKey, body: Buffer.from(text) };
    }
    return { key: realKey, body: name.endsWith('.parquet') ? Buffer.from(`PAR1 placeholder part ${index} PAR1`) : Buffer.alloc(0) };
  });
}

/** Writes the objects to `bucket`. */
export async function putObjects(s3: S3Client, bucket: string, objects: readonly ExportObject[]): Promise<void> {
  for (const object of objects) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
}

/** Every version (and delete marker) of every object in `bucket` under `prefix`. */
export async function objectVersions(
  s3: S3Client,
  bucket: string,
  prefix = '',
): Promise<Array<{ key: string; versionId: string | undefined; etag?: string; lastModified?: Date }>> {
  const versions: Array<{ key: string; versionId: string | undefined; etag?: string; lastModified?: Date }> = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out: ListObjectVersionsCommandOutput = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
    for (const v of out.Versions ?? []) versions.push({ key: v.Key!, versionId: v.VersionId, etag: v.ETag, lastModified: v.LastModified });
    for (const m of out.DeleteMarkers ?? []) versions.push({ key: m.Key!, versionId: m.VersionId });
    if (out.IsTruncated !== true) return versions;
    KeyMarker = out.NextKeyMarker;
    VersionIdMarker = out.NextVersionIdMarker;
  }
  throw new Error(`more than 100 pages of object versions in ${bucket}`);
}

/** Deletes every version of every object, so terraform can delete the (versioned, not force-destroyed) bucket. */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<number> {
  const versions = await objectVersions(s3, bucket);
  for (const v of versions) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.versionId }));
  return versions.length;
}

/** The manifest object's identity: a second write changes it. */
export async function objectIdentity(s3: S3Client, bucket: string, key: string): Promise<{ etag?: string; lastModified?: string; versionId?: string }> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return { etag: head.ETag, lastModified: head.LastModified?.toISOString(), versionId: head.VersionId };
}

/** A notification as SNS delivers it to an SQS queue (not raw). */
export interface QueuedNotification {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
}

/** An SQS queue subscribed to a topic in moto; `drain` reads and deletes what arrived. */
export interface TopicQueue {
  readonly queueArn: string;
  drain(): Promise<QueuedNotification[]>;
}

/** moto's SQS, through its JSON protocol (the project installs no SQS client). */
async function sqs<T>(endpoint: string, action: string, input: Record<string, unknown>): Promise<T> {
  const answer = await motoApi(endpoint, 'sqs', '/', JSON.stringify(input), {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `AmazonSQS.${action}`,
  });
  return (answer === '' ? {} : JSON.parse(answer)) as T;
}

/** Creates queue `name` and subscribes it to `topicArn`. */
export async function subscribeQueue(endpoint: string, topicArn: string, name: string): Promise<TopicQueue> {
  const { QueueUrl } = await sqs<{ QueueUrl: string }>(endpoint, 'CreateQueue', { QueueName: name });
  const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>(endpoint, 'GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
  const sns = new SNSClient({ ...MOTO_CLIENT_CONFIG, endpoint });
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn }));
  return {
    queueArn: Attributes.QueueArn,
    drain: async () => {
      const received: QueuedNotification[] = [];
      // moto delivers to the queue while it answers Publish, so what was sent is there already.
      for (let batch = 0; batch < 50; batch++) {
        const { Messages = [] } = await sqs<{ Messages?: Array<{ Body: string; ReceiptHandle: string }> }>(endpoint, 'ReceiveMessage', {
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
        });
        if (Messages.length === 0) return received;
        for (const message of Messages) {
          received.push(JSON.parse(message.Body) as QueuedNotification);
          await sqs(endpoint, 'DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
        }
      }
      throw new Error(`more than 500 messages in ${name}`);
    },
  };
}
