// The handler's flow and error mapping, with the AWS SDK clients mocked.
import {
  DBClusterNotFoundFault,
  DBClusterSnapshotNotFoundFault,
  DBSnapshotNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  DescribeExportTasksCommand,
  ExportTaskAlreadyExistsFault,
  IamRoleMissingPermissionsFault,
  IamRoleNotFoundFault,
  InvalidExportOnlyFault,
  InvalidExportSourceStateFault,
  InvalidS3BucketFault,
  KMSKeyNotAccessibleFault,
  RDSClient,
  StartExportTaskCommand,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportTaskIdentifier } from '../../handler/rules/export-naming';
import { handler } from '../../handler/index';
import { reconcile } from '../../handler/exporting/reconcile';
import { readSettings } from '../../handler/contract/settings';
import { scheduledEvent } from '../support/exporter-events';
import { loadFixture, withMessage, type SnsEvent } from '../support/fixtures';

expect.extend(allCustomMatcher);

const rds = mockClient(RDSClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const ENV = {
  ARCHIVE_BUCKET: 'rds-archive-dev-123456789012-eu-west-1',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-dev-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  ARCHIVE_PREFIX: 'exports',
  SNAPSHOT_TYPES: 'automated,manual',
  NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:rds-archive-dev-notifications',
  ARCHIVE_NAME: 'rds-archive-dev',
};
const MANUAL_ARN = 'arn:aws:rds:eu-west-1:123456789012:snapshot:billing-before-migration';
const AUTOMATED_ARN = 'arn:aws:rds:us-west-2:123456789012:snapshot:rds:orders-db-2019-08-18-10-36';
const CLUSTER_ARN = 'arn:aws:rds:us-east-2:123456789012:cluster-snapshot:rds:ledger-cluster-2021-11-07-17-40';

let logs: Array<Record<string, unknown>>;

function instanceSnapshot(arn: string, database: string, overrides: Partial<DBSnapshot> = {}): DBSnapshot {
  return {
    DBSnapshotArn: arn,
    DBSnapshotIdentifier: arn.split(':snapshot:')[1],
    DBInstanceIdentifier: database,
    Engine: 'postgres',
    StorageType: 'gp3',
    SnapshotType: arn.includes(':snapshot:rds:') ? 'automated' : 'manual',
    Status: 'available',
    SnapshotCreateTime: new Date('2026-11-20T03:00:00Z'),
    ...overrides,
  };
}

function combine(...events: SnsEvent[]): SnsEvent {
  return { Records: events.flatMap((e) => e.Records) };
}

const decisions = () => logs.filter((l) => 'decision' in l);

beforeEach(() => {
  rds.reset();
  sns.reset();
  s3.reset();
  // An empty archive bucket: an export whose files are not there verifies as missing.
  s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ $metadata: {}, message: 'The specified key does not exist.' }));
  s3.on(PutObjectCommand).resolves({});
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  logs = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    logs.push(JSON.parse(String(line)) as Record<string, unknown>);
  });
  rds.on(DescribeExportTasksCommand).resolves({ ExportTasks: [] });
  rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' }).resolves({ DBSnapshots: [instanceSnapshot(MANUAL_ARN, 'billing')] });
  rds
    .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'rds:orders-db-2019-08-18-10-36', SnapshotType: 'automated' })
    .resolves({ DBSnapshots: [instanceSnapshot(AUTOMATED_ARN, 'orders-db')] });
  rds.on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: 'rds:ledger-cluster-2021-11-07-17-40', SnapshotType: 'automated' }).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotArn: CLUSTER_ARN,
        DBClusterSnapshotIdentifier: 'rds:ledger-cluster-2021-11-07-17-40',
        DBClusterIdentifier: 'ledger-cluster',
        Engine: 'aurora-postgresql',
        EngineMode: 'provisioned',
        SnapshotType: 'automated',
        Status: 'available',
      },
    ],
  });
  rds.on(StartExportTaskCommand).resolves({ Status: 'STARTING' });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('snapshot-created events', () => {
  it('start one export of a manual instance snapshot with the configured bucket, role, key and prefix', async () => {
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandWith(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' });
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 1);
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, {
      ExportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN),
      SourceArn: MANUAL_ARN,
      S3BucketName: ENV.ARCHIVE_BUCKET,
      S3Prefix: 'exports/billing',
      IamRoleArn: ENV.EXPORT_ROLE_ARN,
      KmsKeyId: ENV.EXPORT_KMS_KEY_ARN,
    });
    expect(decisions()).toEqual([
      expect.objectContaining({
        decision: 'started',
        snapshotArn: MANUAL_ARN,
        exportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN),
        eventId: 'RDS-EVENT-0042',
      }),
    ]);
  });

  it('describe an automated snapshot with its type and export it under the ARN derived from the topic', async () => {
    await handler(loadFixture('automated-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, {
      SourceArn: AUTOMATED_ARN,
      S3Prefix: 'exports/orders-db',
      ExportTaskIdentifier: expect.stringMatching(/^rds-orders-db-2019-08-18-10-36-[0-9a-f]{10}$/),
    });
  });

  it('export an Aurora cluster snapshot as a cluster snapshot', async () => {
    await handler(loadFixture('automated-cluster-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandTimes(DescribeDBSnapshotsCommand, 0);
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, { SourceArn: CLUSTER_ARN, S3Prefix: 'exports/ledger-cluster' });
  });

  it('pass ExportOnly when configured, and leave it out otherwise', async () => {
    vi.stubEnv('EXPORT_ONLY', 'billing.public');
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, { ExportOnly: ['billing.public'] });
    rds.resetHistory();
    vi.stubEnv('EXPORT_ONLY', '');
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds.commandCalls(StartExportTaskCommand)[0]!.args[0].input).not.toHaveProperty('ExportOnly');
  });

  it('handle every record: creating events, non-snapshot events and non-JSON messages start nothing, the rest start once each', async () => {
    await handler(
      combine(
        loadFixture('creating-automated-snapshot.json'),
        loadFixture('manual-snapshot-created.json'),
        loadFixture('instance-backup-finished.json'),
        loadFixture('not-json-message.json'),
        loadFixture('automated-cluster-snapshot-created.json'),
      ),
    );
    expect(rds.commandCalls(StartExportTaskCommand).map((c) => c.args[0].input.SourceArn)).toEqual([MANUAL_ARN, CLUSTER_ARN]);
    expect(decisions().map((d) => d.decision)).toEqual(['ignored', 'started', 'ignored', 'ignored', 'started']);
  });

  it('count a re-delivered event (ExportTaskAlreadyExists) as success', async () => {
    rds.on(StartExportTaskCommand).rejects(new ExportTaskAlreadyExistsFault({ $metadata: {}, message: 'exists' }));
    await expect(handler(loadFixture('manual-snapshot-created.json'))).resolves.toBeUndefined();
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'duplicate', snapshotArn: MANUAL_ARN })]);
  });

  it('defer without error when every export slot is taken, leaving it to the reconciliation', async () => {
    rds
      .on(DescribeExportTasksCommand)
      .resolves({ ExportTasks: Array.from({ length: 5 }, (_, i) => ({ ExportTaskIdentifier: `other-${i}`, Status: 'IN_PROGRESS' })) });
    await expect(handler(loadFixture('manual-snapshot-created.json'))).resolves.toBeUndefined();
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
    expect(rds).toHaveReceivedCommandWith(DescribeExportTasksCommand, { Filters: [{ Name: 'status', Values: ['starting', 'in_progress', 'canceling'] }] });
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'deferred', reason: expect.stringMatching(/5 exports are running/) })]);
  });
});

describe('selection', () => {
  it('skips an excluded database with the reason', async () => {
    vi.stubEnv('EXCLUDE_DATABASES', 'bill*');
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'skipped', reason: 'database "billing" matches EXCLUDE_DATABASES pattern "bill*"' })]);
  });

  it('skips a snapshot type that is not configured', async () => {
    vi.stubEnv('SNAPSHOT_TYPES', 'automated');
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
  });

  it('reports an engine that cannot be exported to the notifications topic', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' })
      .resolves({ DBSnapshots: [instanceSnapshot(MANUAL_ARN, 'billing', { Engine: 'sqlserver-se' })] });
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: ENV.NOTIFY_TOPIC_ARN,
      Message: expect.stringMatching(/database billing was not exported: SQL Server/),
    });
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'reported', engine: 'sqlserver-se' })]);
  });

  it('only logs an unsupported engine when no notifications topic is set', async () => {
    vi.stubEnv('NOTIFY_TOPIC_ARN', '');
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' })
      .resolves({ DBSnapshots: [instanceSnapshot(MANUAL_ARN, 'billing', { Engine: 'oracle-ee' })] });
    await handler(loadFixture('manual-snapshot-created.json'));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'skipped', reason: expect.stringMatching(/Oracle/) })]);
  });

  it('skips a snapshot deleted since its event', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' })
      .rejects(new DBSnapshotNotFoundFault({ $metadata: {}, message: 'not found' }));
    await expect(handler(loadFixture('manual-snapshot-created.json'))).resolves.toBeUndefined();
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'skipped', reason: expect.stringMatching(/no longer exists/) })]);
  });
});

describe('failures are loud', () => {
  const meta = { $metadata: {}, message: 'from RDS' };
  it.each([
    ['IamRoleNotFoundFault', () => new IamRoleNotFoundFault(meta), /EXPORT_ROLE_ARN names a role that does not exist/],
    ['IamRoleMissingPermissionsFault', () => new IamRoleMissingPermissionsFault(meta), /export role cannot write the export/],
    ['InvalidS3BucketFault', () => new InvalidS3BucketFault(meta), /ARCHIVE_BUCKET does not exist/],
    ['KMSKeyNotAccessibleFault', () => new KMSKeyNotAccessibleFault(meta), /EXPORT_KMS_KEY_ARN is disabled/],
    ['InvalidExportOnlyFault', () => new InvalidExportOnlyFault(meta), /EXPORT_ONLY names/],
    [
      'AccessDenied',
      () => Object.assign(new Error('not authorized to perform rds:StartExportTask'), { name: 'AccessDenied', $fault: 'client' }),
      /role lacks a permission/,
    ],
    ['InvalidExportSourceStateFault (not exportable yet)', () => new InvalidExportSourceStateFault(meta), /InvalidExportSourceStateFault/],
    [
      'throttling',
      () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $retryable: { throttling: true } }),
      /ThrottlingException/,
    ],
    ['a server error', () => Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $fault: 'server' }), /InternalFailure/],
    ['an error nobody expected', () => Object.assign(new Error('??'), { name: 'SomethingNew', $fault: 'client' }), /SomethingNew/],
  ])('%s fails the invocation with a message that says what is wrong', async (_name, makeError, message) => {
    rds.on(StartExportTaskCommand).rejects(makeError());
    await expect(handler(loadFixture('manual-snapshot-created.json'))).rejects.toThrow(message);
    expect(decisions()).toEqual([
      expect.objectContaining({ snapshotArn: MANUAL_ARN, decision: expect.stringMatching(/^(retry|failed)$/), reason: expect.stringMatching(message) }),
    ]);
  });

  it('retries a snapshot that is not available yet', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' })
      .resolves({ DBSnapshots: [instanceSnapshot(MANUAL_ARN, 'billing', { Status: 'creating' })] });
    await expect(handler(loadFixture('manual-snapshot-created.json'))).rejects.toThrow(/not yet "available"/);
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
  });

  it('handles every other record before failing', async () => {
    rds.on(StartExportTaskCommand, { SourceArn: MANUAL_ARN }).rejects(new KMSKeyNotAccessibleFault(meta));
    const second = withMessage('manual-snapshot-created.json', (m) => {
      m['Source ID'] = 'rds:orders-db-2019-08-18-10-36';
      m['Source ARN'] = AUTOMATED_ARN;
      m['Event ID'] = 'http://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0091';
    });
    await expect(handler(combine(loadFixture('manual-snapshot-created.json'), second))).rejects.toThrow(/1 of 2 snapshot event\(s\) not handled/);
    expect(rds.commandCalls(StartExportTaskCommand).map((c) => c.args[0].input.SourceArn)).toEqual([MANUAL_ARN, AUTOMATED_ARN]);
    expect(decisions().map((d) => d.decision)).toEqual(['failed', 'started']);
  });

  it('fails on a missing setting, naming it, before calling AWS', async () => {
    vi.stubEnv('EXPORT_ROLE_ARN', '');
    await expect(handler(loadFixture('manual-snapshot-created.json'))).rejects.toThrow(/^EXPORT_ROLE_ARN is required/);
    expect(rds.calls()).toHaveLength(0);
  });

  it('logs and ignores an event that is neither SNS nor scheduled', async () => {
    await expect(handler({ hello: 'world' })).resolves.toBeUndefined();
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'ignored' })]);
  });
});

describe('export outcome events', () => {
  const outcome = (eventNumber: string) =>
    withMessage('manual-snapshot-created.json', (m) => {
      m['Event ID'] = `http://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-${eventNumber}`;
      m['Event Message'] = 'Snapshot export task failed.';
    });

  it('report a failed export with its cause and the retry to come', async () => {
    rds.on(DescribeExportTasksCommand, { Filters: [{ Name: 'source-arn', Values: [MANUAL_ARN] }] }).resolves({
      ExportTasks: [
        { ExportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN, 1), SourceArn: MANUAL_ARN, Status: 'FAILED', FailureCause: 'The IAM role lacks s3:PutObject' },
      ],
    });
    await handler(outcome('0159'));
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: ENV.NOTIFY_TOPIC_ARN,
      Message: expect.stringMatching(
        /failed \(attempt 1 of 3\)\.\nCause: The IAM role lacks s3:PutObject\nNext: the next reconciliation starts attempt 2 of 3/,
      ),
    });
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'reported', willRetry: true })]);
  });

  it('say when the last attempt failed and nothing more will happen', async () => {
    rds.on(DescribeExportTasksCommand, { Filters: [{ Name: 'source-arn', Values: [MANUAL_ARN] }] }).resolves({
      ExportTasks: [1, 2, 3].map((n) => ({
        ExportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN, n),
        SourceArn: MANUAL_ARN,
        Status: n === 3 ? 'CANCELED' : 'FAILED',
      })),
    });
    await handler(outcome('0160'));
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      Message: expect.stringMatching(
        /was canceled \(attempt 3 of 3\)[\s\S]*Next: nothing\. All 3 attempts have failed; fix the cause, then retry with "MAX_EXPORT_ATTEMPTS=4 npm run archive -- backfill/,
      ),
    });
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'gave-up', willRetry: false })]);
  });

  it('emit metrics for a completed export, verify it, and report it once when its files are missing', async () => {
    // Prepare
    rds.on(DescribeExportTasksCommand, { Filters: [{ Name: 'source-arn', Values: [MANUAL_ARN] }] }).resolves({
      ExportTasks: [
        {
          ExportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN, 1),
          SourceArn: MANUAL_ARN,
          Status: 'COMPLETE',
          TotalExtractedDataInGB: 2,
          S3Bucket: ENV.ARCHIVE_BUCKET,
          S3Prefix: 'exports/billing',
        },
      ],
    });

    // Act
    await handler(outcome('0161'));

    // Assess
    const metric = logs.find((l) => 'ExportsCompleted' in l)!;
    expect(metric).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'RdsSnapshotArchive',
            Dimensions: [['Archive']],
            Metrics: [
              { Name: 'ExportsCompleted', Unit: 'Count' },
              { Name: 'ExportedBytes', Unit: 'Bytes' },
            ],
          },
        ],
      },
      Archive: 'rds-archive-dev',
      ExportsCompleted: 1,
      ExportedBytes: 2 * 1024 ** 3,
    });
    const manifestKey = `exports/billing/${exportTaskIdentifier(MANUAL_ARN, 1)}/archive-manifest.json`;
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: ENV.ARCHIVE_BUCKET, Key: manifestKey, IfNoneMatch: '*' });
    expect(logs.find((l) => 'ExportsIncomplete' in l)).toMatchObject({ ExportsIncomplete: 1, ExportsVerified: 0 });
    expect(decisions().find((d) => d.decision === 'exported')).toMatchObject({ outcome: 'missing', manifestWritten: true });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('a completed export whose verification cannot reach S3 fails the invocation for a retry', async () => {
    rds.on(DescribeExportTasksCommand, { Filters: [{ Name: 'source-arn', Values: [MANUAL_ARN] }] }).resolves({
      ExportTasks: [
        {
          ExportTaskIdentifier: exportTaskIdentifier(MANUAL_ARN, 1),
          SourceArn: MANUAL_ARN,
          Status: 'COMPLETE',
          S3Bucket: ENV.ARCHIVE_BUCKET,
          S3Prefix: 'exports/billing',
        },
      ],
    });
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    await expect(handler(outcome('0161'))).rejects.toThrow(/export complete, but verifying or cataloguing it failed/);
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'retry' })]);
  });

  it("never takes another snapshot's export for this one's, even from a service that ignores the source filter", async () => {
    // Prepare: the answer holds only another snapshot's export, as an emulator that ignores filters gives.
    const other = 'arn:aws:rds:eu-west-1:123456789012:snapshot:orders-manual-1';
    rds.on(DescribeExportTasksCommand).resolves({
      ExportTasks: [
        {
          ExportTaskIdentifier: exportTaskIdentifier(other, 1),
          SourceArn: other,
          Status: 'COMPLETE',
          S3Bucket: ENV.ARCHIVE_BUCKET,
          S3Prefix: 'exports/orders',
        },
      ],
    });

    // Act
    await handler(outcome('0161'));

    // Assess
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'ignored', snapshotArn: MANUAL_ARN })]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('ignore outcomes of exports this archive did not start', async () => {
    rds
      .on(DescribeExportTasksCommand, { Filters: [{ Name: 'source-arn', Values: [MANUAL_ARN] }] })
      .resolves({ ExportTasks: [{ ExportTaskIdentifier: 'someone-else', SourceArn: MANUAL_ARN, Status: 'FAILED' }] });
    await handler(outcome('0159'));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'ignored' })]);
  });
});

describe('scheduled reconciliation', () => {
  const scheduled = scheduledEvent({ time: new Date('2026-11-25T01:00:00Z'), region: 'eu-west-1' });
  const recent = (name: string, day: number): DBSnapshot =>
    instanceSnapshot(`arn:aws:rds:eu-west-1:123456789012:snapshot:${name}`, name.replace(/^rds:/, '').replace(/-\d+$/, ''), {
      SnapshotCreateTime: new Date(Date.now() - day * 86_400_000),
    });

  it('starts what has no export, oldest first, and emits its heartbeat', async () => {
    const old = recent('rds:orders-db-3', 3);
    const older = recent('billing-1', 5);
    const exported = recent('rds:ledger-2', 2);
    const outOfWindow = recent('rds:orders-db-30', 30);
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [old, exported, outOfWindow] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [older] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds.on(DescribeExportTasksCommand).resolves({
      ExportTasks: [{ ExportTaskIdentifier: exportTaskIdentifier(exported.DBSnapshotArn!), SourceArn: exported.DBSnapshotArn, Status: 'COMPLETE' }],
    });
    await handler(scheduled);
    expect(rds.commandCalls(StartExportTaskCommand).map((c) => c.args[0].input.SourceArn)).toEqual([older.DBSnapshotArn, old.DBSnapshotArn]);
    expect(logs.find((l) => 'ReconciliationSucceeded' in l)).toMatchObject({ Archive: 'rds-archive-dev', ReconciliationSucceeded: 1 });
  });

  it('fails (no heartbeat) when a start is misconfigured', async () => {
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [recent('rds:orders-db-3', 3)] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds.on(StartExportTaskCommand).rejects(new IamRoleNotFoundFault({ $metadata: {}, message: 'no role' }));
    await expect(handler(scheduled)).rejects.toThrow(/EXPORT_ROLE_ARN names a role that does not exist/);
    expect(logs.find((l) => 'ReconciliationSucceeded' in l)).toBeUndefined();
  });

  it.each([
    ['throttled', () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } })],
    ['a 503', () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } })],
  ])('emits no heartbeat when a due start was %s, and logs the failure', async (_label, fault) => {
    // Prepare
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [recent('rds:orders-db-3', 3), recent('rds:billing-2', 2)] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds.on(StartExportTaskCommand).resolvesOnce({ Status: 'STARTING' }).rejects(fault());

    // Act
    await handler(scheduled);

    // Assess: one started, one failed and logged; the run says so and sends no heartbeat.
    expect(
      decisions()
        .map((d) => d.decision)
        .sort(),
    ).toEqual(['retry', 'started']);
    expect(logs.find((l) => l.reconciliation === 'finished')).toMatchObject({ level: 'WARN', failedStarts: 1 });
    expect(logs.find((l) => 'ReconciliationSucceeded' in l)).toBeUndefined();
  });

  it('reports the age of a due snapshot without an export as ArchiveLagHours, overall and for its database', async () => {
    // Prepare: five foreign exports fill the quota, so the 3-day-old snapshot stays unexported.
    const stuck = recent('rds:orders-db-3', 3);
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [stuck] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds.on(DescribeExportTasksCommand).resolves({
      ExportTasks: Array.from({ length: 5 }, (_, i) => ({
        ExportTaskIdentifier: `foreign-${i}`,
        SourceArn: `arn:aws:rds:eu-west-1:123456789012:snapshot:other-${i}`,
        Status: 'IN_PROGRESS',
      })),
    });

    // Act
    await handler(scheduled);

    // Assess
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
    const lag = logs.filter((l) => 'ArchiveLagHours' in l);
    expect(lag.find((l) => !('Database' in l))!.ArchiveLagHours).toBeCloseTo(72, 0);
    expect(lag.find((l) => l.Database === 'orders-db')).toMatchObject({
      Archive: 'rds-archive-dev',
      _aws: { CloudWatchMetrics: [{ Dimensions: [['Archive', 'Database']] }] },
    });
  });

  it('reports ArchiveLagHours 0 when every due snapshot has a complete export', async () => {
    const done = recent('rds:orders-db-3', 3);
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [done] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds
      .on(DescribeExportTasksCommand)
      .resolves({ ExportTasks: [{ ExportTaskIdentifier: exportTaskIdentifier(done.DBSnapshotArn!), SourceArn: done.DBSnapshotArn, Status: 'COMPLETE' }] });
    await handler(scheduled);
    expect(logs.filter((l) => 'ArchiveLagHours' in l)).toEqual([expect.objectContaining({ ArchiveLagHours: 0 })]);
  });

  it('still sends its heartbeat when a start waits for a free export slot', async () => {
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' }).resolves({ DBSnapshots: [recent('rds:orders-db-3', 3)] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    rds.on(StartExportTaskCommand).rejects(Object.assign(new Error('quota'), { name: 'ExportTaskLimitReachedFault', $metadata: { httpStatusCode: 400 } }));
    await handler(scheduled);
    expect(logs.find((l) => 'ReconciliationSucceeded' in l)).toMatchObject({ ReconciliationSucceeded: 1 });
  });

  it('narrows the configured selection with a backfill --database pattern, never widens it', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { SnapshotType: 'automated' })
      .resolves({ DBSnapshots: [recent('rds:orders-db-3', 3), recent('rds:orders-test-3', 3), recent('rds:billing-2', 2)] });
    rds.on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' }).resolves({ DBSnapshots: [] });
    rds.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    vi.stubEnv('EXCLUDE_DATABASES', '*-test');
    const result = await reconcile(readSettings(process.env), { since: new Date(Date.now() - 7 * 86_400_000), databasePattern: 'orders-*', dryRun: true });
    expect(result.plan.toStart.map((s) => s.snapshotArn)).toEqual(['arn:aws:rds:eu-west-1:123456789012:snapshot:rds:orders-db-3']);
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
  });
});

describe('edge cases of the event flow', () => {
  it('starts one export when the same record comes twice in one event, and counts the second as a duplicate', async () => {
    // RDS keeps the first export; a second start under the same identifier is refused.
    rds
      .on(StartExportTaskCommand)
      .resolvesOnce({ Status: 'STARTING' })
      .rejects(new ExportTaskAlreadyExistsFault({ $metadata: {}, message: 'exists' }));
    await expect(handler(combine(loadFixture('manual-snapshot-created.json'), loadFixture('manual-snapshot-created.json')))).resolves.toBeUndefined();
    const identifiers = rds.commandCalls(StartExportTaskCommand).map((c) => c.args[0].input.ExportTaskIdentifier);
    expect(identifiers).toEqual([exportTaskIdentifier(MANUAL_ARN), exportTaskIdentifier(MANUAL_ARN)]);
    expect(decisions().map((d) => d.decision)).toEqual(['started', 'duplicate']);
  });

  it('describes an AWS Backup snapshot with its type and exports it when SNAPSHOT_TYPES includes awsbackup', async () => {
    vi.stubEnv('SNAPSHOT_TYPES', 'awsbackup');
    const arn = 'arn:aws:rds:eu-west-1:123456789012:snapshot:awsbackup:job-0f3c2e6b-1a2b-4c3d-9e8f-001122334455';
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'awsbackup:job-0f3c2e6b-1a2b-4c3d-9e8f-001122334455', SnapshotType: 'awsbackup' }).resolves({
      DBSnapshots: [instanceSnapshot(arn, 'billing', { SnapshotType: 'awsbackup' })],
    });
    const event = withMessage('manual-snapshot-created.json', (m) => {
      m['Source ID'] = 'awsbackup:job-0f3c2e6b-1a2b-4c3d-9e8f-001122334455';
      m['Source ARN'] = arn;
    });
    await handler(event);
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, {
      SourceArn: arn,
      ExportTaskIdentifier: expect.stringMatching(/^awsbackup-job-0f3c2e6b-[a-z0-9-]+-[0-9a-f]{10}$/),
    });
  });

  it('reads the event id from the EventID message attribute when the Event ID URL has none', async () => {
    const event = withMessage('manual-snapshot-created.json', (m) => {
      m['Event ID'] = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html';
    });
    event.Records[0]!.Sns.MessageAttributes = { EventID: { Type: 'String', Value: 'RDS-EVENT-0042' } };
    await handler(event);
    expect(decisions()).toEqual([expect.objectContaining({ decision: 'started', eventId: 'RDS-EVENT-0042', snapshotArn: MANUAL_ARN })]);
  });

  it('exports under the ARN derived from an aws-cn topic when RDS reports none', async () => {
    const event = loadFixture('automated-snapshot-created.json');
    event.Records[0]!.Sns.TopicArn = 'arn:aws-cn:sns:cn-north-1:123456789012:rds-snapshot-events';
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'rds:orders-db-2019-08-18-10-36', SnapshotType: 'automated' }).resolves({
      DBSnapshots: [instanceSnapshot(AUTOMATED_ARN, 'orders-db', { DBSnapshotArn: undefined })],
    });
    await handler(event);
    expect(rds).toHaveReceivedCommandWith(StartExportTaskCommand, {
      SourceArn: 'arn:aws-cn:rds:cn-north-1:123456789012:snapshot:rds:orders-db-2019-08-18-10-36',
    });
  });

  it('retries a throttled describe after handling the other records', async () => {
    rds
      .on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $fault: 'client', $retryable: { throttling: true } }));
    await expect(handler(combine(loadFixture('manual-snapshot-created.json'), loadFixture('automated-cluster-snapshot-created.json')))).rejects.toThrow(
      /^1 of 2 snapshot event\(s\) not handled: arn:aws:rds:eu-west-1:123456789012:snapshot:billing-before-migration: describing the snapshot failed: Throttling/,
    );
    expect(rds.commandCalls(StartExportTaskCommand).map((c) => c.args[0].input.SourceArn)).toEqual([CLUSTER_ARN]);
    expect(decisions().map((d) => d.decision)).toEqual(['retry', 'started']);
  });

  it('skips a cluster snapshot deleted since its event, and one RDS no longer lists', async () => {
    rds.on(DescribeDBClusterSnapshotsCommand).rejects(new DBClusterSnapshotNotFoundFault({ $metadata: {}, message: 'not found' }));
    rds.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: 'billing-before-migration' }).resolves({ DBSnapshots: [] });
    await expect(
      handler(combine(loadFixture('automated-cluster-snapshot-created.json'), loadFixture('manual-snapshot-created.json'))),
    ).resolves.toBeUndefined();
    expect(rds).toHaveReceivedCommandTimes(StartExportTaskCommand, 0);
    expect(decisions()).toEqual([
      expect.objectContaining({ decision: 'skipped', snapshotArn: CLUSTER_ARN, reason: expect.stringMatching(/no longer exists/) }),
      expect.objectContaining({ decision: 'skipped', snapshotArn: MANUAL_ARN, reason: expect.stringMatching(/does not list the snapshot/) }),
    ]);
  });

  it('skips a snapshot whose DB cluster RDS says is gone when the export starts', async () => {
    rds.on(StartExportTaskCommand).rejects(new DBClusterNotFoundFault({ $metadata: {}, message: 'no cluster' }));
    await expect(handler(loadFixture('automated-cluster-snapshot-created.json'))).resolves.toBeUndefined();
    expect(decisions()).toEqual([
      expect.objectContaining({
        decision: 'skipped',
        exportTaskIdentifier: exportTaskIdentifier(CLUSTER_ARN),
        reason: expect.stringMatching(/DB cluster no longer exists/),
      }),
    ]);
  });

  it('writes one log line per record', async () => {
    await handler(combine(loadFixture('manual-snapshot-created.json'), loadFixture('creating-automated-snapshot.json'), loadFixture('not-json-message.json')));
    expect(logs).toHaveLength(3);
    expect(logs.map((l) => l.messageId)).toEqual([
      '5f1e2c3a-9b8d-5e7f-a6b5-c4d3e2f1a0b9',
      '0a4b7d1e-35c2-5a61-8f0c-6f2b1d9e4c11',
      '1c2d3e4f-5a6b-5c7d-8e9f-0a1b2c3d4e5f',
    ]);
  });
});
