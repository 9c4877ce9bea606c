// Use case: a snapshot was created → start exactly one export of it, or say why not.
import { classifyAwsError } from './aws-errors';
import { exportS3Prefix, exportTaskIdentifier } from './export-naming';
import type { Decision } from './log';
import { countRunningExports, describeSnapshot, notify, startExport } from './rds';
import type { SnapshotEvent } from './rds-event';
import { selectSnapshot, type SnapshotInfo } from './selection';
import type { Settings } from './settings';

/** Starts the export of the snapshot an event is about, attempt 1. */
export async function exportCreatedSnapshot(event: SnapshotEvent, settings: Settings): Promise<Decision> {
  const base = { snapshotArn: event.snapshotArn, eventId: event.eventId, messageId: event.messageId };
  let snapshot: SnapshotInfo | undefined;
  try {
    snapshot = await describeSnapshot(event.kind, event.snapshotIdentifier);
  } catch (error) {
    const classified = classifyAwsError(error);
    if (classified.errorClass === 'gone') return { decision: 'skipped', reason: classified.message, ...base };
    return failure(classified.errorClass, `describing the snapshot failed: ${classified.message}`, base);
  }
  if (snapshot === undefined) return { decision: 'skipped', reason: 'RDS does not list the snapshot (deleted since the event?)', ...base };

  const selection = selectSnapshot(snapshot, settings);
  if (!selection.selected) {
    if (selection.notReady) return { decision: 'retry', reason: selection.reason, ...base };
    if (selection.unsupported && settings.notifyTopicArn !== undefined) {
      await notify(
        settings.notifyTopicArn,
        `RDS snapshot archive: ${snapshot.databaseIdentifier} is not being archived`,
        `Snapshot ${event.snapshotArn} of database ${snapshot.databaseIdentifier} was not exported: ${selection.reason}.\nThis database's snapshots are not being archived; they expire with RDS's snapshot retention.`,
      );
      return { decision: 'reported', reason: selection.reason, database: snapshot.databaseIdentifier, engine: snapshot.engine, ...base };
    }
    return { decision: 'skipped', reason: selection.reason, database: snapshot.databaseIdentifier, ...base };
  }

  // RDS's own ARN for the snapshot wins over the event's (derived ones especially).
  const snapshotArn = snapshot.snapshotArn || event.snapshotArn;
  const identifier = exportTaskIdentifier(snapshotArn, 1);
  const withId = { ...base, snapshotArn, exportTaskIdentifier: identifier, database: snapshot.databaseIdentifier };
  try {
    const running = await countRunningExports();
    if (running >= settings.maxConcurrentExports) {
      return { decision: 'deferred', reason: `${running} exports are running (MAX_CONCURRENT_EXPORTS ${settings.maxConcurrentExports}); the next reconciliation starts this one`, ...withId };
    }
    await startExport({
      exportTaskIdentifier: identifier,
      snapshotArn,
      bucket: settings.archiveBucket,
      s3Prefix: exportS3Prefix(settings.archivePrefix, snapshot.databaseIdentifier),
      roleArn: settings.exportRoleArn,
      kmsKeyArn: settings.exportKmsKeyArn,
      exportOnly: settings.exportOnly,
    });
    return { decision: 'started', reason: `${event.eventId}: export started`, s3Prefix: exportS3Prefix(settings.archivePrefix, snapshot.databaseIdentifier), ...withId };
  } catch (error) {
    const classified = classifyAwsError(error);
    switch (classified.errorClass) {
      case 'duplicate':
        return { decision: 'duplicate', reason: 'this export already exists (a re-delivered event): nothing to do', ...withId };
      case 'gone':
        return { decision: 'skipped', reason: classified.message, ...withId };
      case 'quota':
        return { decision: 'deferred', reason: `${classified.message}; the next reconciliation starts this one`, ...withId };
      default:
        return failure(classified.errorClass, classified.message, withId);
    }
  }
}

function failure(errorClass: string, reason: string, fields: Omit<Decision, 'decision' | 'reason'>): Decision {
  // Retryable faults (throttling, server errors) make Lambda retry the invocation; the rest need
  // the operator: both fail the invocation, so they reach the alarms.
  return { decision: errorClass === 'retryable' ? 'retry' : 'failed', reason, ...fields };
}
