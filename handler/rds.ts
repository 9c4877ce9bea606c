// The AWS calls. SDK clients live at module scope (reused across warm invocations) and use the
// SDK's standard region, endpoint and credential resolution, so AWS_ENDPOINT_URL reaches an emulator.
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  DescribeExportTasksCommand,
  RDSClient,
  StartExportTaskCommand,
  type DBClusterSnapshot,
  type DescribeDBClusterSnapshotsCommandOutput,
  type DescribeDBSnapshotsCommandOutput,
  type DescribeExportTasksCommandOutput,
  type DBSnapshot,
  type ExportTask,
} from '@aws-sdk/client-rds';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SnapshotKind } from './rds-event';
import { snapshotTypeOfIdentifier, type SnapshotInfo } from './selection';

/**
 * The RDS client of every call here. Region, endpoint (AWS_ENDPOINT_URL for an emulator) and
 * credentials come from the SDK's defaults; five attempts ride out short throttling inside one
 * invocation before the use case calls the snapshot retryable.
 */
export const rds = new RDSClient({ maxAttempts: 5 });

/** The SNS client for notifications; configured like {@link rds}. */
export const sns = new SNSClient({ maxAttempts: 5 });

/** Maps an RDS instance snapshot to the archive's view of it. */
export function instanceSnapshotInfo(s: DBSnapshot): SnapshotInfo {
  return {
    kind: 'instance',
    snapshotArn: s.DBSnapshotArn ?? '',
    snapshotIdentifier: s.DBSnapshotIdentifier ?? '',
    databaseIdentifier: s.DBInstanceIdentifier ?? '',
    engine: s.Engine ?? '',
    storageType: s.StorageType,
    snapshotType: s.SnapshotType ?? '',
    status: s.Status ?? '',
    createdAt: s.SnapshotCreateTime,
  };
}

/** Maps an RDS cluster snapshot to the archive's view of it. */
export function clusterSnapshotInfo(s: DBClusterSnapshot): SnapshotInfo {
  return {
    kind: 'cluster',
    snapshotArn: s.DBClusterSnapshotArn ?? '',
    snapshotIdentifier: s.DBClusterSnapshotIdentifier ?? '',
    databaseIdentifier: s.DBClusterIdentifier ?? '',
    engine: s.Engine ?? '',
    engineMode: s.EngineMode,
    snapshotType: s.SnapshotType ?? '',
    status: s.Status ?? '',
    createdAt: s.SnapshotCreateTime,
  };
}

/**
 * Describes one snapshot by identifier (RDS needs the type as well for automated and AWS Backup
 * snapshots). Returns undefined when RDS lists nothing; throws the SDK's error otherwise.
 */
export async function describeSnapshot(kind: SnapshotKind, snapshotIdentifier: string): Promise<SnapshotInfo | undefined> {
  const SnapshotType = snapshotTypeOfIdentifier(snapshotIdentifier);
  if (kind === 'cluster') {
    const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotIdentifier, SnapshotType }));
    const found = out.DBClusterSnapshots?.[0];
    return found === undefined ? undefined : clusterSnapshotInfo(found);
  }
  const out = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotIdentifier, SnapshotType }));
  const found = out.DBSnapshots?.[0];
  return found === undefined ? undefined : instanceSnapshotInfo(found);
}

/** Every instance and cluster snapshot of the given types in the region, following pagination. */
export async function listSnapshots(types: readonly string[]): Promise<SnapshotInfo[]> {
  const snapshots: SnapshotInfo[] = [];
  for (const SnapshotType of types) {
    let marker: string | undefined;
    do {
      const out: DescribeDBSnapshotsCommandOutput = await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType, Marker: marker, MaxRecords: 100 }));
      snapshots.push(...(out.DBSnapshots ?? []).map(instanceSnapshotInfo));
      marker = out.Marker;
    } while (marker);
    marker = undefined;
    do {
      const out: DescribeDBClusterSnapshotsCommandOutput = await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType, Marker: marker, MaxRecords: 100 }));
      snapshots.push(...(out.DBClusterSnapshots ?? []).map(clusterSnapshotInfo));
      marker = out.Marker;
    } while (marker);
  }
  return snapshots;
}

/** Export tasks of the region (all, one snapshot's, or those in some states), following pagination. */
export async function listExportTasks(sourceArn?: string, statuses?: readonly string[]): Promise<ExportTask[]> {
  const tasks: ExportTask[] = [];
  const Filters = statuses === undefined ? undefined : [{ Name: 'status', Values: [...statuses] }];
  let marker: string | undefined;
  do {
    const out: DescribeExportTasksCommandOutput = await rds.send(new DescribeExportTasksCommand({ SourceArn: sourceArn, Filters, Marker: marker, MaxRecords: 100 }));
    tasks.push(...(out.ExportTasks ?? []));
    marker = out.Marker;
  } while (marker);
  return tasks;
}

/** Export tasks running now, ours or not: they share the account's quota. */
export async function countRunningExports(): Promise<number> {
  // The filter saves paging through years of finished exports; the count below does not rely on it.
  const tasks = await listExportTasks(undefined, ['starting', 'in_progress', 'canceling']);
  return tasks.filter((t) => !['COMPLETE', 'FAILED', 'CANCELED'].includes((t.Status ?? '').toUpperCase())).length;
}

/** The parameters of one export. */
export interface ExportRequest {
  readonly exportTaskIdentifier: string;
  readonly snapshotArn: string;
  readonly bucket: string;
  readonly s3Prefix: string;
  readonly roleArn: string;
  readonly kmsKeyArn: string;
  readonly exportOnly: readonly string[];
}

/** Starts an export; throws the SDK's error (classify it with classifyAwsError). */
export async function startExport(request: ExportRequest): Promise<void> {
  await rds.send(
    new StartExportTaskCommand({
      ExportTaskIdentifier: request.exportTaskIdentifier,
      SourceArn: request.snapshotArn,
      S3BucketName: request.bucket,
      S3Prefix: request.s3Prefix,
      IamRoleArn: request.roleArn,
      KmsKeyId: request.kmsKeyArn,
      ...(request.exportOnly.length > 0 ? { ExportOnly: [...request.exportOnly] } : {}),
    }),
  );
}

/** Tells the operators through the notifications topic. */
export async function notify(topicArn: string, subject: string, message: string): Promise<void> {
  // SNS subjects: at most 100 characters, no line breaks.
  await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.replace(/\s+/g, ' ').slice(0, 100), Message: message }));
}
