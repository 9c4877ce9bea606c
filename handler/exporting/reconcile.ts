// Use case: the reconciliation, shared by the schedule, the CLI's backfill and (for databases
// under a cadence rule) the event path. It lists the snapshots of the window, asks RDS about the
// export tasks of those snapshots and of their cadence periods only (so its cost follows the
// window, not the account's export history), decides with the cadence policy and the planner, and
// starts what is due, oldest first, within the free export slots.
import type { AwsClients } from '../aws/clients';
import type { ExportTask } from '@aws-sdk/client-rds';
import { archiveLag } from '../rules/archive-lag';
import { classifyAwsError, type ErrorClass } from '../aws/errors';
import { applyCadence, type CadenceDecision, type CadenceExport, decisionWindowStart, type ExportState, followsCadence } from '../rules/cadence';
import { periodOf } from '../rules/periods';
import { attemptOf, databaseOfExport, exportTaskIdentifier, type PeriodExport, periodExportIdentifier } from '../rules/export-naming';
import { type ExportPlan, planExports } from '../rules/export-plan';
import { type Decision, logDecision, metricLine, writeLogLine } from '../common/log';
import { ARCHIVE_LAG_HOURS, DATABASE_DIMENSION, RECONCILIATION_SUCCEEDED } from '../contract/metric-names';
import { ruleFor } from '../contract/policy';
import { mapWithConcurrency } from '../common/concurrency';
import { countRunningExports, findExportTasks, listSnapshots, startExport } from '../aws/rds';
import { recorder } from '../recorder';
import { type SnapshotInfo, selectSnapshot } from '../rules/selection';
import { matchesGlob } from '../contract/glob';
import type { Settings } from '../contract/settings';
import { exportsToCheck, verifiedFolderOf } from '../verification/verified-record';
import { verifiedRecordKey } from '../contract/archive-layout';
import { DAY_MS } from '../common/time';
import { exportRequest } from './export-request';

const FAILED = new Set(['FAILED', 'CANCELED']);

/** A due start that did not happen. */
export interface StartFailure {
  readonly snapshotArn: string;
  readonly errorClass: ErrorClass;
  /** The next run tries again (throttling, server errors, a full quota, a snapshot not ready). */
  readonly retryable: boolean;
  readonly reason: string;
}

/** What a reconciliation (or a backfill) found and did. */
export interface ReconcileResult {
  readonly plan: ExportPlan;
  /** The snapshots decided about (the window, widened back to the start of the oldest cadence period). */
  readonly snapshots: readonly SnapshotInfo[];
  /** The cadence policy's decision for each of them. */
  readonly cadence: readonly CadenceDecision[];
  /** The export tasks of those snapshots and of their cadence periods. */
  readonly tasks: readonly ExportTask[];
  /** The export states the decisions were made from. */
  readonly exports: readonly CadenceExport[];
  readonly started: readonly string[];
  /** Starts that failed, with the reason; retryable ones wait for the next run. */
  readonly failures: readonly StartFailure[];
}

/** Options of one reconciliation. */
export interface ReconcileOptions {
  /** Consider snapshots created at or after this time (cadence periods reach back further). */
  readonly since: Date;
  /** Only databases matching this glob (the CLI's --database); undefined for all. */
  readonly databasePattern?: string;
  /** Only this DB instance or cluster, listed with RDS's identifier filter (the event path). @default every database */
  readonly database?: string;
  /** Plan only; start nothing. @default false */
  readonly dryRun?: boolean;
  /** Called after each start, for progress output. */
  readonly onStarted?: (snapshotArn: string, exportTaskIdentifier: string) => void;
  /** @default the adapters' module-scope clients */
  readonly clients?: AwsClients;
}

/**
 * Whether a failed start still counts as "waiting for a free export slot": the quota was full,
 * or the snapshot is gone and no longer due. Anything else means the archive is not keeping up.
 */
export function isWaitingForSlot(failure: StartFailure): boolean {
  return failure.errorClass === 'quota' || failure.errorClass === 'gone';
}

/** The cadence period a snapshot is exported for, or undefined when it is exported on its own (cadence "every", manual "always"). */
export function periodExportOf(settings: Pick<Settings, 'policy'>, snapshot: SnapshotInfo): PeriodExport | undefined {
  const rule = ruleFor(settings.policy, snapshot.databaseIdentifier);
  if (rule.cadence === 'every' || snapshot.createdAt === undefined || !followsCadence(settings.policy, snapshot.databaseIdentifier, snapshot.snapshotType))
    return undefined;
  return { kind: snapshot.kind, database: snapshot.databaseIdentifier, cadence: rule.cadence, period: periodOf(rule.cadence, snapshot.createdAt) };
}

/**
 * The attempt number of an export task this archive started (by its snapshot's identifier or
 * its cadence period's), or undefined when the task is not one of ours.
 */
export function attemptOfExport(
  settings: Pick<Settings, 'policy' | 'maxExportAttempts'>,
  task: Pick<ExportTask, 'ExportTaskIdentifier' | 'SourceArn' | 'S3Prefix' | 'SnapshotTime'>,
): number | undefined {
  const id = task.ExportTaskIdentifier ?? '';
  const arn = task.SourceArn ?? '';
  const own = attemptOf(arn, id, settings.maxExportAttempts);
  if (own !== undefined) return own;
  const database = databaseOfExport(task);
  const rule = ruleFor(settings.policy, database);
  if (rule.cadence === 'every' || task.SnapshotTime === undefined) return undefined;
  const unit: PeriodExport = {
    kind: /:cluster-snapshot:/.test(arn) ? 'cluster' : 'instance',
    database,
    cadence: rule.cadence,
    period: periodOf(rule.cadence, task.SnapshotTime),
  };
  for (let attempt = 1; attempt <= settings.maxExportAttempts; attempt++) if (periodExportIdentifier(unit, attempt) === id) return attempt;
  return undefined;
}

/** The identifiers a snapshot's export attempts take: its period's, or its own. */
function identifierOf(settings: Settings, snapshot: SnapshotInfo | undefined, snapshotArn: string, attempt: number): string {
  const unit = snapshot === undefined ? undefined : periodExportOf(settings, snapshot);
  return unit === undefined ? exportTaskIdentifier(snapshotArn, attempt) : periodExportIdentifier(unit, attempt);
}

/** Each snapshot's export state, as the cadence policy reads it (complete > running > gave up > failed). */
function exportStates(
  settings: Settings,
  tasks: readonly ExportTask[],
  byArn: ReadonlyMap<string, SnapshotInfo>,
  periodOfTask: ReadonlyMap<string, PeriodExport>,
): CadenceExport[] {
  const byId = new Map(tasks.map((task) => [task.ExportTaskIdentifier ?? '', task]));
  const states: CadenceExport[] = [];
  for (const task of tasks) {
    const arn = task.SourceArn ?? '';
    const status = (task.Status ?? '').toUpperCase();
    let state: ExportState = status === 'COMPLETE' ? 'complete' : FAILED.has(status) ? 'failed' : 'running';
    if (state === 'failed') {
      // Given up when every attempt identifier of this snapshot (or its period) exists and failed.
      const unit = periodOfTask.get(task.ExportTaskIdentifier ?? '') ?? (byArn.has(arn) ? periodExportOf(settings, byArn.get(arn)!) : undefined);
      const attempts = Array.from({ length: settings.maxExportAttempts }, (_, i) =>
        unit === undefined ? exportTaskIdentifier(arn, i + 1) : periodExportIdentifier(unit, i + 1),
      );
      if (attempts.every((id) => FAILED.has((byId.get(id)?.Status ?? '').toUpperCase()))) state = 'gave-up';
    }
    const unit = periodOfTask.get(task.ExportTaskIdentifier ?? '');
    states.push({
      snapshotArn: arn,
      state,
      exportTaskIdentifier: task.ExportTaskIdentifier,
      database: unit?.database ?? byArn.get(arn)?.databaseIdentifier,
      snapshotCreatedAt: task.SnapshotTime,
    });
  }
  return states;
}

/** Plans and (unless dry-run) starts the missing exports. */
export async function reconcile(settings: Settings, options: ReconcileOptions): Promise<ReconcileResult> {
  const clients = options.clients ?? {};
  const windowStart = decisionWindowStart(settings.policy, options.since);
  const [listed, runningInAccount] = await Promise.all([
    listSnapshots(settings.snapshotTypes, { database: options.database }, clients.rds),
    countRunningExports(clients.rds),
  ]);
  const pattern = options.databasePattern;
  const snapshots = listed.filter((s) => s.createdAt === undefined || s.createdAt.getTime() >= windowStart.getTime());
  const byArn = new Map(snapshots.map((s) => [s.snapshotArn, s]));
  // --database narrows the configured selection; it never widens it.
  const selected = new Set(
    snapshots
      .filter((s) => selectSnapshot(s, settings).selected && (pattern === undefined || matchesGlob(pattern, s.databaseIdentifier)))
      .map((s) => s.snapshotArn),
  );

  // The periods of the window, and every attempt identifier each may have used.
  const periodOfTask = new Map<string, PeriodExport>();
  for (const snapshot of snapshots) {
    const unit = periodExportOf(settings, snapshot);
    if (unit === undefined || !selected.has(snapshot.snapshotArn)) continue;
    for (let attempt = 1; attempt <= settings.maxExportAttempts; attempt++) periodOfTask.set(periodExportIdentifier(unit, attempt), unit);
  }
  const [bySource, byPeriod] = await Promise.all([
    findExportTasks('source-arn', [...selected], clients.rds),
    findExportTasks('export-task-identifier', [...periodOfTask.keys()], clients.rds),
  ]);
  const tasks = [...new Map([...bySource, ...byPeriod].map((task) => [task.ExportTaskIdentifier ?? '', task])).values()];
  const exports = exportStates(settings, tasks, byArn, periodOfTask);

  const cadence = applyCadence({
    policy: settings.policy,
    snapshots: snapshots.map((s) => ({
      snapshotArn: s.snapshotArn,
      database: s.databaseIdentifier,
      snapshotType: s.snapshotType,
      createdAt: s.createdAt ?? new Date(0),
      eligible: selected.has(s.snapshotArn),
    })),
    exports,
  });
  // Snapshots before `since` are listed only to decide their period; only a period's snapshot is acted on.
  const due = new Set(
    cadence
      .filter((d) => d.due && (d.period !== undefined || (byArn.get(d.snapshotArn)?.createdAt?.getTime() ?? 0) >= options.since.getTime()))
      .map((d) => d.snapshotArn),
  );
  const plan = planExports({
    snapshots: snapshots.map((s) => ({ snapshotArn: s.snapshotArn, createdAt: s.createdAt ?? new Date(0), eligible: due.has(s.snapshotArn) })),
    tasks: tasks.map((t) => ({ exportTaskIdentifier: t.ExportTaskIdentifier ?? '', sourceArn: t.SourceArn ?? '', status: t.Status ?? '' })),
    runningInAccount,
    maxConcurrentExports: settings.maxConcurrentExports,
    maxAttempts: settings.maxExportAttempts,
    exportTaskIdentifier: (arn, attempt) => identifierOf(settings, byArn.get(arn), arn, attempt),
  });

  const started: string[] = [];
  const failures: StartFailure[] = [];
  if (!options.dryRun) {
    for (const start of plan.toStart) {
      const snapshot = byArn.get(start.snapshotArn)!;
      try {
        await startExport(exportRequest(settings, start.snapshotArn, snapshot.databaseIdentifier, start.exportTaskIdentifier), clients.rds);
        started.push(start.snapshotArn);
        options.onStarted?.(start.snapshotArn, start.exportTaskIdentifier);
      } catch (error) {
        const classified = classifyAwsError(error);
        if (classified.errorClass === 'duplicate') continue;
        failures.push({
          snapshotArn: start.snapshotArn,
          errorClass: classified.errorClass,
          retryable: ['retryable', 'quota', 'gone'].includes(classified.errorClass),
          reason: classified.message,
        });
        if (classified.errorClass === 'quota') break;
      }
    }
  }
  return { plan, snapshots, cadence, tasks, exports, started, failures };
}

/**
 * Completed exports checked at once. Most already have their manifest, so each check is one S3
 * listing; measured by npm run bench on 10,000 snapshots in the window (see README, Performance).
 */
const VERIFY_CONCURRENCY = 32;

/** What the verification of the window's completed exports did. */
interface VerificationSummary {
  readonly failures: { exportTaskIdentifier: string; reason: string }[];
  /** Completed exports into the archive bucket in the window. */
  readonly completed: number;
  /** Those the record of verified exports did not name: each checked with a listing (in vault mode, with the handovers' listing). */
  readonly checked: number;
  /** Vault mode: handovers this run wrote. */
  readonly handedOver?: number;
}

/** One JSON line about the record of verified exports, when it is worth a look. */
function logRecord(level: 'INFO' | 'WARN', verifiedRecord: string, reason: string, key: string): void {
  writeLogLine(JSON.stringify({ level, verifiedRecord, reason, key }));
}

/**
 * Verifies the completed exports into the archive bucket that have no manifest yet. The record of
 * verified exports (verified-record.ts) says which already have one: only the others are checked
 * (one listing each, verified when the manifest is missing), and those found or made verified are
 * added to it. Without a readable record every completed export is checked, as the first run does.
 */
async function verifyCompletedExports(settings: Settings, result: ReconcileResult, now: Date, clients: AwsClients): Promise<VerificationSummary> {
  const completed = result.tasks.filter((t) => (t.Status ?? '').toUpperCase() === 'COMPLETE' && t.S3Bucket === settings.archiveBucket);
  const failures: { exportTaskIdentifier: string; reason: string }[] = [];
  if (completed.length === 0) return { failures, completed: 0, checked: 0 };
  if (settings.vaultAccountId !== undefined) {
    // Vault mode: the vault verifies; this account hands over what the vault has not verified yet.
    const { handOverUnverifiedExports } = await recorder();
    const handed = await handOverUnverifiedExports(settings, completed, now, clients);
    return { failures: handed.failures, completed: handed.completed, checked: handed.unverified, handedOver: handed.handedOver };
  }
  const { recordUnlessRecorded, readVerifiedRecord, saveVerifiedRecord } = await recorder();
  const bucket = settings.archiveBucket;
  const key = verifiedRecordKey(settings.archivePrefix);
  const read = await readVerifiedRecord(bucket, key, clients.s3);
  if (read.state === 'absent') logRecord('INFO', 'building', 'no record of verified exports yet: every completed export is checked once', key);
  if (read.state === 'unreadable')
    logRecord('WARN', 'rebuilding', `the record of verified exports is unreadable (${read.reason}): every completed export is checked`, key);
  const toCheck = exportsToCheck(completed, read.state === 'read' ? read.folders : new Set<string>());
  const confirmed = new Set<string>();
  await mapWithConcurrency(toCheck, VERIFY_CONCURRENCY, async (task) => {
    try {
      // A recorded export costs one listing, not a read.
      await recordUnlessRecorded(task, settings, clients);
      confirmed.add(verifiedFolderOf(task));
    } catch (error) {
      failures.push({ exportTaskIdentifier: task.ExportTaskIdentifier ?? '', reason: classifyAwsError(error).message });
    }
  });
  const saved = await saveVerifiedRecord(bucket, key, read, { window: new Set(completed.map(verifiedFolderOf)), confirmed }, now, clients.s3);
  if (saved.state === 'not-saved') logRecord('WARN', 'not-saved', `${saved.reason}; the next reconciliation checks these exports again`, key);
  return { failures, completed: completed.length, checked: toCheck.length };
}

/** How many databases' lag is emitted with a Database dimension, worst first. */
const LAG_DATABASES = 10;

/** The lag metrics: the overall value (the alarm's) and the worst databases'. */
function lagMetricLines(settings: Settings, result: ReconcileResult, now: Date): string[] {
  const lag = archiveLag({
    decisions: result.cadence,
    snapshots: result.snapshots.map((s) => ({ snapshotArn: s.snapshotArn, createdAt: s.createdAt ?? now })),
    exports: result.exports,
    now,
    limit: LAG_DATABASES,
  });
  const hours = (value: number) => ({ [ARCHIVE_LAG_HOURS]: { value: Math.round(value * 100) / 100, unit: 'None' as const } });
  return [
    metricLine(settings.archiveName, hours(lag.overallHours), now),
    ...lag.byDatabase.map((d) => metricLine(settings.archiveName, hours(d.hours), now, { [DATABASE_DIMENSION]: d.database })),
  ];
}

/**
 * The scheduled run: reconcile the lookback window, verify completed exports that have no
 * manifest, log every action, emit the lag, and emit the heartbeat only when every due start
 * either started or waits for a free export slot. A run whose starts failed for another reason
 * (throttling, server errors) emits none, so the silence alarm fires if that persists;
 * misconfiguration fails the invocation.
 */
export async function scheduledReconciliation(settings: Settings, now: Date = new Date(), clients: AwsClients = {}): Promise<void> {
  const result = await reconcile(settings, { since: new Date(now.getTime() - settings.lookbackDays * DAY_MS), clients });
  const startedSet = new Set(result.started);
  const cadenceOf = new Map(result.cadence.map((d) => [d.snapshotArn, d]));
  for (const decision of result.plan.decisions) {
    if (decision.kind === 'start') {
      if (startedSet.has(decision.snapshotArn)) {
        logDecision({
          decision: 'started',
          reason: `reconciliation: attempt ${decision.attempt}`,
          snapshotArn: decision.snapshotArn,
          exportTaskIdentifier: decision.exportTaskIdentifier,
        });
      }
    } else if (decision.kind === 'deferred' || decision.kind === 'gave-up') {
      const reason =
        decision.kind === 'deferred'
          ? `no free export slot (${result.plan.running} running); next reconciliation`
          : `all ${decision.attempts} attempts failed; reported when the last one failed`;
      logDecision({ decision: decision.kind, reason, snapshotArn: decision.snapshotArn });
    } else if (decision.kind === 'ineligible') {
      const cadence = cadenceOf.get(decision.snapshotArn);
      // A snapshot the policy skips says why (which rule, which export covers its period).
      if (cadence !== undefined && cadence.reason !== 'not selected' && !cadence.due) {
        logDecision({
          decision: 'skipped',
          reason: cadence.reason,
          snapshotArn: decision.snapshotArn,
          database: cadence.database,
          period: cadence.period,
          coveredBy: cadence.coveredBy,
        });
      }
    }
  }
  for (const failure of result.failures) {
    logDecision({ decision: failure.retryable ? 'retry' : 'failed', reason: failure.reason, snapshotArn: failure.snapshotArn } satisfies Decision);
  }
  const verification = await verifyCompletedExports(settings, result, now, clients);
  const verificationFailures = verification.failures;
  for (const failure of verificationFailures) {
    logDecision({
      decision: 'retry',
      reason: `${settings.vaultAccountId === undefined ? 'verifying' : 'handing over'} the completed export failed: ${failure.reason}; the next reconciliation tries again`,
      exportTaskIdentifier: failure.exportTaskIdentifier,
    });
  }
  const summary: Record<string, number> = {};
  for (const d of result.plan.decisions) summary[d.kind] = (summary[d.kind] ?? 0) + 1;
  const notKeepingUp = result.failures.filter((f) => !isWaitingForSlot(f));
  writeLogLine(
    JSON.stringify({
      level: notKeepingUp.length > 0 || verificationFailures.length > 0 ? 'WARN' : 'INFO',
      reconciliation: 'finished',
      snapshots: result.snapshots.length,
      started: result.started.length,
      failedStarts: notKeepingUp.length,
      completedExports: verification.completed,
      checkedExports: verification.checked,
      failedVerifications: verificationFailures.length,
      ...(verification.handedOver === undefined ? {} : { handedOver: verification.handedOver }),
      running: result.plan.running,
      decisions: summary,
    }),
  );
  for (const line of lagMetricLines(settings, result, now)) writeLogLine(line);
  const misconfigured = result.failures.filter((f) => !f.retryable);
  if (misconfigured.length > 0) {
    throw new Error(`reconciliation could not start ${misconfigured.length} export(s): ${misconfigured[0]!.reason}`);
  }
  if (notKeepingUp.length > 0) return;
  writeLogLine(metricLine(settings.archiveName, { [RECONCILIATION_SUCCEEDED]: { value: 1, unit: 'Count' } }, now));
}
