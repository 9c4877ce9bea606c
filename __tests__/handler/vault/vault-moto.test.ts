// Vault mode against moto with two accounts (moto serves the account a request names in its
// x-moto-account-id header): the source exporter (account 222222222222) exports into the vault's
// bucket (account 111111111111) and hands each completed export over; the vault verifier verifies
// and catalogs it in the vault's Glue. moto writes no export files, so the test writes them (the
// conformance corpus, rerooted to the real export's folder), as RDS would with the source's role.
import { GetDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { RDSClient } from '@aws-sdk/client-rds';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../handler/aws/clients';
import { setLogSink } from '../../../handler/common/log';
import { handoverKey, handoversPrefix, sourceArchivePrefix, vaultCursorKey, verifiedRecordKey } from '../../../handler/contract/archive-layout';
import { glueDatabaseName, sourceCatalogName } from '../../../handler/contract/catalog-names';
import { buildHandover, formatHandover, parseHandover } from '../../../handler/contract/handover';
import { MANIFEST_FILE_NAME, parseManifest } from '../../../handler/contract/manifest';
import { HANDOVERS_REJECTED, VAULT_VERIFICATION_SUCCEEDED } from '../../../handler/contract/metric-names';
import { readSettings } from '../../../handler/contract/settings';
import { readVaultSettings } from '../../../handler/contract/vault-settings';
import { reportExportOutcome } from '../../../handler/exporting/export-outcome';
import { scheduledReconciliation } from '../../../handler/exporting/reconcile';
import { parseSnsRecord, type SnapshotEvent } from '../../../handler/rules/rds-event';
import { parseVerifiedRecord } from '../../../handler/verification/verified-record';
import { objectsOfS3Event, scheduledVaultVerification, verifyNotifiedHandovers } from '../../../handler/vault/vault-run';
import { putObjects, rerootedExport } from '../../e2e/support/archive-exports';
import { motoApi } from '../../e2e/support/moto-api';
import { exportCompletedMessage, snsEvent } from '../../support/exporter-events';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../../support/moto';
import { createInstanceSnapshot, exportTasksOf } from '../../support/moto-rds';
import { motoMissing, requireTool } from '../../support/tools';

const runs = requireTool('vault mode against moto', motoMissing());
const VAULT = '111111111111';
const SOURCE = '222222222222';
const BUCKET = `rds-archive-vault-${VAULT}-us-east-1`;
const BASE = 'exports';
const SOURCE_PREFIX = sourceArchivePrefix(BASE, SOURCE);
const SOURCE_SETTINGS = readSettings({
  ARCHIVE_BUCKET: BUCKET,
  ARCHIVE_PREFIX: SOURCE_PREFIX,
  EXPORT_ROLE_ARN: `arn:aws:iam::${SOURCE}:role/rds-archive-export-us-east-1`,
  EXPORT_KMS_KEY_ARN: `arn:aws:kms:us-east-1:${VAULT}:key/0f6c1a52-3d1e-4c7e-9a51-2b7d5c8e4f10`,
  SNAPSHOT_TYPES: 'manual',
  VAULT_ACCOUNT_ID: VAULT,
});
const TOPIC = 'rds-archive-vault-notifications';
const VAULT_SETTINGS = readVaultSettings({
  ARCHIVE_BUCKET: BUCKET,
  ARCHIVE_PREFIX: BASE,
  SOURCE_ACCOUNT_IDS: `${SOURCE},333333333333`,
  NOTIFY_TOPIC_ARN: `arn:aws:sns:us-east-1:${VAULT}:${TOPIC}`,
});

/** Sends every request of `client` to `account`'s moto backend; records S3 calls in `calls` when given. */
function inAccount<T extends S3Client | RDSClient | GlueClient | SNSClient>(client: T, account: string, calls?: string[]): T {
  // One middleware for the three clients: their stacks differ only in their input and output types.
  (client as unknown as S3Client).middlewareStack.add(
    (next, context) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      const input = args.input as { Key?: string; Prefix?: string };
      calls?.push(`${context.commandName?.replace(/Command$/, '')} ${input.Key ?? input.Prefix ?? ''}`);
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}

function accountClients(endpoint: string, account: string, s3Calls?: string[]): Required<AwsClients> {
  return {
    sns: inAccount(new SNSClient({ ...MOTO_CLIENT_CONFIG, endpoint }), account),
    rds: inAccount(new RDSClient({ ...MOTO_CLIENT_CONFIG, endpoint }), account),
    s3: inAccount(new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint, forcePathStyle: true }), account, s3Calls),
    glue: inAccount(new GlueClient({ ...MOTO_CLIENT_CONFIG, endpoint }), account),
  };
}

/** Runs `act` with the handler's log lines collected. */
async function logged<T>(act: () => Promise<T>): Promise<{ result: T; logs: Array<Record<string, unknown>> }> {
  const logs: Array<Record<string, unknown>> = [];
  setLogSink((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  try {
    return { result: await act(), logs };
  } finally {
    setLogSink((line) => console.log(line));
  }
}

/** The S3 notification of objects created in the bucket, keys URL-encoded as S3 writes them. */
function s3Notification(keys: readonly string[]): unknown {
  return {
    Records: keys.map((key) => ({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } },
    })),
  };
}

/** moto's SQS in the vault account, through its JSON protocol (the project installs no SQS client). */
async function vaultSqs<T>(endpoint: string, action: string, input: Record<string, unknown>): Promise<T> {
  const answer = await motoApi(endpoint, 'sqs', '/', JSON.stringify(input), {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `AmazonSQS.${action}`,
    'x-moto-account-id': VAULT,
  });
  return (answer === '' ? {} : JSON.parse(answer)) as T;
}

/** Creates the vault's notifications topic with a queue subscribed to it; returns a reader of what arrived. */
async function subscribedQueue(endpoint: string, sns: SNSClient): Promise<() => Promise<Array<{ Subject?: string; Message: string }>>> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPIC }));
  expect(TopicArn).toBe(VAULT_SETTINGS.notifyTopicArn);
  const { QueueUrl } = await vaultSqs<{ QueueUrl: string }>(endpoint, 'CreateQueue', { QueueName: 'vault-notifications' });
  const { Attributes } = await vaultSqs<{ Attributes: { QueueArn: string } }>(endpoint, 'GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn }));
  return async () => {
    const { Messages = [] } = await vaultSqs<{ Messages?: Array<{ Body: string }> }>(endpoint, 'ReceiveMessage', {
      QueueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
    });
    return Messages.map((m) => JSON.parse(m.Body) as { Subject?: string; Message: string });
  };
}

describe.runIf(runs)('vault mode: a source account hands over, the vault verifies and catalogs (moto, two accounts)', () => {
  let moto: Moto;
  let source: Required<AwsClients>;
  let vault: Required<AwsClients>;
  /** Reads what the vault's notifications topic published (an SQS queue subscribed to it). */
  let notifications: () => Promise<Array<{ Subject?: string; Message: string }>>;
  /** The S3 requests the source's exporter made. */
  const sourceS3: string[] = [];
  let snapshotNumber = 0;

  const keysUnder = async (prefix: string) =>
    ((await vault.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  const textOf = async (key: string) => (await vault.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString('utf-8');
  const manifestOf = async (folder: string) =>
    (await keysUnder(`${folder}${MANIFEST_FILE_NAME}`)).length === 0 ? undefined : parseManifest(await textOf(`${folder}${MANIFEST_FILE_NAME}`));
  const recordedFolders = async (prefix: string) => {
    const parsed = parseVerifiedRecord(await textOf(verifiedRecordKey(prefix)));
    return parsed.ok ? [...parsed.folders].sort() : [];
  };

  /** A new manual snapshot of orders-db in the source account, exported by the source's reconciliation, its files written into the vault's bucket. */
  async function exportedSnapshot(): Promise<{ snapshotArn: string; snapshotIdentifier: string; folder: string; exportTaskIdentifier: string }> {
    snapshotNumber++;
    const snapshotIdentifier = `orders-manual-${snapshotNumber}`;
    const snapshotArn = await createInstanceSnapshot(source.rds, 'orders-db', snapshotIdentifier);
    await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));
    const task = (await exportTasksOf(source.rds, snapshotArn))[0];
    if (task === undefined) throw new Error(`the source's reconciliation started no export of ${snapshotArn}`);
    const target = {
      bucket: BUCKET,
      s3Prefix: task.S3Prefix!,
      exportTaskIdentifier: task.ExportTaskIdentifier!,
      snapshotArn,
      snapshotTime: task.SnapshotTime ?? new Date(),
    };
    await putObjects(source.s3, BUCKET, rerootedExport('postgres-all-types', target));
    return { snapshotArn, snapshotIdentifier, folder: `${task.S3Prefix}/${task.ExportTaskIdentifier}/`, exportTaskIdentifier: task.ExportTaskIdentifier! };
  }

  const handoverKeys = () => keysUnder(handoversPrefix(SOURCE_PREFIX));
  let first: Awaited<ReturnType<typeof exportedSnapshot>>;

  beforeAll(async () => {
    moto = await startMoto();
    source = accountClients(moto.endpoint, SOURCE, sourceS3);
    vault = accountClients(moto.endpoint, VAULT);
    await vault.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    notifications = await subscribedQueue(moto.endpoint, vault.sns);
    first = await exportedSnapshot();
  });
  afterAll(async () => {
    for (const clients of [source, vault]) for (const client of Object.values(clients ?? {})) client.destroy();
    await moto?.stop();
  });

  it("the source's exporter starts the export into the vault's bucket under its own prefix, and on completion hands it over instead of verifying", async () => {
    // Prepare
    expect(first.folder).toBe(`${BASE}/${SOURCE}/orders-db/${first.exportTaskIdentifier}/`);
    const parsed = parseSnsRecord(
      snsEvent(exportCompletedMessage(first.snapshotIdentifier, first.snapshotArn), {
        topicArn: `arn:aws:sns:us-east-1:${SOURCE}:rds-archive-snapshot-events`,
        messageId: 'm-1',
      }).Records[0],
    );
    if (!parsed.ok) throw new Error(parsed.reason);

    // Act
    const { result: decision } = await logged(() => reportExportOutcome(parsed.event as SnapshotEvent, SOURCE_SETTINGS, source));

    // Assess
    expect(decision).toMatchObject({ decision: 'exported', reason: expect.stringMatching(new RegExp(`handed over to the vault ${VAULT}`)) });
    const keys = await handoverKeys();
    expect(keys).toHaveLength(1);
    const handover = parseHandover(await textOf(keys[0]!));
    expect(handover).toMatchObject({
      ok: true,
      handover: {
        sourceAccountId: SOURCE,
        exportTask: {
          ExportTaskIdentifier: first.exportTaskIdentifier,
          SourceArn: first.snapshotArn,
          S3Bucket: BUCKET,
          Status: expect.stringMatching(/^complete$/i),
        },
      },
    });
    expect(await manifestOf(first.folder)).toBeUndefined();
  });

  it("the vault verifies the handed-over export from its notification, records where the description came from, and catalogs it in the vault's Glue under the source's names", async () => {
    // Prepare
    const [key] = await handoverKeys();
    const objects = objectsOfS3Event(s3Notification([key!]));

    // Act
    const { result } = await logged(() => verifyNotifiedHandovers(objects, VAULT_SETTINGS, new Date(), vault));

    // Assess
    expect(result.failures).toEqual([]);
    expect(result.results).toMatchObject([{ state: 'verified', written: true }]);
    const manifest = await manifestOf(first.folder);
    expect(manifest).toMatchObject({
      outcome: 'verified',
      exportTaskIdentifier: first.exportTaskIdentifier,
      taskDescription: { from: 'handover', sourceAccountId: SOURCE, handoverKey: key },
    });
    const database = glueDatabaseName(sourceCatalogName(VAULT_SETTINGS.archiveName, SOURCE), 'orders-db');
    expect(database).toBe(`rds_snapshot_archive_${SOURCE}_orders_db`);
    await expect(vault.glue.send(new GetDatabaseCommand({ Name: database }))).resolves.toMatchObject({ Database: { Name: database } });
    await expect(source.glue.send(new GetDatabaseCommand({ Name: database }))).rejects.toMatchObject({ name: 'EntityNotFoundException' });
  });

  it("the vault's hourly run records the verified export under the source's prefix; the source's next reconciliation then asks S3 for that record only", async () => {
    // Act
    const { result: run } = await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault));
    sourceS3.length = 0;
    const { logs } = await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));

    // Assess
    expect(run.sources.find((s) => s.sourceAccountId === SOURCE)).toMatchObject({ listed: 1, checked: 1, confirmed: 1, rejected: 0, record: 'written' });
    expect(await recordedFolders(SOURCE_PREFIX)).toEqual([first.folder]);
    expect(sourceS3).toEqual([`GetObject ${verifiedRecordKey(SOURCE_PREFIX)}`]);
    expect(logs.find((l) => l.reconciliation === 'finished')).toMatchObject({ completedExports: 1, checkedExports: 0, handedOver: 0, failedVerifications: 0 });
  });

  it("an export whose completion event was lost is handed over by the source's reconciliation once, and verified by the vault's hourly run", async () => {
    // Prepare: a second export completes; its event never reaches the exporter.
    const second = await exportedSnapshot();
    const before = (await handoverKeys()).length;

    // Act: two source reconciliations before the vault's run, then the vault's run.
    const { logs: handing } = await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));
    const { logs: waiting } = await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));
    const { result: run } = await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault));

    // Assess
    expect(handing.find((l) => l.reconciliation === 'finished')).toMatchObject({ completedExports: 2, checkedExports: 1, handedOver: 1 });
    expect(waiting.find((l) => l.reconciliation === 'finished')).toMatchObject({ completedExports: 2, checkedExports: 1, handedOver: 0 });
    expect(await handoverKeys()).toHaveLength(before + 1);
    expect(run.sources.find((s) => s.sourceAccountId === SOURCE)).toMatchObject({ checked: 1, confirmed: 1 });
    expect(await manifestOf(second.folder)).toMatchObject({ outcome: 'verified', taskDescription: { from: 'handover', sourceAccountId: SOURCE } });
    expect(await recordedFolders(SOURCE_PREFIX)).toEqual([first.folder, second.folder].sort());
  });

  it('with its cursor corrupt, the hourly run lists every handover again, verifies the new one, and reads none it recorded before', async () => {
    // Prepare
    await vault.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: vaultCursorKey(BASE), Body: '{"cursorVersion":1,"sources":' }));
    const third = await exportedSnapshot();
    await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));

    // Act
    const { result: run, logs } = await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault));

    // Assess
    expect(logs).toContainEqual(expect.objectContaining({ level: 'WARN', cursor: 'rebuilding', key: vaultCursorKey(BASE) }));
    expect(run.sources.find((s) => s.sourceAccountId === SOURCE)).toMatchObject({ listed: 3, checked: 1, confirmed: 1 });
    expect(await manifestOf(third.folder)).toMatchObject({ outcome: 'verified' });
    expect(run.cursorSaved).toBe(true);
    expect(logs.filter((l) => l[VAULT_VERIFICATION_SUCCEEDED] === 1)).toHaveLength(1);
  });

  it("a manifest the vault did not write, put in the source's export folder before the handover, is verified again and replaced", async () => {
    // Prepare: the source writes a manifest that points at another source's folder, then hands the export over.
    const fourth = await exportedSnapshot();
    const genuine = await manifestOf(first.folder);
    const planted = {
      ...genuine!,
      exportTaskIdentifier: fourth.exportTaskIdentifier,
      exportPrefix: 'exports/333333333333/billing-db/theirs/',
      taskDescription: undefined,
    };
    await source.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${fourth.folder}${MANIFEST_FILE_NAME}`, Body: JSON.stringify(planted) }));
    await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));
    const key = (await handoverKeys()).find((k) => k.endsWith(`-${fourth.exportTaskIdentifier}.json`));

    // Act
    const { result, logs } = await logged(() => verifyNotifiedHandovers(objectsOfS3Event(s3Notification([key!])), VAULT_SETTINGS, new Date(), vault));

    // Assess
    expect(result.results).toMatchObject([{ state: 'verified', written: true }]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'WARN', decision: 'manifest-replaced', reason: expect.stringMatching(/names the folder exports\/333333333333/) }),
    );
    expect(await manifestOf(fourth.folder)).toMatchObject({
      exportPrefix: fourth.folder,
      taskDescription: { from: 'handover', sourceAccountId: SOURCE, handoverKey: key },
    });
  });

  it('in steady state, with four exports in the window, the source reconciliation still makes one S3 request', async () => {
    // Prepare: the vault's hourly run has seen every handover.
    await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault));
    sourceS3.length = 0;

    // Act
    const { logs } = await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));

    // Assess
    expect(await recordedFolders(SOURCE_PREFIX)).toHaveLength(4);
    expect(logs.find((l) => l.reconciliation === 'finished')).toMatchObject({ completedExports: 4, checkedExports: 0, handedOver: 0 });
    expect(sourceS3).toEqual([`GetObject ${verifiedRecordKey(SOURCE_PREFIX)}`]);
  });

  it('a forged handover (another account’s snapshot, written into another source’s folder) and a malformed one are rejected, counted and never verified', async () => {
    // Prepare: the source writes, under its own prefix, claims about what is not its own.
    const at = new Date();
    const other = 'exports/333333333333/billing-db';
    const forgedTask = {
      ExportTaskIdentifier: 'billing-manual-1-0123456789',
      SourceArn: 'arn:aws:rds:us-east-1:333333333333:snapshot:billing-manual-1',
      S3Bucket: BUCKET,
      S3Prefix: other,
      Status: 'COMPLETE',
    };
    const forged = handoverKey(SOURCE_PREFIX, at, forgedTask.ExportTaskIdentifier);
    await putObjects(
      source.s3,
      BUCKET,
      rerootedExport('postgres-all-types', {
        bucket: BUCKET,
        s3Prefix: other,
        exportTaskIdentifier: forgedTask.ExportTaskIdentifier,
        snapshotArn: forgedTask.SourceArn,
        snapshotTime: at,
      }),
    );
    await source.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: forged, Body: formatHandover(buildHandover(forgedTask, SOURCE, at)) }));
    const malformed = handoverKey(SOURCE_PREFIX, new Date(at.getTime() + 1), 'orders-manual-9-0123456789');
    await source.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: malformed, Body: '{"handoverVersion": 1,' }));

    // Act
    const { result, logs } = await logged(() =>
      verifyNotifiedHandovers(objectsOfS3Event(s3Notification([forged, malformed])), VAULT_SETTINGS, new Date(), vault),
    );

    // Assess
    expect(result.failures).toEqual([]);
    expect(result.results).toMatchObject([
      { state: 'rejected', problems: expect.arrayContaining([expect.stringMatching(/a snapshot of account 333333333333, not of account 222222222222/)]) },
      { state: 'rejected', problems: [expect.stringMatching(/not JSON/)] },
    ]);
    expect(logs.filter((l) => l[HANDOVERS_REJECTED] === 1)).toHaveLength(2);
    expect(logs.filter((l) => l.decision === 'rejected')).toHaveLength(2);
    expect(await manifestOf(`${other}/${forgedTask.ExportTaskIdentifier}/`)).toBeUndefined();
    const reported = await notifications();
    expect(reported.map((n) => n.Subject)).toEqual(['RDS snapshot archive: a handover was rejected', 'RDS snapshot archive: a handover was rejected']);
    expect(reported[0]!.Message).toMatch(/a snapshot of account 333333333333, not of account 222222222222/);
  });

  it('with its time budget spent, the hourly run leaves what is left to the next run, which continues from its cursor', async () => {
    // Prepare: a fifth export handed over by the source's reconciliation, its notification lost.
    const fifth = await exportedSnapshot();
    await logged(() => scheduledReconciliation(SOURCE_SETTINGS, new Date(), source));

    // Act
    const { result: spent } = await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault, { budgetMs: 0 }));
    const manifestAfterSpent = await manifestOf(fifth.folder);
    const { result: next } = await logged(() => scheduledVaultVerification(VAULT_SETTINGS, new Date(), vault));

    // Assess
    expect(spent.sources.find((s) => s.sourceAccountId === SOURCE)).toMatchObject({ checked: 0, confirmed: 0, failures: [] });
    expect(spent.sources.find((s) => s.sourceAccountId === SOURCE)!.deferred).toBeGreaterThan(0);
    expect(manifestAfterSpent).toBeUndefined();
    expect(next.sources.find((s) => s.sourceAccountId === SOURCE)).toMatchObject({ deferred: 0, failures: [] });
    expect(await manifestOf(fifth.folder)).toMatchObject({ outcome: 'verified', taskDescription: { from: 'handover', sourceAccountId: SOURCE } });
    expect(await recordedFolders(SOURCE_PREFIX)).toContain(fifth.folder);
  });
});
