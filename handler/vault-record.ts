// The vault verifier's Lambda entry (vault mode, docs/handler-contract.md): S3 notifications of
// new handovers, and EventBridge's hourly run that catches what a lost notification missed. It
// runs in the vault account, reads the vault verifier's settings (contract/vault-settings.ts), and
// fails the invocation when a handover could not be handled, so Lambda retries and alarms.
import { logDecision } from './common/log';
import { readVaultSettings } from './contract/vault-settings';
import { objectsOfS3Event, scheduledVaultVerification, verifyNotifiedHandovers } from './vault/vault-run';

/** Time the hourly run keeps, of the invocation's, to finish the checks it started and save its records and cursor. */
const SAVE_MARGIN_MS = 60_000;

function isScheduledEvent(event: unknown): boolean {
  const e = event as { source?: unknown; 'detail-type'?: unknown } | null;
  return typeof e === 'object' && e !== null && e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event';
}

/**
 * Lambda handler of the vault verifier. Settings are read on every invocation, so a bad variable
 * fails each invocation with its name.
 *
 * @param event - an S3 event notification (every record is handled) or a scheduled event
 * @param context - Lambda's context: its remaining time bounds the hourly run's work
 * @throws when settings are missing or malformed, or when a handover could not be handled (an AWS error)
 */
export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<void> {
  const settings = readVaultSettings(process.env);
  if (isScheduledEvent(event)) {
    const remaining = context?.getRemainingTimeInMillis?.();
    await scheduledVaultVerification(settings, new Date(), {}, remaining === undefined ? {} : { budgetMs: Math.max(0, remaining - SAVE_MARGIN_MS) });
    return;
  }
  const objects = objectsOfS3Event(event);
  if (objects.length === 0) {
    logDecision({ decision: 'ignored', reason: 'the event is neither an S3 notification of an object nor a scheduled event' });
    return;
  }
  const { failures } = await verifyNotifiedHandovers(objects, settings);
  if (failures.length > 0)
    throw new Error(`${failures.length} of ${objects.length} handover(s) not handled: ${failures.map((f) => `${f.key}: ${f.reason}`).join('; ')}`);
}
