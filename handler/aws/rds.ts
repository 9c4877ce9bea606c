// The RDS calls. The client lives at module scope (reused across warm invocations) and uses the
// SDK's standard region, endpoint and credential resolution, so AWS_ENDPOINT_URL reaches an
// emulator; every call takes another client as its last argument (AwsClients, clients.ts).
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
import type { SnapshotKind } from '../rules/rds-event';
import { mapWithConcurrency } from '../common/concurrency';
import { awsErrorName } from './errors';
import { snapshotTypeOfIdentifier, type SnapshotInfo } from '../rules/selection';
import { handlerClientSettings } from './client-settings';

/** The RDS client of every call here (client-settings.ts: attempts and timeouts). */
export const rds = new RDSClient(handlerClientSettings());

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
    sizeGb: s.AllocatedStorage,
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
    sizeGb: s.AllocatedStorage,
  };
}

/**
 * Describes one snapshot by identifier (RDS needs the type as well for automated and AWS Backup
 * snapshots). Returns undefined when RDS lists nothing; throws the SDK's error otherwise.
 */
export async function describeSnapshot(kind: SnapshotKind, snapshotIdentifier: string, client: RDSClient = rds): Promise<SnapshotInfo | undefined> {
  const SnapshotType = snapshotTypeOfIdentifier(snapshotIdentifier);
  if (kind === 'cluster') {
    const out = await client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotIdentifier, SnapshotType }));
    const found = out.DBClusterSnapshots?.[0];
    return found === undefined ? undefined : clusterSnapshotInfo(found);
  }
  const out = await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotIdentifier, SnapshotType }));
  const found = out.DBSnapshots?.[0];
  return found === undefined ? undefined : instanceSnapshotInfo(found);
}

/** Which snapshots to list: all of the region, or one database's. */
export interface SnapshotScope {
  /** Only this DB instance's or cluster's snapshots. @default every database */
  readonly database?: string;
}

/** Every instance and cluster snapshot of the given types in the region (or of one database), following pagination. */
export async function listSnapshots(types: readonly string[], scope: SnapshotScope = {}, client: RDSClient = rds): Promise<SnapshotInfo[]> {
  const instances = async (SnapshotType: string): Promise<SnapshotInfo[]> => {
    const found: SnapshotInfo[] = [];
    let marker: string | undefined;
    do {
      const out: DescribeDBSnapshotsCommandOutput = await client.send(
        new DescribeDBSnapshotsCommand({ SnapshotType, DBInstanceIdentifier: scope.database, Marker: marker, MaxRecords: 100 }),
      );
      found.push(...(out.DBSnapshots ?? []).map(instanceSnapshotInfo));
      marker = out.Marker;
    } while (marker);
    return found;
  };
  const clusters = async (SnapshotType: string): Promise<SnapshotInfo[]> => {
    const found: SnapshotInfo[] = [];
    let marker: string | undefined;
    do {
      const out: DescribeDBClusterSnapshotsCommandOutput = await client.send(
        new DescribeDBClusterSnapshotsCommand({ SnapshotType, DBClusterIdentifier: scope.database, Marker: marker, MaxRecords: 100 }),
      );
      found.push(...(out.DBClusterSnapshots ?? []).map(clusterSnapshotInfo));
      marker = out.Marker;
    } while (marker);
    return found;
  };
  // Each type's instance and cluster pages are one chain of calls (a page names the next); the
  // chains run side by side, so a large account waits for its longest chain, not for all of them.
  const chains = await Promise.all(types.flatMap((type) => [instances(type), clusters(type)]));
  const snapshots = chains.flat();
  // A database filter matches an instance or a cluster of that name; keep exactly that name.
  return scope.database === undefined ? snapshots : snapshots.filter((s) => s.databaseIdentifier.toLowerCase() === scope.database!.toLowerCase());
}

/** Export tasks of the region (all, one snapshot's, those in some states, or into one bucket), following pagination. */
export async function listExportTasks(sourceArn?: string, statuses?: readonly string[], bucket?: string, client: RDSClient = rds): Promise<ExportTask[]> {
  const filters = [
    ...(statuses === undefined ? [] : [{ Name: 'status', Values: [...statuses] }]),
    ...(bucket === undefined ? [] : [{ Name: 's3-bucket', Values: [bucket] }]),
  ];
  return describeExportTasks({ SourceArn: sourceArn, Filters: filters.length === 0 ? undefined : filters }, client);
}

async function describeExportTasks(input: { SourceArn?: string; Filters?: { Name: string; Values: string[] }[] }, client: RDSClient): Promise<ExportTask[]> {
  const tasks: ExportTask[] = [];
  let marker: string | undefined;
  do {
    const out: DescribeExportTasksCommandOutput = await client.send(new DescribeExportTasksCommand({ ...input, Marker: marker, MaxRecords: 100 }));
    tasks.push(...(out.ExportTasks ?? []));
    marker = out.Marker;
  } while (marker);
  return tasks;
}

/** Values per filter in one DescribeExportTasks call: a page then holds every task of a batch. */
export const FILTER_BATCH_SIZE = 25;

/**
 * The export tasks whose `field` (source ARN or task identifier) is one of `values`: batched
 * filter calls, so the cost grows with the values asked about, not with the account's export
 * history. Results are checked against the values here, so a service that ignores the filter costs
 * time, never correctness. A service that refuses several values in one filter is asked one at a time.
 */
export async function findExportTasks(
  field: 'source-arn' | 'export-task-identifier',
  values: readonly string[],
  client: RDSClient = rds,
): Promise<ExportTask[]> {
  const wanted = new Set(values);
  const key = (task: ExportTask) => (field === 'source-arn' ? task.SourceArn : task.ExportTaskIdentifier) ?? '';
  const batches: string[][] = [];
  const unique = [...wanted];
  for (let i = 0; i < unique.length; i += FILTER_BATCH_SIZE) batches.push(unique.slice(i, i + FILTER_BATCH_SIZE));
  const found = await mapWithConcurrency(batches, 4, async (batch) => {
    try {
      return await describeExportTasks({ Filters: [{ Name: field, Values: batch }] }, client);
    } catch (error) {
      if (batch.length === 1 || !/InvalidParameter/.test(awsErrorName(error))) throw error;
      const single = await mapWithConcurrency(batch, 4, (value) => describeExportTasks({ Filters: [{ Name: field, Values: [value] }] }, client));
      return single.flat();
    }
  });
  const seen = new Set<string>();
  return found.flat().filter((task) => {
    const id = task.ExportTaskIdentifier ?? '';
    if (!wanted.has(key(task)) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Export tasks running now, ours or not: they share the account's quota. */
export async function countRunningExports(client: RDSClient = rds): Promise<number> {
  // The filter saves paging through years of finished exports; the count below does not rely on it.
  const tasks = await listExportTasks(undefined, ['starting', 'in_progress', 'canceling'], undefined, client);
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
export async function startExport(request: ExportRequest, client: RDSClient = rds): Promise<void> {
  await client.send(
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
