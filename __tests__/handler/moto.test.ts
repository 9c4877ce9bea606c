// The bundled handler against moto, a real RDS API emulator: events in, export tasks out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskIdentifier, isValidExportTaskIdentifier } from '../../handler/export-naming';
import { motoMissing, requireTool } from '../support/tools';
import { startMoto, type Moto } from '../support/moto';
import { createClusterSnapshot, createInstanceSnapshot, exportTasksOf, motoRds, runHandler, snapshotCreatedMessage, snsEventFor } from '../support/moto-rds';

const runs = requireTool('handler against moto', motoMissing());
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:rds-archive-test-snapshot-events';
const ENV = {
  ARCHIVE_BUCKET: 'rds-archive-test-123456789012-us-east-1',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-test-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  ARCHIVE_PREFIX: 'exports',
  SNAPSHOT_TYPES: 'automated,manual',
};

describe.runIf(runs)('bundled handler against moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it.each([
    ['instance', 'orders-db', 'orders-before-migration'],
    ['cluster', 'ledger-cluster', 'ledger-before-upgrade'],
  ] as const)('starts exactly one export for a manual %s snapshot, and still one when the event comes again', async (kind, database, snapshot) => {
    const rds = motoRds(moto.endpoint);
    const arn = kind === 'cluster' ? await createClusterSnapshot(rds, database, snapshot) : await createInstanceSnapshot(rds, database, snapshot);
    const event = snsEventFor(TOPIC, snapshotCreatedMessage(kind, snapshot, arn), `message-${snapshot}`);

    const first = runHandler(moto.endpoint, ENV, event);
    expect(first).toMatchObject({ ok: true });
    expect(first.logs).toEqual([expect.objectContaining({ decision: 'started', snapshotArn: arn })]);
    const tasks = await exportTasksOf(rds, arn);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      ExportTaskIdentifier: exportTaskIdentifier(arn),
      SourceArn: arn,
      S3Bucket: ENV.ARCHIVE_BUCKET,
      S3Prefix: `exports/${database}`,
      IamRoleArn: ENV.EXPORT_ROLE_ARN,
      KmsKeyId: ENV.EXPORT_KMS_KEY_ARN,
    });
    expect(isValidExportTaskIdentifier(tasks[0]!.ExportTaskIdentifier!)).toBe(true);

    const again = runHandler(moto.endpoint, ENV, event);
    expect(again).toMatchObject({ ok: true });
    expect(again.logs).toEqual([expect.objectContaining({ decision: 'duplicate', snapshotArn: arn })]);
    expect(await exportTasksOf(rds, arn)).toHaveLength(1);
  });

  it('fails the invocation, naming the variable, when the bucket is not configured', () => {
    const { ARCHIVE_BUCKET: _omitted, ...withoutBucket } = ENV;
    const run = runHandler(moto.endpoint, withoutBucket, snsEventFor(TOPIC, snapshotCreatedMessage('instance', 'x', 'arn:aws:rds:us-east-1:123456789012:snapshot:x'), 'm'));
    expect(run).toMatchObject({ ok: false, error: expect.stringMatching(/^ARCHIVE_BUCKET is required/) });
  });
});
