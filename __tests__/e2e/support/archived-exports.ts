// The exports the rehearsal archives, for verification and the catalog (issues #10 and #11).
// moto completes exports at once and writes nothing, so each export's files are written here (an
// example export re-rooted into the real export's folder) and the export-completed event RDS
// would send is published through the deployed topic. The verification subject archives them;
// the CLI subject reads them back.
import { GetPartitionsCommand, GetTablesCommand, type Partition, type Table } from '@aws-sdk/client-glue';
import { DescribeDBSnapshotsCommand, type ExportTask } from '@aws-sdk/client-rds';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { glueDatabaseName } from '../../../handler/contract/catalog-names';
import { createInstanceSnapshot, exportTasksOf, type HandlerRun } from '../../support/moto-rds';
import { exportCompletedMessage, snapshotCreatedMessage } from '../../support/exporter-events';
import { putObjects, rerootedExport, subscribeQueue, type ExportFixture, type ExportObject, type TopicQueue } from './archive-exports';
import type { Deployment } from './deployment';
import { step } from './terraform-moto';

/** One export the rehearsal archived. */
export interface ArchivedExport {
  readonly database: string;
  readonly snapshot: string;
  readonly arn: string;
  readonly task: ExportTask;
  /** The moto snapshot's creation time, to the second (export_info's precision). */
  readonly snapshotTime: Date;
  readonly folder: string;
  readonly written: readonly ExportObject[];
  /** The SNS event of its export-completed notification, as the handler received it. */
  completedEvent?: unknown;
}

/** The outcomes verification gives an export. */
export type Outcome = 'verified' | 'incomplete' | 'missing';

/** The rehearsal's archived exports and what reading them back takes. */
export class ArchivedExports {
  /** The export archived for each outcome, once the verification subject has made it. */
  readonly byOutcome: Record<Outcome, ArchivedExport | undefined> = { verified: undefined, incomplete: undefined, missing: undefined };
  /** The conformance corpus's exports, each verified. */
  readonly corpus: ArchivedExport[] = [];
  private queue: TopicQueue | undefined;

  constructor(private readonly deployment: Deployment) {}

  /** The export archived with `outcome`; fails when the subject that makes it did not. */
  get(outcome: Outcome): ArchivedExport {
    const exported = this.byOutcome[outcome];
    if (exported === undefined) throw new Error(`no ${outcome} export was archived (see the verification subject)`);
    return exported;
  }

  /** Subscribes a queue to the deployed notifications topic; what the exporter reports from then on is read with notifications.drain(). */
  async listenToNotifications(): Promise<TopicQueue> {
    this.queue = await subscribeQueue(this.deployment.moto.endpoint, this.deployment.outputs['notifications-topic-arn'], 'rehearsal-notifications');
    return this.queue;
  }

  /** The queue on the notifications topic. */
  get notifications(): TopicQueue {
    if (this.queue === undefined) throw new Error('nothing listens to the notifications topic yet (listenToNotifications)');
    return this.queue;
  }

  /** Creates a snapshot and starts its export the way the rehearsal's first exports started. */
  async startExportThroughTopic(database: string, snapshot: string): Promise<void> {
    const arn = await createInstanceSnapshot(this.deployment.rds(), database, snapshot);
    const run = this.deployment.runHandler(await this.deployment.deliverThroughTopic(snapshotCreatedMessage('instance', snapshot, arn)));
    expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
  }

  /** The export of `snapshot` (started through the deployed topic), with `fixture`'s files written into its folder. */
  async archiveExport(database: string, snapshot: string, fixture: ExportFixture | 'no files'): Promise<ArchivedExport> {
    const rds = this.deployment.rds();
    const described = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }))).DBSnapshots?.[0];
    const arn = described!.DBSnapshotArn!;
    const created = described?.SnapshotCreateTime;
    if (created === undefined) throw new Error(`moto gave no SnapshotCreateTime for ${snapshot}`);
    const snapshotTime = new Date(Math.floor(created.getTime() / 1000) * 1000);
    const tasks = await exportTasksOf(rds, arn);
    expect(tasks, `the export of ${snapshot}`).toHaveLength(1);
    const task = tasks[0]!;
    expect(task).toMatchObject({ S3Bucket: this.deployment.outputs['archive-bucket'], S3Prefix: `exports/${database}` });
    const written =
      fixture === 'no files'
        ? []
        : rerootedExport(fixture, {
            bucket: task.S3Bucket!,
            s3Prefix: task.S3Prefix!,
            exportTaskIdentifier: task.ExportTaskIdentifier!,
            snapshotArn: arn,
            snapshotTime,
          });
    await putObjects(this.deployment.s3(), task.S3Bucket!, written);
    step(`export ${task.ExportTaskIdentifier}: ${written.length} files written (${fixture})`);
    return { database, snapshot, arn, task, snapshotTime, folder: `${task.S3Prefix}/${task.ExportTaskIdentifier}/`, written };
  }

  /**
   * Publishes the export's RDS-EVENT-0161 through the deployed topic (once; later calls re-deliver
   * the same event) and runs the handler with it against moto.
   */
  async deliverCompleted(exported: ArchivedExport): Promise<HandlerRun> {
    exported.completedEvent ??= await this.deployment.deliverThroughTopic(exportCompletedMessage(exported.snapshot, exported.arn));
    return this.deployment.runHandler(exported.completedEvent);
  }

  /** The export's archive-manifest.json. */
  async manifestOf(exported: ArchivedExport): Promise<ArchiveManifest> {
    const out = await this.deployment
      .s3()
      .send(new GetObjectCommand({ Bucket: this.deployment.outputs['archive-bucket'], Key: `${exported.folder}archive-manifest.json` }));
    return JSON.parse(await out.Body!.transformToString('utf-8')) as ArchiveManifest;
  }

  /** The Glue database of a source database's exports. */
  catalogDatabase(database: string): string {
    return glueDatabaseName(this.deployment.functionEnvironment.ARCHIVE_NAME!, database);
  }

  /** The database's tables (partitioned, with their partitions) and its typed views. */
  async catalogOf(database: string): Promise<{ tables: Table[]; views: Table[]; partitions: Record<string, Partition[]> }> {
    const glue = this.deployment.glue();
    const name = this.catalogDatabase(database);
    const all = ((await glue.send(new GetTablesCommand({ DatabaseName: name }))).TableList ?? []).sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
    const tables = all.filter((t) => t.TableType !== 'VIRTUAL_VIEW');
    const views = all.filter((t) => t.TableType === 'VIRTUAL_VIEW');
    const partitions: Record<string, Partition[]> = {};
    for (const table of tables)
      partitions[table.Name!] = (await glue.send(new GetPartitionsCommand({ DatabaseName: name, TableName: table.Name! }))).Partitions ?? [];
    return { tables, views, partitions };
  }
}

/** The handler's final decision about the export, and verification's own log line (absent when it wrote nothing). */
export function decisionsOf(run: HandlerRun, exported: ArchivedExport): { decision?: Record<string, unknown>; verification?: Record<string, unknown> } {
  const about = run.logs.filter((l) => l.exportTaskIdentifier === exported.task.ExportTaskIdentifier);
  return { decision: about.find((l) => l.decision === 'exported'), verification: about.find((l) => typeof l.manifest === 'string') };
}

/** A Glue table's columns and their types. */
export function columnTypes(table: Table | undefined): Record<string, string | undefined> {
  return Object.fromEntries((table?.StorageDescriptor?.Columns ?? []).map((c) => [c.Name, c.Type]));
}

/** The bytes of the Parquet parts among written objects. */
export function parquetBytes(written: readonly ExportObject[]): number {
  return written.filter((o) => o.key.endsWith('.parquet')).reduce((sum, o) => sum + o.body.length, 0);
}
