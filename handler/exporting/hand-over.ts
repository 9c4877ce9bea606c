// Vault mode, the source's side (docs/handler-contract.md, "Vault mode"): a source account's
// exporter cannot read its exports in the vault's bucket, so it never verifies or catalogs them.
// It hands each completed export over instead: the export task's description, as its own
// DescribeExportTasks returned it, written as a small JSON file under its own prefix, where the
// vault verifier picks it up. Loaded with the recorder (record-export.ts), which brings the S3 client.
import type { ExportTask } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/clients';
import { classifyAwsError } from '../aws/errors';
import { listKeysAfter, writeJsonIf } from '../aws/s3';
import { logDecision, metricLine, writeLogLine } from '../common/log';
import { handoverKey, handoversPrefix, handoversStartAfter, parseHandoverFileName, verifiedRecordKey } from '../contract/archive-layout';
import { buildHandover, formatHandover } from '../contract/handover';
import { EXPORTS_HANDED_OVER } from '../contract/metric-names';
import type { Settings } from '../contract/settings';
import { readVerifiedRecord } from '../verification/verified-record-store';
import { exportsToCheck } from '../verification/verified-record';

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`), or undefined. */
function accountOfArn(arn: string | undefined): string | undefined {
  const account = (arn ?? '').split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** A source exporter's settings that do not fit the vault's layout: the handover would be rejected, so it is not written. */
export class HandoverSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandoverSettingsError';
  }
}

/**
 * The source account of an export, checked against the exporter's settings: the snapshot's
 * account, which must be the last segment of the archive prefix (`<vault prefix>/<account>`).
 */
export function sourceAccountOf(task: Pick<ExportTask, 'SourceArn' | 'ExportTaskIdentifier'>, settings: Pick<Settings, 'archivePrefix'>): string {
  const account = accountOfArn(task.SourceArn);
  if (account === undefined)
    throw new HandoverSettingsError(
      `the export ${task.ExportTaskIdentifier} names no account in its SourceArn "${task.SourceArn}", so it cannot be handed over`,
    );
  const last = settings.archivePrefix.split('/').pop();
  if (last !== account) {
    throw new HandoverSettingsError(
      `ARCHIVE_PREFIX "${settings.archivePrefix}" does not end with this account's id ${account}: a source of a vault exports under <vault prefix>/<its account id>, and the vault rejects handovers from anywhere else. Redeploy the source stack so the setting is written as the vault expects.`,
    );
  }
  return account;
}

/** What handing one export over wrote. */
export interface HandedOver {
  readonly key: string;
  readonly sourceAccountId: string;
}

/**
 * Writes the handover of a COMPLETE export into the archive (vault) bucket under this exporter's
 * prefix and emits ExportsHandedOver. Each call writes a new file (its key holds the time): the
 * vault verifies an export once whatever number of handovers name it.
 *
 * @throws HandoverSettingsError when the export does not belong under this exporter's prefix; the SDK's errors
 */
export async function handOverExport(task: ExportTask, settings: Settings, now: Date = new Date(), clients: AwsClients = {}): Promise<HandedOver> {
  const sourceAccountId = sourceAccountOf(task, settings);
  const key = handoverKey(settings.archivePrefix, now, task.ExportTaskIdentifier ?? '');
  const body = formatHandover(buildHandover(task, sourceAccountId, now));
  await writeJsonIf(settings.archiveBucket, key, body, { ifNoneMatch: '*' }, clients.s3);
  writeLogLine(metricLine(settings.archiveName, { [EXPORTS_HANDED_OVER]: { value: 1, unit: 'Count' } }, now));
  return { key, sourceAccountId };
}

/**
 * How long before an export's end its handover may be stamped: the handover's time is this
 * Lambda's clock, the task's end RDS's, and an export's event can arrive before DescribeExportTasks
 * shows its end. An hour is far more than either.
 */
const CLOCK_MARGIN_MS = 60 * 60 * 1000;

/** A handed-over export still waiting for the vault after this long is worth a warning: the vault verifies within its hourly run. */
const WAITING_WARN_MS = 24 * 60 * 60 * 1000;

/** What the reconciliation's hand-over did. */
export interface HandOverSummary {
  /** Completed exports into the archive bucket in the window. */
  readonly completed: number;
  /** Those the vault's record of verified exports did not name. */
  readonly unverified: number;
  /** Handovers written by this run. */
  readonly handedOver: number;
  /** Unverified exports already handed over: the vault has them. */
  readonly waiting: number;
  readonly failures: { exportTaskIdentifier: string; reason: string }[];
}

/** The earliest a handover of `task` can be stamped: its end (or, unknown, its start or snapshot) less the clock margin. */
function earliestHandover(task: ExportTask): number | undefined {
  const time = task.TaskEndTime ?? task.TaskStartTime ?? task.SnapshotTime;
  return time === undefined ? undefined : time.getTime() - CLOCK_MARGIN_MS;
}

/**
 * The reconciliation's side of vault mode: hands over the window's completed exports that the
 * vault has not verified and that have not been handed over yet. It reads the vault's record of
 * verified exports under this exporter's prefix (one GET): in steady state every completed export
 * is named there and nothing else is asked. Only when some are not does it list the handovers
 * made since the earliest of those completed (one request per 1,000 handovers), and write a
 * handover for each export that has none. An export handed over but not verified is left to the
 * vault (whose own schedule catches lost notifications), never handed over again every hour;
 * after a day it is logged as a warning. Never throws: a failure is reported and retried next run.
 */
export async function handOverUnverifiedExports(
  settings: Settings,
  completed: readonly ExportTask[],
  now: Date,
  clients: AwsClients = {},
): Promise<HandOverSummary> {
  const summary = { completed: completed.length, unverified: 0, handedOver: 0, waiting: 0, failures: [] as { exportTaskIdentifier: string; reason: string }[] };
  if (completed.length === 0) return summary;
  const bucket = settings.archiveBucket;
  const recordKey = verifiedRecordKey(settings.archivePrefix);
  const read = await readVerifiedRecord(bucket, recordKey, clients.s3);
  if (read.state === 'unreadable')
    writeLogLine(
      JSON.stringify({ level: 'WARN', verifiedRecord: 'unreadable', reason: `${read.reason}: the vault rewrites it; handovers are listed`, key: recordKey }),
    );
  const unverified = exportsToCheck(completed, read.state === 'read' ? read.folders : new Set<string>());
  summary.unverified = unverified.length;
  if (unverified.length === 0) return summary;

  const starts = unverified.map(earliestHandover);
  const since = starts.some((start) => start === undefined) ? undefined : Math.min(...(starts as number[]));
  let handedOverAt: Map<string, number>;
  try {
    const prefix = handoversPrefix(settings.archivePrefix);
    const keys = await listKeysAfter(
      bucket,
      prefix,
      since === undefined ? undefined : handoversStartAfter(settings.archivePrefix, new Date(since)),
      clients.s3,
    );
    handedOverAt = handoverTimes(prefix, keys);
  } catch (error) {
    summary.failures.push({ exportTaskIdentifier: '(handovers)', reason: `listing the handovers failed: ${classifyAwsError(error).message}` });
    return summary;
  }
  for (const task of unverified) {
    const id = task.ExportTaskIdentifier ?? '';
    const at = handedOverAt.get(id);
    if (at !== undefined) {
      summary.waiting++;
      if (now.getTime() - at > WAITING_WARN_MS) {
        writeLogLine(
          JSON.stringify({
            level: 'WARN',
            decision: 'waiting-for-vault',
            reason: `handed over to the vault ${Math.round((now.getTime() - at) / 3_600_000)} hours ago and not verified yet: read the vault verifier's logs (a rejected handover is logged there with its reason); once the cause is fixed, deleting the vault's cursor makes its next hourly run read every handover again`,
            exportTaskIdentifier: id,
            snapshotArn: task.SourceArn,
          }),
        );
      }
      continue;
    }
    try {
      const { key } = await handOverExport(task, settings, now, clients);
      summary.handedOver++;
      logDecision({
        decision: 'exported',
        reason: `reconciliation: handed over to the vault ${settings.vaultAccountId} at s3://${bucket}/${key}`,
        exportTaskIdentifier: id,
        snapshotArn: task.SourceArn,
      });
    } catch (error) {
      summary.failures.push({ exportTaskIdentifier: id, reason: classifyAwsError(error).message });
    }
  }
  return summary;
}

/** Each handed-over export's latest handover time, from the handover keys under `prefix` (other keys are ignored). */
export function handoverTimes(prefix: string, keys: readonly string[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const key of keys) {
    const file = key.startsWith(prefix) ? parseHandoverFileName(key.slice(prefix.length)) : undefined;
    if (file === undefined) continue;
    const time = file.handedOverAt.getTime();
    times.set(file.exportTaskIdentifier, Math.max(times.get(file.exportTaskIdentifier) ?? 0, time));
  }
  return times;
}
