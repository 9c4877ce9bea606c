// Snapshot events through the deployed topic start exports: an instance and an Aurora cluster
// snapshot each get exactly one export into the deployed bucket, also when the event comes again.
import { describe, expect, it } from 'vitest';
import { exportTaskIdentifier } from '../../../handler/rules/export-naming';
import { createClusterSnapshot, createInstanceSnapshot, exportTasksOf } from '../../support/moto-rds';
import { snapshotCreatedMessage } from '../../support/exporter-events';
import type { Deployment } from '../support/deployment';
import { step } from '../support/terraform-moto';

/** Snapshot-created events, delivered by the deployed topic, run through the built handler. */
export function eventsToExportsTests(deployment: Deployment): void {
  describe('snapshot events to exports', () => {
    it.each([
      ['instance', 'orders-db', 'orders-manual-1'],
      ['cluster', 'ledger-cluster', 'ledger-manual-1'],
    ] as const)('%s snapshot: an event through the deployed topic starts exactly one export into the deployed bucket', async (kind, database, snapshot) => {
      const { outputs } = deployment;
      const rds = deployment.rds();
      step(`creating ${kind} ${database} and manual snapshot ${snapshot} in moto`);
      const arn = kind === 'cluster' ? await createClusterSnapshot(rds, database, snapshot) : await createInstanceSnapshot(rds, database, snapshot);
      step(`publishing the snapshot-created notification to the deployed topic`);
      const event = await deployment.deliverThroughTopic(snapshotCreatedMessage(kind, snapshot, arn));
      step('running the built handler with the deployed environment');
      const run = deployment.runHandler(event);
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      const tasks = await exportTasksOf(rds, arn);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        ExportTaskIdentifier: exportTaskIdentifier(arn),
        S3Bucket: outputs['archive-bucket'],
        S3Prefix: `exports/${database}`,
        IamRoleArn: outputs['export-role-arn'],
        KmsKeyId: outputs['kms-key-arn'],
      });
      step(`export ${tasks[0]!.ExportTaskIdentifier} started; delivering the same event again`);
      expect(deployment.runHandler(event)).toMatchObject({ ok: true });
      expect(await exportTasksOf(rds, arn)).toHaveLength(1);
    });
  });
}
