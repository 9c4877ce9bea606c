// Use case: a completed export → read what it wrote, verify it table by table, record the
// manifest once, and tell the operators when something is not archived. Idempotent: a
// re-delivered event or a repeated reconciliation finds the manifest and does nothing else.
import type { ArchiveManifest, TaskDescriptionSource } from '../contract/manifest';
import { metricLine, writeLogLine } from '../common/log';
import { notify } from '../aws/notify';
import type { AwsClients } from '../aws/clients';
import { listAllObjects, readManifest, readText, writeManifestOnce } from '../aws/s3';
import { exportFolder, isExportInfoKey, isTablesInfoKey, manifestKey } from './layout';
import { formatManifestReport } from './report';
import { verifyExport } from './verdict';
import type { ExportTaskDescription } from './metadata';
import { ARCHIVED_BYTES, EXPORTS_INCOMPLETE, EXPORTS_VERIFIED, TABLES_NOT_ARCHIVED } from '../contract/metric-names';

/** How {@link verifyAndRecord} verifies one export. */
export interface VerifyOptions {
  /** The bucket to read and write. @default task.S3Bucket */
  readonly bucket?: string;
  /** The DB instance or cluster identifier the snapshot belongs to. */
  readonly database: string;
  /** Verify again and overwrite an existing manifest (and report again). @default false */
  readonly force?: boolean;
  /** Where incomplete and missing exports are reported. @default undefined (no report) */
  readonly notifyTopicArn?: string;
  /** The deployment's name, the Archive dimension of the metrics. */
  readonly archiveName: string;
  /** The verification time written to the manifest and the metrics. @default new Date() */
  readonly now?: Date;
  /** Where `task` came from when not from this account's RDS (a vault: the source's handover); written to the manifest. */
  readonly taskDescription?: TaskDescriptionSource;
}

/** What {@link verifyAndRecord} found, and whether this call recorded it. */
export interface VerifyResult {
  readonly manifest: ArchiveManifest;
  /** True when this call wrote the manifest (and so logged, emitted metrics and reported). */
  readonly written: boolean;
}

/** One JSON log line, with the field names of common/log.ts's decisions so the same queries find it. */
function logLine(level: 'INFO' | 'WARN', fields: Record<string, unknown>): void {
  writeLogLine(JSON.stringify({ level, ...fields }));
}

function outcomeReason(manifest: ArchiveManifest): string {
  const { totals } = manifest;
  if (manifest.outcome === 'verified') return `every table archived: ${totals.tables} tables, ${totals.files} Parquet files, ${totals.bytes} bytes`;
  if (manifest.outcome === 'missing') return manifest.missingReason ?? 'export files missing';
  const notArchived = manifest.tables.filter((t) => !t.archived).map((t) => t.target);
  const tables = notArchived.length === 0 ? '' : `${notArchived.length} of ${totals.tables} tables not archived (${notArchived.join(', ')})`;
  const warned = manifest.warnings.length === 0 ? '' : `RDS warned: ${manifest.warnings.join('; ')}`;
  return [tables, warned].filter((part) => part !== '').join('; ');
}

/**
 * Verifies a completed export and records its manifest in the export's folder, once. When a
 * manifest is there already (and `force` is not set), returns it without reading the export
 * again. Only the call that writes the manifest logs the outcome, emits the metrics and reports
 * an incomplete or missing export; metrics and log come before the report, so a failed publish
 * still leaves both. A stored manifest that cannot be read is replaced. A task that is not
 * COMPLETE is verified but not recorded: its files may still change.
 * Throws when the task names no export or bucket (a caller's mistake), and the SDK's errors.
 */
export async function verifyAndRecord(task: ExportTaskDescription, options: VerifyOptions, clients: AwsClients = {}): Promise<VerifyResult> {
  const exportTaskIdentifier = task.ExportTaskIdentifier ?? '';
  const bucket = options.bucket ?? task.S3Bucket ?? '';
  if (exportTaskIdentifier === '' || bucket === '') {
    throw new Error(
      `verifyAndRecord needs the export task's ExportTaskIdentifier and S3Bucket (or options.bucket); got "${exportTaskIdentifier}" and "${bucket}": pass the task as DescribeExportTasks returns it`,
    );
  }
  const folder = exportFolder(task.S3Prefix, exportTaskIdentifier);
  const force = options.force === true;
  const now = options.now ?? new Date();
  const logFields = { snapshotArn: task.SourceArn, exportTaskIdentifier, database: options.database, manifest: `s3://${bucket}/${manifestKey(folder)}` };

  if (!force) {
    const existing = await readManifest(bucket, folder, clients.s3);
    if (existing !== undefined) return { manifest: existing, written: false };
  }

  const listing = await listAllObjects(bucket, folder, clients.s3);
  const exportInfoKey = listing.find((o) => isExportInfoKey(folder, o.key))?.key;
  const exportInfoText = exportInfoKey === undefined ? undefined : await readText(bucket, exportInfoKey, clients.s3);
  const tablesInfoKeys = listing.filter((o) => isTablesInfoKey(folder, o.key)).map((o) => o.key);
  const tablesInfoTexts = (await Promise.all(tablesInfoKeys.map(async (key) => ({ key, text: await readText(bucket, key, clients.s3) })))).filter(
    (file): file is { key: string; text: string } => file.text !== undefined,
  );
  const verdict = verifyExport({ task, database: options.database, bucket, listing, exportInfoText, tablesInfoTexts, verifiedAt: now });
  const manifest: ArchiveManifest = options.taskDescription === undefined ? verdict : { ...verdict, taskDescription: options.taskDescription };

  const status = (task.Status ?? 'COMPLETE').toUpperCase();
  if (status !== 'COMPLETE') {
    logLine('WARN', {
      decision: 'not-recorded',
      reason: `the export is ${status}, not COMPLETE: its files may still change, so no manifest is written`,
      ...logFields,
    });
    return { manifest, written: false };
  }

  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  if ((await writeManifestOnce(bucket, manifestKey(folder), body, { force }, clients.s3)) === 'exists') {
    // Another verification got there between our read and our write, or the stored text is unreadable.
    const stored = await readManifest(bucket, folder, clients.s3);
    if (stored !== undefined) return { manifest: stored, written: false };
    await writeManifestOnce(bucket, manifestKey(folder), body, { force: true }, clients.s3);
    logLine('WARN', {
      decision: 'manifest-replaced',
      reason: 'the stored manifest was not a readable manifest; replaced it with a new verification',
      ...logFields,
    });
  }

  const notArchived = manifest.totals.tables - manifest.totals.archived;
  logLine(manifest.outcome === 'verified' ? 'INFO' : 'WARN', {
    decision: manifest.outcome,
    reason: outcomeReason(manifest),
    ...logFields,
    tables: manifest.totals.tables,
    archived: manifest.totals.archived,
    archivedBytes: manifest.totals.bytes,
    notified: manifest.outcome !== 'verified' && options.notifyTopicArn !== undefined,
  });
  writeLogLine(
    metricLine(
      options.archiveName,
      {
        [EXPORTS_VERIFIED]: { value: manifest.outcome === 'verified' ? 1 : 0, unit: 'Count' },
        [EXPORTS_INCOMPLETE]: { value: manifest.outcome === 'verified' ? 0 : 1, unit: 'Count' },
        [TABLES_NOT_ARCHIVED]: { value: notArchived, unit: 'Count' },
        [ARCHIVED_BYTES]: { value: manifest.totals.bytes, unit: 'Bytes' },
      },
      now,
    ),
  );
  if (manifest.outcome !== 'verified' && options.notifyTopicArn !== undefined) {
    const report = formatManifestReport(manifest);
    await notify(options.notifyTopicArn, report.subject, report.message, clients.sns);
  }
  return { manifest, written: true };
}
