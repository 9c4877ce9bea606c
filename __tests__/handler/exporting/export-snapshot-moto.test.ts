// The bundled handler against moto, a real RDS API emulator: events in, export tasks out.
// moto quirks that shape this suite: its StartExportTask mishandles automated-snapshot ARNs
// (…:snapshot:rds:…) and Describe*Snapshots finds snapshots by identifier only, so manual
// snapshots are used here and automated ones are covered by the mocked-SDK tests. moto does not
// check that the bucket, role or key exist (no bucket is created here, and exports start).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskIdentifier, isValidExportTaskIdentifier } from '../../../handler/rules/export-naming';
import type { SnsEvent } from '../../support/fixtures';
import { startMoto, type Moto } from '../../support/moto';
import { createClusterSnapshot, createInstanceSnapshot, exportTasksOf, motoRds, runHandler } from '../../support/moto-rds';
import { snapshotCreatedMessage, snsEvent } from '../../support/exporter-events';
import { motoMissing, requireTool } from '../../support/tools';

const runs = requireTool('handler against moto', motoMissing());
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:rds-archive-test-snapshot-events';
const ENV = {
  ARCHIVE_BUCKET: 'rds-archive-test-123456789012-us-east-1',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-test-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  ARCHIVE_PREFIX: 'exports',
  SNAPSHOT_TYPES: 'automated,manual',
};

/** A "manual snapshot created" event for a moto snapshot, as the snapshot events topic delivers it. */
function snapshotCreatedEvent(kind: 'instance' | 'cluster', snapshotIdentifier: string, snapshotArn: string): SnsEvent {
  return snsEvent(snapshotCreatedMessage(kind, snapshotIdentifier, snapshotArn), { topicArn: TOPIC, messageId: `message-${snapshotIdentifier}` });
}

describe.runIf(runs)('bundled handler against moto', () => {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  /** Asserts the one export task of a snapshot carries the configured destination. */
  async function expectOneExport(snapshotArn: string, database: string): Promise<void> {
    const tasks = await exportTasksOf(motoRds(moto!.endpoint), snapshotArn);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      ExportTaskIdentifier: exportTaskIdentifier(snapshotArn),
      SourceArn: snapshotArn,
      S3Bucket: ENV.ARCHIVE_BUCKET,
      S3Prefix: `exports/${database}`,
      IamRoleArn: ENV.EXPORT_ROLE_ARN,
      KmsKeyId: ENV.EXPORT_KMS_KEY_ARN,
    });
    expect(isValidExportTaskIdentifier(tasks[0]!.ExportTaskIdentifier!), tasks[0]!.ExportTaskIdentifier).toBe(true);
  }

  it.each([
    ['instance', 'orders-db', 'orders-before-migration'],
    ['cluster', 'ledger-cluster', 'ledger-before-upgrade'],
  ] as const)('starts exactly one export for a manual %s snapshot, and still one when the event comes again', async (kind, database, snapshot) => {
    const rds = motoRds(moto!.endpoint);
    const arn = kind === 'cluster' ? await createClusterSnapshot(rds, database, snapshot) : await createInstanceSnapshot(rds, database, snapshot);
    const event = snapshotCreatedEvent(kind, snapshot, arn);

    const first = runHandler(moto!.endpoint, ENV, event);
    expect(first).toMatchObject({ ok: true });
    expect(first.logs).toEqual([expect.objectContaining({ decision: 'started', snapshotArn: arn, exportTaskIdentifier: exportTaskIdentifier(arn) })]);
    await expectOneExport(arn, database);

    const again = runHandler(moto!.endpoint, ENV, event);
    expect(again).toMatchObject({ ok: true });
    expect(again.logs).toEqual([expect.objectContaining({ decision: 'duplicate', snapshotArn: arn })]);
    await expectOneExport(arn, database);
  });

  it('handles every record of one event: an instance and a cluster snapshot, one of them delivered twice', async () => {
    const rds = motoRds(moto!.endpoint);
    const instanceArn = await createInstanceSnapshot(rds, 'billing', 'billing-month-end');
    const clusterArn = await createClusterSnapshot(rds, 'ledger-cluster-2', 'ledger-month-end');
    const instanceEvent = snapshotCreatedEvent('instance', 'billing-month-end', instanceArn);
    const event = { Records: [...instanceEvent.Records, ...snapshotCreatedEvent('cluster', 'ledger-month-end', clusterArn).Records, ...instanceEvent.Records] };

    const run = runHandler(moto!.endpoint, ENV, event);
    expect(run).toMatchObject({ ok: true });
    expect(run.logs.map((l) => [l.decision, l.snapshotArn])).toEqual([
      ['started', instanceArn],
      ['started', clusterArn],
      ['duplicate', instanceArn],
    ]);
    await expectOneExport(instanceArn, 'billing');
    await expectOneExport(clusterArn, 'ledger-cluster-2');
  });

  it('fails the invocation, naming the variable, when the bucket is not configured', () => {
    const { ARCHIVE_BUCKET: _omitted, ...withoutBucket } = ENV;
    const run = runHandler(moto!.endpoint, withoutBucket, snapshotCreatedEvent('instance', 'x', 'arn:aws:rds:us-east-1:123456789012:snapshot:x'));
    expect(run).toMatchObject({ ok: false, error: expect.stringMatching(/^ARCHIVE_BUCKET is required: an S3 bucket name/) });
    expect(run.logs).toEqual([]);
  });
});
