// Use case: RDS reports an export's outcome → metrics on success, a notification on failure.
import type { AwsClients } from '../aws/clients';
import { classifyAwsError } from '../aws/errors';
import type { ExportTask } from '@aws-sdk/client-rds';
import { type Decision, metricLine, writeLogLine } from '../common/log';
import { EXPORTED_BYTES, EXPORTS_COMPLETED } from '../contract/metric-names';
import { notify } from '../aws/notify';
import { findExportTasks } from '../aws/rds';
import { recorder } from '../recorder';
import type { SnapshotEvent } from '../rules/rds-event';
import { attemptOfExport } from './reconcile';
import type { Settings } from '../contract/settings';

const GIB = 1024 ** 3;

/**
 * Vault mode: a source cannot read its exports in the vault's bucket, so it hands the completed
 * export over to the vault, which verifies and catalogs it (exporting/hand-over.ts).
 */
async function handOver(
  task: ExportTask,
  settings: Settings,
  fields: Omit<Decision, 'decision' | 'reason'>,
  location: string,
  clients: AwsClients,
): Promise<Decision> {
  try {
    const { handOverExport } = await recorder();
    const { key } = await handOverExport(task, settings, new Date(), clients);
    return {
      decision: 'exported',
      reason: `export complete: ${location}; handed over to the vault ${settings.vaultAccountId} at s3://${settings.archiveBucket}/${key}`,
      ...fields,
    };
  } catch (error) {
    const classified = classifyAwsError(error);
    return {
      decision: classified.errorClass === 'retryable' ? 'retry' : 'failed',
      reason: `export complete, but handing it over to the vault failed: ${classified.message}`,
      ...fields,
    };
  }
}

/** Handles RDS-EVENT-0159..0164: finds our export of the snapshot and reports its outcome. */
export async function reportExportOutcome(event: SnapshotEvent, settings: Settings, clients: AwsClients = {}): Promise<Decision> {
  const base = { snapshotArn: event.snapshotArn, eventId: event.eventId, messageId: event.messageId };
  // By the source-arn filter, and checked here: a service that ignored the filter must not make
  // another snapshot's export look like this one's.
  const ours = (await findExportTasks('source-arn', [event.snapshotArn], clients.rds))
    .map((task) => ({ task, attempt: attemptOfExport(settings, task) }))
    .filter((t): t is { task: (typeof t)['task']; attempt: number } => t.attempt !== undefined)
    .sort((a, b) => b.attempt - a.attempt);
  const latest = ours[0];
  if (latest === undefined) return { decision: 'ignored', reason: `${event.eventId}: not an export this archive started`, ...base };
  const { task, attempt } = latest;
  const fields = { ...base, exportTaskIdentifier: task.ExportTaskIdentifier, attempt, status: task.Status };

  if (event.meaning === 'export-completed') {
    const bytes = Math.round((task.TotalExtractedDataInGB ?? 0) * GIB);
    writeLogLine(metricLine(settings.archiveName, { [EXPORTS_COMPLETED]: { value: 1, unit: 'Count' }, [EXPORTED_BYTES]: { value: bytes, unit: 'Bytes' } }));
    const location = `s3://${task.S3Bucket ?? settings.archiveBucket}/${task.S3Prefix ?? ''}`;
    if (task.S3Bucket !== settings.archiveBucket) {
      return {
        decision: 'exported',
        reason: `export complete: ${location} (not the archive bucket ${settings.archiveBucket}; not verified)`,
        exportedBytes: bytes,
        ...fields,
      };
    }
    if (settings.vaultAccountId !== undefined) return handOver(task, settings, { ...fields, exportedBytes: bytes }, location, clients);
    try {
      // Registered even when the manifest exists: a retried invocation finishes a failed registration.
      const { recordCompletedExport } = await recorder();
      const recorded = await recordCompletedExport(task, settings, { registerExisting: true }, clients);
      const { outcome, totals } = recorded.manifest;
      return {
        decision: 'exported',
        reason: `export complete: ${location}; verified ${outcome}: ${totals.archived} of ${totals.tables} tables archived`,
        exportedBytes: bytes,
        outcome,
        manifestWritten: recorded.written,
        ...fields,
      };
    } catch (error) {
      const classified = classifyAwsError(error);
      return {
        decision: classified.errorClass === 'retryable' ? 'retry' : 'failed',
        reason: `export complete, but verifying or cataloguing it failed: ${classified.message}`,
        ...fields,
      };
    }
  }

  const what = event.meaning === 'export-canceled' ? 'was canceled' : 'failed';
  const cause = task.FailureCause || task.WarningMessage || event.eventMessage || 'RDS gave no cause';
  const willRetry = attempt < settings.maxExportAttempts;
  // A backfill plans with the same attempt limit, so a manual retry has to raise it.
  const next = willRetry
    ? `Next: the next reconciliation starts attempt ${attempt + 1} of ${settings.maxExportAttempts}.`
    : `Next: nothing. All ${settings.maxExportAttempts} attempts have failed; fix the cause, then retry with "MAX_EXPORT_ATTEMPTS=${settings.maxExportAttempts + 1} npm run archive -- backfill --since <the snapshot's date>".`;
  if (settings.notifyTopicArn !== undefined) {
    await notify(
      settings.notifyTopicArn,
      `RDS snapshot archive: export ${what} (${task.ExportTaskIdentifier})`,
      `The export ${task.ExportTaskIdentifier} of ${event.snapshotArn} ${what} (attempt ${attempt} of ${settings.maxExportAttempts}).\nCause: ${cause}\n${next}`,
      clients.sns,
    );
  }
  return {
    decision: willRetry ? 'reported' : 'gave-up',
    reason: `export ${what}: ${cause}`,
    willRetry,
    notified: settings.notifyTopicArn !== undefined,
    ...fields,
  };
}
