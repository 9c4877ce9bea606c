// Use case: a snapshot was created → start exactly one export of it, or say why not.
import type { AwsClients } from '../aws/clients';
import { classifyAwsError } from '../aws/errors';
import { exportTaskIdentifier } from '../rules/export-naming';
import type { Decision } from '../common/log';
import { notify } from '../aws/notify';
import { countRunningExports, describeSnapshot, startExport } from '../aws/rds';
import type { SnapshotEvent } from '../rules/rds-event';
import { selectSnapshot, type SnapshotInfo } from '../rules/selection';
import { periodBounds } from '../rules/periods';
import type { PeriodExport } from '../rules/export-naming';
import type { Cadence } from '../contract/policy';
import { periodExportOf, type ReconcileResult, reconcile } from './reconcile';
import type { Settings } from '../contract/settings';
import { exportRequest } from './export-request';

/** Starts the export of the snapshot an event is about, attempt 1. */
export async function exportCreatedSnapshot(event: SnapshotEvent, settings: Settings, clients: AwsClients = {}): Promise<Decision> {
  const base = { snapshotArn: event.snapshotArn, eventId: event.eventId, messageId: event.messageId };
  let snapshot: SnapshotInfo | undefined;
  try {
    snapshot = await describeSnapshot(event.kind, event.snapshotIdentifier, clients.rds);
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
        clients.sns,
      );
      return { decision: 'reported', reason: selection.reason, database: snapshot.databaseIdentifier, engine: snapshot.engine, ...base };
    }
    return { decision: 'skipped', reason: selection.reason, database: snapshot.databaseIdentifier, ...base };
  }

  // RDS's own ARN for the snapshot wins over the event's (derived ones especially).
  const snapshotArn = snapshot.snapshotArn || event.snapshotArn;
  const period = periodExportOf(settings, { ...snapshot, snapshotArn });
  if (period !== undefined) return exportPeriodOf(snapshot, period, { ...base, snapshotArn }, settings);
  const identifier = exportTaskIdentifier(snapshotArn, 1);
  const withId = { ...base, snapshotArn, exportTaskIdentifier: identifier, database: snapshot.databaseIdentifier };
  try {
    const running = await countRunningExports(clients.rds);
    if (running >= settings.maxConcurrentExports) {
      return {
        decision: 'deferred',
        reason: `${running} exports are running (MAX_CONCURRENT_EXPORTS ${settings.maxConcurrentExports}); the next reconciliation starts this one`,
        ...withId,
      };
    }
    const request = exportRequest(settings, snapshotArn, snapshot.databaseIdentifier, identifier);
    await startExport(request, clients.rds);
    return {
      decision: 'started',
      reason: `${event.eventId}: export started`,
      s3Prefix: request.s3Prefix,
      ...withId,
    };
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

/**
 * A snapshot of a database under a cadence rule: the event runs the reconciliation for that
 * database from the start of the snapshot's period, so the event, a re-delivered event, the
 * schedule and a backfill make the same decision, and the period's export identifier keeps the
 * period to one export even when they race.
 */
async function exportPeriodOf(
  snapshot: SnapshotInfo,
  period: PeriodExport,
  base: Omit<Decision, 'decision' | 'reason'> & { snapshotArn: string },
  settings: Settings,
): Promise<Decision> {
  const fields = { ...base, database: period.database, period: period.period };
  let result: ReconcileResult;
  try {
    result = await reconcile(settings, { since: periodBounds(period.cadence as Cadence, snapshot.createdAt!).start, database: snapshot.databaseIdentifier });
  } catch (error) {
    const classified = classifyAwsError(error);
    return failure(classified.errorClass, `deciding the ${period.cadence} export of ${period.period} failed: ${classified.message}`, fields);
  }
  const arn = base.snapshotArn;
  const cadence = result.cadence.find((d) => d.snapshotArn === arn);
  const planned = result.plan.decisions.find((d) => d.snapshotArn === arn);
  const startFailure = result.failures.find((f) => f.snapshotArn === arn);
  const others = result.started.filter((started) => started !== arn);
  const alsoStarted = others.length > 0 ? `; also started the due export of ${others.join(', ')}` : '';
  if (startFailure !== undefined) {
    if (startFailure.errorClass === 'quota') return { decision: 'deferred', reason: `${startFailure.reason}; the next reconciliation starts it`, ...fields };
    if (startFailure.errorClass === 'gone') return { decision: 'skipped', reason: startFailure.reason, ...fields };
    return failure(startFailure.errorClass, startFailure.reason, fields);
  }
  switch (planned?.kind) {
    case 'start':
      return {
        decision: 'started',
        reason: `${base.eventId}: export of ${period.period} started (${cadence?.reason ?? period.cadence})${alsoStarted}`,
        exportTaskIdentifier: planned.exportTaskIdentifier,
        ...fields,
      };
    case 'deferred':
      return {
        decision: 'deferred',
        reason: `${result.plan.running} exports are running (MAX_CONCURRENT_EXPORTS ${settings.maxConcurrentExports}); the next reconciliation starts this one`,
        exportTaskIdentifier: planned.exportTaskIdentifier,
        ...fields,
      };
    case 'running':
    case 'exported':
      return {
        decision: 'duplicate',
        reason: `the export of ${period.period} already exists (${planned.exportTaskIdentifier}): nothing to do${alsoStarted}`,
        exportTaskIdentifier: planned.exportTaskIdentifier,
        ...fields,
      };
    case 'gave-up':
      return {
        decision: 'skipped',
        reason: `all ${planned.attempts} export attempts of ${period.period} failed (last ${planned.lastExportTaskIdentifier}); reported when the last one failed`,
        ...fields,
      };
    default:
      return {
        decision: 'skipped',
        reason: `${cadence?.reason ?? 'the policy does not export this snapshot'}${alsoStarted}`,
        coveredBy: cadence?.coveredBy,
        ...fields,
      };
  }
}

function failure(errorClass: string, reason: string, fields: Omit<Decision, 'decision' | 'reason'>): Decision {
  // Retryable faults (throttling, server errors) make Lambda retry the invocation; the rest need
  // the operator: both fail the invocation, so they reach the alarms.
  return { decision: errorClass === 'retryable' ? 'retry' : 'failed', reason, ...fields };
}
