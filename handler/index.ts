// The Lambda entry: tell what kind of event arrived, hand each part to its use case, log every
// decision, and fail the invocation (so Lambda retries, then dead-letters and alarms) when a
// snapshot could not be handled.
import { exportCreatedSnapshot } from './exporting/export-snapshot';
import { reportExportOutcome } from './exporting/export-outcome';
import { logDecision, type Decision } from './common/log';
import { parseSnsRecord, type SnapshotEvent } from './rules/rds-event';
import { scheduledReconciliation } from './exporting/reconcile';
import { readSettings, type Settings } from './contract/settings';

function isScheduledEvent(event: unknown): boolean {
  const e = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return typeof e === 'object' && e !== null && e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

async function handleSnapshotEvent(event: SnapshotEvent, settings: Settings): Promise<Decision> {
  const base = { snapshotArn: event.snapshotArn, eventId: event.eventId, messageId: event.messageId };
  switch (event.meaning) {
    case 'snapshot-created':
      return exportCreatedSnapshot(event, settings);
    case 'export-failed':
    case 'export-canceled':
    case 'export-completed':
      return reportExportOutcome(event, settings);
    case 'snapshot-creating':
      return { decision: 'ignored', reason: `${event.eventId}: the snapshot is still being created; its "created" event starts the export`, ...base };
    default:
      return { decision: 'ignored', reason: `${event.eventId} ("${event.eventMessage}") is not an event the archive acts on`, ...base };
  }
}

/**
 * Lambda handler: SNS events from RDS, and EventBridge's scheduled reconciliation. Settings are
 * read on every invocation, so a bad variable fails each invocation with its name.
 *
 * @param event - an SNS event (every record is handled) or a scheduled event
 * @param _context - Lambda's context; unused, accepted so the signature is Lambda's own
 * @throws when settings are missing or malformed, or after all records when any record needs a
 *   retry or the operator (one error summarising them), so Lambda retries and then dead-letters
 */
export async function handler(event: unknown, _context?: unknown): Promise<void> {
  const settings = readSettings(process.env);
  if (isScheduledEvent(event)) {
    await scheduledReconciliation(settings);
    return;
  }
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) {
    logDecision({ decision: 'ignored', reason: 'the event is neither an SNS event nor a scheduled event' });
    return;
  }
  const problems: string[] = [];
  for (const record of records) {
    const parsed = parseSnsRecord(record);
    if (!parsed.ok) {
      logDecision({ decision: 'ignored', reason: parsed.reason, messageId: parsed.messageId });
      continue;
    }
    let decision: Decision;
    try {
      decision = await handleSnapshotEvent(parsed.event, settings);
    } catch (error) {
      // An unexpected error in one record must not stop the others.
      decision = {
        decision: 'failed',
        reason: `unexpected error: ${(error as Error).message ?? String(error)}`,
        snapshotArn: parsed.event.snapshotArn,
        eventId: parsed.event.eventId,
        messageId: parsed.event.messageId,
      };
    }
    logDecision(decision);
    if (decision.decision === 'retry' || decision.decision === 'failed') {
      problems.push(`${decision.snapshotArn ?? decision.messageId}: ${decision.reason}`);
    }
  }
  if (problems.length > 0) {
    // Lambda retries the invocation; exports already started meet ExportTaskAlreadyExists then.
    throw new Error(`${problems.length} of ${records.length} snapshot event(s) not handled: ${problems.join('; ')}`);
  }
}
