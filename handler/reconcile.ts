// Use case: the scheduled reconciliation. Lists recent snapshots and all export tasks, plans
// with the shared planner, starts what is missing (oldest first, within the free slots).
import { classifyAwsError, type ErrorClass } from './aws-errors';
import { exportS3Prefix, exportTaskIdentifier } from './export-naming';
import { planExports, type ExportPlan } from './export-plan';
import { logDecision, metricLine, type Decision } from './log';
import { RECONCILIATION_SUCCEEDED } from './metric-names';
import { listExportTasks, listSnapshots, startExport } from './rds';
import { matchesGlob, selectSnapshot, type SnapshotInfo } from './selection';
import type { Settings } from './settings';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a reconciliation (or a backfill) found and did. */
export interface ReconcileResult {
  readonly plan: ExportPlan;
  readonly snapshots: readonly SnapshotInfo[];
  readonly started: readonly string[];
  /** Starts that failed, with the reason; retryable ones wait for the next run. */
  readonly failures: readonly StartFailure[];
}

/** A due start that did not happen. */
export interface StartFailure {
  readonly snapshotArn: string;
  readonly errorClass: ErrorClass;
  /** The next run tries again (throttling, server errors, a full quota, a snapshot not ready). */
  readonly retryable: boolean;
  readonly reason: string;
}

/**
 * Whether a failed start still counts as "waiting for a free export slot": the quota was full,
 * or the snapshot is gone and no longer due. Anything else means the archive is not keeping up.
 */
export function isWaitingForSlot(failure: StartFailure): boolean {
  return failure.errorClass === 'quota' || failure.errorClass === 'gone';
}

/** Options of one reconciliation. */
export interface ReconcileOptions {
  /** Consider snapshots created at or after this time. */
  readonly since: Date;
  /** Only databases matching this glob (the CLI's --database); undefined for all. */
  readonly databasePattern?: string;
  /** Plan only; start nothing. */
  readonly dryRun?: boolean;
  /** Called after each start, for progress output. */
  readonly onStarted?: (snapshotArn: string, exportTaskIdentifier: string) => void;
}

/** Plans and (unless dry-run) starts the missing exports. */
export async function reconcile(settings: Settings, options: ReconcileOptions): Promise<ReconcileResult> {
  const [all, tasks] = await Promise.all([listSnapshots(settings.snapshotTypes), listExportTasks()]);
  const pattern = options.databasePattern;
  const snapshots = all.filter((s) => s.createdAt === undefined || s.createdAt.getTime() >= options.since.getTime());
  const plan = planExports({
    snapshots: snapshots.map((s) => ({
      snapshotArn: s.snapshotArn,
      createdAt: s.createdAt ?? new Date(0),
      // --database narrows the configured selection; it never widens it.
      eligible: selectSnapshot(s, settings).selected && (pattern === undefined || matchesGlob(pattern, s.databaseIdentifier)),
    })),
    tasks: tasks.map((t) => ({ exportTaskIdentifier: t.ExportTaskIdentifier ?? '', sourceArn: t.SourceArn ?? '', status: t.Status ?? '' })),
    maxConcurrentExports: settings.maxConcurrentExports,
    maxAttempts: settings.maxExportAttempts,
    exportTaskIdentifier,
  });
  const byArn = new Map(snapshots.map((s) => [s.snapshotArn, s]));
  const started: string[] = [];
  const failures: StartFailure[] = [];
  if (!options.dryRun) {
    for (const start of plan.toStart) {
      const snapshot = byArn.get(start.snapshotArn)!;
      try {
        await startExport({
          exportTaskIdentifier: start.exportTaskIdentifier,
          snapshotArn: start.snapshotArn,
          bucket: settings.archiveBucket,
          s3Prefix: exportS3Prefix(settings.archivePrefix, snapshot.databaseIdentifier),
          roleArn: settings.exportRoleArn,
          kmsKeyArn: settings.exportKmsKeyArn,
          exportOnly: settings.exportOnly,
        });
        started.push(start.snapshotArn);
        options.onStarted?.(start.snapshotArn, start.exportTaskIdentifier);
      } catch (error) {
        const classified = classifyAwsError(error);
        if (classified.errorClass === 'duplicate') continue;
        failures.push({ snapshotArn: start.snapshotArn, errorClass: classified.errorClass, retryable: ['retryable', 'quota', 'gone'].includes(classified.errorClass), reason: classified.message });
        if (classified.errorClass === 'quota') break;
      }
    }
  }
  return { plan, snapshots, started, failures };
}

/**
 * The scheduled run: reconcile the lookback window, log every action, and emit the heartbeat
 * metric only when every due start either started or waits for a free export slot. A run whose
 * starts failed for another reason (throttling, server errors) emits none, so the silence alarm
 * fires if that persists; misconfiguration fails the invocation.
 */
export async function scheduledReconciliation(settings: Settings, now: Date = new Date()): Promise<void> {
  const result = await reconcile(settings, { since: new Date(now.getTime() - settings.lookbackDays * DAY_MS) });
  const startedSet = new Set(result.started);
  for (const decision of result.plan.decisions) {
    if (decision.kind === 'start') {
      if (startedSet.has(decision.snapshotArn)) {
        logDecision({ decision: 'started', reason: `reconciliation: attempt ${decision.attempt}`, snapshotArn: decision.snapshotArn, exportTaskIdentifier: decision.exportTaskIdentifier });
      }
    } else if (decision.kind === 'deferred' || decision.kind === 'gave-up') {
      const reason = decision.kind === 'deferred' ? `no free export slot (${result.plan.running} running); next reconciliation` : `all ${decision.attempts} attempts failed; reported when the last one failed`;
      logDecision({ decision: decision.kind, reason, snapshotArn: decision.snapshotArn });
    }
  }
  for (const failure of result.failures) {
    logDecision({ decision: failure.retryable ? 'retry' : 'failed', reason: failure.reason, snapshotArn: failure.snapshotArn } satisfies Decision);
  }
  const summary = Object.entries(
    result.plan.decisions.reduce<Record<string, number>>((counts, d) => ({ ...counts, [d.kind]: (counts[d.kind] ?? 0) + 1 }), {}),
  );
  const notKeepingUp = result.failures.filter((f) => !isWaitingForSlot(f));
  console.log(
    JSON.stringify({
      level: notKeepingUp.length > 0 ? 'WARN' : 'INFO',
      reconciliation: 'finished',
      snapshots: result.snapshots.length,
      started: result.started.length,
      failedStarts: notKeepingUp.length,
      running: result.plan.running,
      decisions: Object.fromEntries(summary),
    }),
  );
  const misconfigured = result.failures.filter((f) => !f.retryable);
  if (misconfigured.length > 0) {
    throw new Error(`reconciliation could not start ${misconfigured.length} export(s): ${misconfigured[0]!.reason}`);
  }
  if (notKeepingUp.length > 0) return;
  console.log(metricLine(settings.archiveName, { [RECONCILIATION_SUCCEEDED]: { value: 1, unit: 'Count' } }, now));
}
