// The decision of which exports to start, given the snapshots, the export tasks that exist and
// the free export slots. Pure: the scheduled reconciler and the CLI's backfill both call it.

/** Export task states RDS reports, upper-cased. */
export type ExportTaskStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELING' | 'CANCELED' | 'FAILED';

/** A snapshot that may need exporting. */
export interface SnapshotRecord {
  readonly snapshotArn: string;
  /** When RDS created the snapshot; older snapshots are exported first. */
  readonly createdAt: Date;
  /** Whether the configuration selects it and its engine can be exported. */
  readonly eligible: boolean;
}

/** An export task as DescribeExportTasks reports it. */
export interface ExportTaskRecord {
  readonly exportTaskIdentifier: string;
  readonly sourceArn: string;
  readonly status: string;
}

/** What the plan says about one snapshot. */
export type SnapshotDecision =
  | { readonly kind: 'start'; readonly snapshotArn: string; readonly attempt: number; readonly exportTaskIdentifier: string }
  | { readonly kind: 'deferred'; readonly snapshotArn: string; readonly attempt: number; readonly exportTaskIdentifier: string }
  | { readonly kind: 'exported' | 'running'; readonly snapshotArn: string; readonly exportTaskIdentifier: string }
  | { readonly kind: 'gave-up'; readonly snapshotArn: string; readonly attempts: number; readonly lastExportTaskIdentifier: string }
  | { readonly kind: 'ineligible'; readonly snapshotArn: string };

/** Inputs of the plan. */
export interface PlanInputs {
  readonly snapshots: readonly SnapshotRecord[];
  /** The export tasks of the snapshots planned for (running ones use the shared quota). */
  readonly tasks: readonly ExportTaskRecord[];
  /**
   * Exports running in the account, ours or not, when `tasks` does not hold them all (a
   * reconciliation asks only about its own snapshots). @default the running ones among `tasks`
   */
  readonly runningInAccount?: number;
  /** Exports that may run at once (the account's quota, or less). */
  readonly maxConcurrentExports: number;
  /** Attempts per snapshot, the first included, before it is reported and left alone. */
  readonly maxAttempts: number;
  /** The deterministic identifier of a snapshot's export attempt (1-based). */
  readonly exportTaskIdentifier: (snapshotArn: string, attempt: number) => string;
}

/** The plan: what to start now (oldest first), and a decision for every snapshot. */
export interface ExportPlan {
  readonly toStart: readonly Extract<SnapshotDecision, { kind: 'start' }>[];
  readonly decisions: readonly SnapshotDecision[];
  /** Exports running now in the account, ours or not. */
  readonly running: number;
  readonly freeSlots: number;
}

const FAILED = new Set(['FAILED', 'CANCELED']);

/** Anything not finished counts as running (STARTING, IN_PROGRESS, CANCELING, or a new state): never start a twin. */
function isRunning(status: string): boolean {
  return status !== 'COMPLETE' && !FAILED.has(status);
}

/**
 * Decides which exports to start: eligible snapshots with no complete or running export, the
 * next attempt after a failed or canceled one (up to maxAttempts), oldest first, no more than
 * the free slots. Runs in O(snapshots × attempts + tasks).
 */
export function planExports(inputs: PlanInputs): ExportPlan {
  const tasksById = new Map<string, ExportTaskRecord>();
  // An export of the same snapshot under any name (an operator's, say) counts as well.
  const coveringTask = new Map<string, ExportTaskRecord>();
  let running = 0;
  for (const task of inputs.tasks) {
    const status = task.status.toUpperCase();
    tasksById.set(task.exportTaskIdentifier, task);
    if (isRunning(status)) running++;
    if (!FAILED.has(status)) coveringTask.set(task.sourceArn, task);
  }
  running = Math.max(running, inputs.runningInAccount ?? 0);
  const freeSlots = Math.max(0, inputs.maxConcurrentExports - running);

  const decisions: SnapshotDecision[] = [];
  const candidates: Array<{ snapshot: SnapshotRecord; attempt: number; exportTaskIdentifier: string; index: number }> = [];
  const seen = new Set<string>();
  for (const snapshot of inputs.snapshots) {
    const arn = snapshot.snapshotArn;
    if (seen.has(arn)) continue;
    seen.add(arn);
    if (!snapshot.eligible) {
      decisions.push({ kind: 'ineligible', snapshotArn: arn });
      continue;
    }
    const decision = decideSnapshot(arn, inputs, tasksById, coveringTask.get(arn));
    if (decision.kind === 'start') {
      candidates.push({ snapshot, attempt: decision.attempt, exportTaskIdentifier: decision.exportTaskIdentifier, index: decisions.length });
    }
    decisions.push(decision);
  }

  candidates.sort((a, b) => a.snapshot.createdAt.getTime() - b.snapshot.createdAt.getTime() || a.snapshot.snapshotArn.localeCompare(b.snapshot.snapshotArn));
  const toStart: Extract<SnapshotDecision, { kind: 'start' }>[] = [];
  for (const [position, candidate] of candidates.entries()) {
    const base = { snapshotArn: candidate.snapshot.snapshotArn, attempt: candidate.attempt, exportTaskIdentifier: candidate.exportTaskIdentifier };
    if (position < freeSlots) {
      const start = { kind: 'start' as const, ...base };
      toStart.push(start);
      decisions[candidate.index] = start;
    } else {
      decisions[candidate.index] = { kind: 'deferred', ...base };
    }
  }
  return { toStart, decisions, running, freeSlots };
}

function decideSnapshot(
  snapshotArn: string,
  inputs: PlanInputs,
  tasksById: ReadonlyMap<string, ExportTaskRecord>,
  coveringTask: ExportTaskRecord | undefined,
): SnapshotDecision {
  let lastFailed: string | undefined;
  for (let attempt = 1; attempt <= inputs.maxAttempts; attempt++) {
    const exportTaskIdentifier = inputs.exportTaskIdentifier(snapshotArn, attempt);
    const task = tasksById.get(exportTaskIdentifier);
    if (task === undefined) {
      if (coveringTask !== undefined) break;
      return { kind: 'start', snapshotArn, attempt, exportTaskIdentifier };
    }
    const status = task.status.toUpperCase();
    if (status === 'COMPLETE') return { kind: 'exported', snapshotArn, exportTaskIdentifier };
    if (isRunning(status)) return { kind: 'running', snapshotArn, exportTaskIdentifier };
    lastFailed = exportTaskIdentifier;
  }
  if (coveringTask !== undefined) {
    const kind = coveringTask.status.toUpperCase() === 'COMPLETE' ? 'exported' : 'running';
    return { kind, snapshotArn, exportTaskIdentifier: coveringTask.exportTaskIdentifier };
  }
  return {
    kind: 'gave-up',
    snapshotArn,
    attempts: inputs.maxAttempts,
    lastExportTaskIdentifier: lastFailed ?? inputs.exportTaskIdentifier(snapshotArn, inputs.maxAttempts),
  };
}
