// Use cases of the vault verifier: the S3 notifications of new handovers, and the hourly run that
// catches what a lost notification missed. The hourly run lists, for each source account, only the
// handovers newer than its cursor (cursor.ts), verifies those whose export has no manifest, and
// keeps that source's record of verified exports (source-record.ts), which the source's
// reconciliation reads to hand over only what the vault has not verified.
import type { AwsClients } from '../aws/clients';
import { classifyAwsError } from '../aws/errors';
import { listKeysAfter, readTextAndEtag, type WriteCondition, writeJsonIf } from '../aws/s3';
import { mapWithConcurrency } from '../common/concurrency';
import { metricLine, writeLogLine } from '../common/log';
import { VAULT_VERIFICATION_SUCCEEDED } from '../contract/metric-names';
import {
  HANDOVERS_PATH,
  handoversPrefix,
  handoversStartAfter,
  parseHandoverKey,
  sourceArchivePrefix,
  vaultCursorKey,
  verifiedRecordKey,
} from '../contract/archive-layout';
import type { VaultSettings } from '../contract/vault-settings';
import { formatVerifiedRecord } from '../verification/verified-record';
import { conditionFor, RECORD_WRITE_ATTEMPTS, type RecordRead, readVerifiedRecord } from '../verification/verified-record-store';
import { formatCursor, listFrom, nextSourceCursor, parseCursor, type SourceCursor } from './cursor';
import { dayOf, nextSourceEntries, sameEntries } from './source-record';
import { type HandoverResult, verifyHandover } from './verify-handover';

/** One object of an S3 event notification, as S3 writes it (the key URL-encoded, spaces as "+"). */
export interface S3EventObject {
  readonly bucket: string;
  readonly key: string;
}

/** The objects an S3 event notification names; other events (S3's test event, EventBridge's) name none. */
export function objectsOfS3Event(event: unknown): S3EventObject[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) return [];
  const objects: S3EventObject[] = [];
  for (const record of records) {
    const s3 = (record as { eventSource?: unknown; s3?: { bucket?: { name?: unknown }; object?: { key?: unknown } } } | null)?.s3;
    const bucket = s3?.bucket?.name;
    const key = s3?.object?.key;
    if ((record as { eventSource?: unknown }).eventSource !== 'aws:s3' || typeof bucket !== 'string' || typeof key !== 'string') continue;
    try {
      objects.push({ bucket, key: decodeURIComponent(key.replace(/\+/g, ' ')) });
    } catch {
      writeLogLine(
        JSON.stringify({ level: 'WARN', decision: 'ignored', reason: 'the notification names a key that is not URL-encoded as S3 encodes keys', key }),
      );
    }
  }
  return objects;
}

/** Whether `key` is in some source's handovers folder (`<archivePrefix>/<account>/_archive/handovers/...`), where whatever is written must be a handover. */
export function isInHandoversFolder(vaultArchivePrefix: string, key: string): boolean {
  const base = vaultArchivePrefix.replace(/^\/+|\/+$/g, '');
  const rest = base === '' ? key : key.startsWith(`${base}/`) ? key.slice(base.length + 1) : undefined;
  return rest !== undefined && new RegExp(`^[^/]+/${HANDOVERS_PATH}`).test(rest);
}

/** What the notification path did: each handover's result, and the handovers that could not be handled (to be retried). */
export interface NotificationSummary {
  readonly results: readonly HandoverResult[];
  readonly failures: readonly { key: string; reason: string }[];
}

/**
 * Verifies the handovers an S3 notification names. Objects of another bucket are ignored (logged);
 * a handover that fails its checks is rejected, not retried; an AWS error is a failure, which the
 * caller turns into a failed invocation so Lambda retries (the hourly run catches it otherwise).
 */
export async function verifyNotifiedHandovers(
  objects: readonly S3EventObject[],
  settings: VaultSettings,
  now: Date = new Date(),
  clients: AwsClients = {},
): Promise<NotificationSummary> {
  const results: HandoverResult[] = [];
  const failures: { key: string; reason: string }[] = [];
  for (const object of objects) {
    if (object.bucket !== settings.archiveBucket) {
      writeLogLine(
        JSON.stringify({
          level: 'WARN',
          decision: 'ignored',
          reason: `the object is in ${object.bucket}, not the vault's bucket ${settings.archiveBucket}`,
          key: object.key,
        }),
      );
      continue;
    }
    if (!isInHandoversFolder(settings.archivePrefix, object.key)) {
      // Not a handover's place (a notification filter wider than the handovers' folders): nothing to check.
      writeLogLine(JSON.stringify({ level: 'INFO', decision: 'ignored', reason: "the object is not in a source's handovers folder", key: object.key }));
      continue;
    }
    try {
      const result = await verifyHandover(object.key, settings, { registerExisting: true, now }, clients);
      logResult(object.key, result, 'notification');
      results.push(result);
    } catch (error) {
      failures.push({ key: object.key, reason: classifyAwsError(error).message });
    }
  }
  return { results, failures };
}

function logResult(key: string, result: HandoverResult, via: 'notification' | 'schedule'): void {
  if (result.state !== 'verified') return;
  writeLogLine(
    JSON.stringify({
      level: 'INFO',
      decision: result.written ? 'verified' : 'recorded',
      reason: `${via}: ${result.manifest.outcome}, ${result.manifest.totals.archived} of ${result.manifest.totals.tables} tables archived${result.written ? '' : ' (its manifest was there already)'}`,
      handover: key,
      sourceAccountId: result.key.sourceAccountId,
      exportTaskIdentifier: result.key.exportTaskIdentifier,
    }),
  );
}

/** Handovers checked at once by the hourly run. */
const HANDOVER_CONCURRENCY = 8;

/** What the hourly run did for one source. */
export interface SourceRunSummary {
  readonly sourceAccountId: string;
  /** Handover keys listed (from the cursor, less its margin). */
  readonly listed: number;
  /** Those read and checked (not handled before, not named by the record). */
  readonly checked: number;
  /** Those whose export was verified now or found with its manifest: recorded. */
  readonly confirmed: number;
  readonly rejected: number;
  /** Those left for the next run: the run's time budget was spent (a rebuild of many handovers). */
  readonly deferred: number;
  readonly failures: readonly { key: string; reason: string }[];
  /** Whether the source's record of verified exports was written, unchanged, or could not be saved. */
  readonly record: 'written' | 'unchanged' | 'not-saved';
}

/** The record's entries that are export folders (`<...>/<export id>/`), by export id. */
function idsOf(folders: ReadonlySet<string>): Set<string> {
  return new Set([...folders].map((folder) => folder.replace(/\/$/, '').split('/').pop() ?? ''));
}

/** Reads the vault's cursor; a missing or unreadable one is rebuilt (every source listed in full). */
async function readCursor(settings: VaultSettings, clients: AwsClients): Promise<{ sources: ReadonlyMap<string, SourceCursor>; condition: WriteCondition }> {
  const key = vaultCursorKey(settings.archivePrefix);
  let stored: { text: string; etag: string } | undefined;
  try {
    stored = await readTextAndEtag(settings.archiveBucket, key, clients.s3);
  } catch (error) {
    writeLogLine(
      JSON.stringify({ level: 'WARN', cursor: 'rebuilding', reason: `reading it failed: ${classifyAwsError(error).message}; every handover is listed`, key }),
    );
    return { sources: new Map(), condition: { overwrite: true } };
  }
  if (stored === undefined) {
    writeLogLine(JSON.stringify({ level: 'INFO', cursor: 'building', reason: 'no cursor yet: every handover is listed once', key }));
    return { sources: new Map(), condition: { ifNoneMatch: '*' } };
  }
  const parsed = parseCursor(stored.text);
  if (!parsed.ok) {
    writeLogLine(JSON.stringify({ level: 'WARN', cursor: 'rebuilding', reason: `the cursor is unreadable (${parsed.reason}): every handover is listed`, key }));
    return { sources: new Map(), condition: { ifMatch: stored.etag } };
  }
  return { sources: parsed.sources, condition: { ifMatch: stored.etag } };
}

/** Records `confirmed` (folder → day handed over) in the source's record, merging with a concurrent writer's. Never throws. */
async function saveSourceRecord(
  bucket: string,
  key: string,
  read: RecordRead,
  confirmed: ReadonlyMap<string, string>,
  now: Date,
  clients: AwsClients,
): Promise<'written' | 'unchanged' | 'not-saved'> {
  let current = read;
  for (let attempt = 1; attempt <= RECORD_WRITE_ATTEMPTS; attempt++) {
    const folders = current.state === 'read' ? current.folders : new Set<string>();
    const days = current.state === 'read' ? current.handedOver : undefined;
    const entries = nextSourceEntries(folders, days, confirmed, now);
    if (current.state === 'read' && sameEntries(entries, folders, days)) return 'unchanged';
    try {
      if ((await writeJsonIf(bucket, key, formatVerifiedRecord(entries.keys(), now, entries), conditionFor(current), clients.s3)) === 'written')
        return 'written';
    } catch (error) {
      writeLogLine(JSON.stringify({ level: 'WARN', verifiedRecord: 'not-saved', reason: `writing it failed: ${classifyAwsError(error).message}`, key }));
      return 'not-saved';
    }
    current = await readVerifiedRecord(bucket, key, clients.s3);
  }
  writeLogLine(
    JSON.stringify({
      level: 'WARN',
      verifiedRecord: 'not-saved',
      reason: `another writer changed it ${RECORD_WRITE_ATTEMPTS} times while this run wrote`,
      key,
    }),
  );
  return 'not-saved';
}

/**
 * One source's part of the hourly run: lists its handovers from the cursor (all of them when its
 * cursor or its record is missing or unreadable), reads and checks each handover not handled
 * before and not named by the record, verifies those whose export has no manifest, and records
 * the verified exports in the source's record.
 */
async function runSource(
  sourceAccountId: string,
  cursor: SourceCursor | undefined,
  settings: VaultSettings,
  now: Date,
  deadline: number,
  clients: AwsClients,
): Promise<{ summary: SourceRunSummary; cursor: SourceCursor | undefined }> {
  const bucket = settings.archiveBucket;
  const sourcePrefix = sourceArchivePrefix(settings.archivePrefix, sourceAccountId);
  const recordKey = verifiedRecordKey(sourcePrefix);
  const read = await readVerifiedRecord(bucket, recordKey, clients.s3);
  // Without its record, the source's reconciliation would list handovers every hour: list everything to rebuild it.
  const from = read.state === 'read' ? listFrom(settings.archivePrefix, cursor) : undefined;
  if (read.state !== 'read' && cursor !== undefined)
    writeLogLine(
      JSON.stringify({
        level: 'WARN',
        verifiedRecord: 'rebuilding',
        reason: `the record is ${read.state}: every handover of ${sourceAccountId} is listed`,
        key: recordKey,
      }),
    );
  const prefix = handoversPrefix(sourcePrefix);
  const listed = await listKeysAfter(bucket, prefix, from === undefined ? undefined : handoversStartAfter(sourcePrefix, from), clients.s3);
  const recordedIds = idsOf(read.state === 'read' ? read.folders : new Set<string>());
  const recent = new Set(from === undefined ? [] : (cursor?.recent ?? []));
  const handled = new Set<string>();
  const confirmed = new Map<string, string>();
  const failures: { key: string; reason: string }[] = [];
  let checked = 0;
  let confirmedCount = 0;
  let rejected = 0;
  const toCheck: string[] = [];
  for (const key of listed) {
    const parsed = parseHandoverKey(settings.archivePrefix, key);
    // Named by the record: verified already (its day is kept as recorded).
    if (parsed.ok && recordedIds.has(parsed.parts.exportTaskIdentifier)) handled.add(key);
    else if (recent.has(key)) handled.add(key);
    else toCheck.push(key);
  }
  let deferred = 0;
  await mapWithConcurrency(toCheck, HANDOVER_CONCURRENCY, async (key) => {
    // Past the run's time budget, the rest waits for the next run (the cursor stops before it).
    if (Date.now() > deadline) {
      deferred++;
      return;
    }
    checked++;
    try {
      const result = await verifyHandover(key, settings, { now }, clients);
      handled.add(key);
      logResult(key, result, 'schedule');
      if (result.state === 'verified') {
        confirmedCount++;
        confirmed.set(result.folder, dayOf(result.key.handedOverAt));
      } else if (result.state === 'rejected') rejected++;
    } catch (error) {
      failures.push({ key, reason: classifyAwsError(error).message });
    }
  });
  const record = await saveSourceRecord(bucket, recordKey, read, confirmed, now, clients);
  return {
    summary: { sourceAccountId, listed: listed.length, checked, confirmed: confirmedCount, rejected, deferred, failures, record },
    // A rebuild that handled nothing keeps no cursor: the next run lists everything again.
    cursor: nextSourceCursor(settings.archivePrefix, from === undefined ? undefined : cursor, listed, handled),
  };
}

/** How long a run starts new checks: the verifier's 300 s timeout less time to save the records and the cursor. */
export const DEFAULT_RUN_BUDGET_MS = 240_000;

/** Options of {@link scheduledVaultVerification}. */
export interface VaultRunOptions {
  /**
   * Milliseconds from the start in which the run starts checking handovers; the rest is left to
   * the next run, which continues from the cursor. The Lambda passes its remaining time less a margin.
   * @default DEFAULT_RUN_BUDGET_MS
   */
  readonly budgetMs?: number;
}

/** What the hourly run did. */
export interface VaultRunSummary {
  readonly sources: readonly SourceRunSummary[];
  /** Whether the cursor was saved; when not, the next run lists more, nothing else. */
  readonly cursorSaved: boolean;
}

/**
 * The vault's hourly run: each configured source in turn (runSource), then the cursor, written
 * with a conditional write (another run's newer cursor wins; this one's work is then listed again).
 * Throws after saving when a handover could not be handled, so the invocation fails and alarms.
 */
export async function scheduledVaultVerification(
  settings: VaultSettings,
  now: Date = new Date(),
  clients: AwsClients = {},
  options: VaultRunOptions = {},
): Promise<VaultRunSummary> {
  const deadline = Date.now() + (options.budgetMs ?? DEFAULT_RUN_BUDGET_MS);
  const { sources: cursors, condition } = await readCursor(settings, clients);
  const summaries: SourceRunSummary[] = [];
  const next = new Map<string, SourceCursor>();
  for (const account of settings.sourceAccountIds) {
    try {
      const { summary, cursor } = await runSource(account, cursors.get(account), settings, now, deadline, clients);
      summaries.push(summary);
      if (cursor !== undefined) next.set(account, cursor);
    } catch (error) {
      const previous = cursors.get(account);
      if (previous !== undefined) next.set(account, previous);
      summaries.push({
        sourceAccountId: account,
        listed: 0,
        checked: 0,
        confirmed: 0,
        rejected: 0,
        deferred: 0,
        failures: [{ key: handoversPrefix(sourceArchivePrefix(settings.archivePrefix, account)), reason: classifyAwsError(error).message }],
        record: 'not-saved',
      });
    }
  }
  const cursorKey = vaultCursorKey(settings.archivePrefix);
  let cursorSaved = false;
  try {
    cursorSaved = (await writeJsonIf(settings.archiveBucket, cursorKey, formatCursor(next, now), condition, clients.s3)) === 'written';
    if (!cursorSaved)
      writeLogLine(
        JSON.stringify({
          level: 'WARN',
          cursor: 'not-saved',
          reason: 'another run changed it while this one ran; the next run lists from its cursor',
          key: cursorKey,
        }),
      );
  } catch (error) {
    writeLogLine(JSON.stringify({ level: 'WARN', cursor: 'not-saved', reason: `writing it failed: ${classifyAwsError(error).message}`, key: cursorKey }));
  }
  const failures = summaries.flatMap((s) => s.failures.map((f) => ({ sourceAccountId: s.sourceAccountId, ...f })));
  writeLogLine(
    JSON.stringify({
      level: failures.length > 0 ? 'WARN' : 'INFO',
      vaultVerification: 'finished',
      sources: summaries.map(({ failures: f, ...rest }) => ({ ...rest, failed: f.length })),
      cursorSaved,
    }),
  );
  if (failures.length > 0)
    throw new Error(
      `${failures.length} handover(s) could not be handled; the next run tries again: ${failures.map((f) => `${f.key}: ${f.reason}`).join('; ')}`,
    );
  writeLogLine(metricLine(settings.archiveName, { [VAULT_VERIFICATION_SUCCEEDED]: { value: 1, unit: 'Count' } }, now));
  return { sources: summaries, cursorSaved };
}
