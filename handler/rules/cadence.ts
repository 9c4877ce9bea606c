// Which snapshots the archive policy wants exported: the decision that the first eligible
// snapshot of each database's period (periods.ts) is due unless the period is covered.
// Pure: the event path and the reconciliation both call it and must agree, so a decision depends
// only on the data, never on the order of the input or on who asks.
import { type ArchivePolicy, type Cadence, type ManualSnapshotPolicy, ruleFor } from '../contract/policy';
import { periodBounds, periodOf } from './periods';
import { snapshotTypeOfIdentifier } from './selection';

/** A snapshot the cadence decides about. */
export interface CadenceSnapshot {
  readonly snapshotArn: string;
  /** The DB instance or cluster identifier the snapshot is of; policy rules match it. */
  readonly database: string;
  /** RDS's SnapshotType: "automated", "manual", "awsbackup", or another type, which follows the cadence like "automated". */
  readonly snapshotType: string;
  /** When RDS created the snapshot (SnapshotCreateTime); it places the snapshot in its period. */
  readonly createdAt: Date;
  /** Whether the selection picks it (type, database patterns, engine) and it is available. */
  readonly eligible: boolean;
}

/**
 * What the account's export tasks say about one snapshot: `complete`; `running` (anything not
 * finished); `failed` (an attempt failed and the planner will retry it); `gave-up` (every attempt
 * up to maxAttempts failed).
 */
export type ExportState = 'complete' | 'running' | 'failed' | 'gave-up';

/**
 * The exports of one snapshot. An export of a snapshot that is not in the snapshot list (RDS deletes
 * automated snapshots after at most 35 days, so early snapshots of a monthly or yearly period are
 * often gone) still covers its period when `database` and `snapshotCreatedAt` are given.
 */
export interface CadenceExport {
  readonly snapshotArn: string;
  readonly state: ExportState;
  /** The snapshot's database, needed when the snapshot is not listed. @default the listed snapshot's */
  readonly database?: string;
  /** When the snapshot (not the export) was created: DescribeExportTasks' SnapshotTime. @default the listed snapshot's */
  readonly snapshotCreatedAt?: Date;
  /** The snapshot's type when it is not listed. @default from the ARN: "rds:" automated, "awsbackup:" AWS Backup, else manual */
  readonly snapshotType?: string;
  /** The export task, named in decision reasons. @default unnamed */
  readonly exportTaskIdentifier?: string;
}

/** What {@link applyCadence} decides from. */
export interface CadenceInput {
  readonly policy: ArchivePolicy;
  /**
   * The snapshots to decide about. For a period cadence the decision about a snapshot depends on
   * every snapshot of its database and period, so the caller must pass all of them: list from
   * {@link decisionWindowStart}, not from its own lookback start, and act on every due decision
   * that has a `period`. Decisions without one (`every`, manual under `always`) depend on the
   * snapshot alone, so a caller may keep limiting those to its lookback window.
   */
  readonly snapshots: readonly CadenceSnapshot[];
  /** Export states per snapshot, listed or not; several entries of one snapshot are merged, the most conclusive winning. */
  readonly exports: readonly CadenceExport[];
}

/** What the policy says about one snapshot. */
export interface CadenceDecision {
  readonly snapshotArn: string;
  readonly database: string;
  /** Whether the policy wants this snapshot archived (the planner then starts, retries or reports its export). */
  readonly due: boolean;
  /** Why, naming the rule (`rule 1 (orders-*)` or `defaultCadence`) and the cadence. */
  readonly reason: string;
  /** The period key (such as `2026-11`) when the snapshot follows a period cadence; absent for `every` and manual `always`. */
  readonly period?: string;
  /** The snapshot whose export (existing or due) stands for the period, when it is not this one or it is already exported. */
  readonly coveredBy?: string;
}

/**
 * How far back a caller must list snapshots (and exports) to decide about everything created since
 * `since`: the start of the period containing `since`, the earliest over the policy's cadences.
 */
export function decisionWindowStart(cadenceOrPolicy: Cadence | ArchivePolicy, since: Date): Date {
  const cadences =
    typeof cadenceOrPolicy === 'string' ? [cadenceOrPolicy] : [cadenceOrPolicy.defaultCadence, ...cadenceOrPolicy.rules.map((rule) => rule.cadence)];
  return new Date(Math.min(...cadences.map((cadence) => periodBounds(cadence, since).start.getTime())));
}

/** An eligible listed snapshot that follows the cadence, placed in its database's period. */
interface PeriodMember {
  readonly snapshot: CadenceSnapshot;
  readonly export?: MergedExport;
}

/** A complete or running export in a period, of a listed snapshot or one known only from its export. */
interface Cover {
  readonly snapshotArn: string;
  readonly createdAt: number;
  readonly export: MergedExport;
}

interface MergedExport {
  readonly state: ExportState;
  readonly database?: string;
  readonly snapshotCreatedAt?: Date;
  readonly snapshotType?: string;
  readonly exportTaskIdentifier?: string;
}

interface PeriodGroup {
  readonly label: string;
  readonly period: string;
  readonly candidates: PeriodMember[];
  readonly covering: Cover[];
}

// When several entries describe one snapshot, the one that says the most about the period wins.
const CONCLUSIVENESS: Readonly<Record<ExportState, number>> = { complete: 3, running: 2, 'gave-up': 1, failed: 0 };

/**
 * Decides, per snapshot, whether the policy wants it exported. `every`: each eligible snapshot is
 * due. A period cadence: per database and period, a snapshot with a complete or running export is
 * due (it is the archive); otherwise, if such an export covers the period, the rest are not due;
 * otherwise a snapshot whose export failed stays due while the planner retries it (the earliest, if
 * several), and failing that the first eligible snapshot (by creation time, then ARN) is due. One
 * whose export gave up hands the period to the next eligible snapshot; when none is left, the first
 * remains due so the gap shows in the archive lag. Manual snapshots under `always` are due and
 * neither wait for nor cover a period, so ad-hoc snapshots never move the regular schedule (see
 * {@link ManualSnapshotPolicy}). Ineligible snapshots are not due ("not selected") and never cover.
 * One decision per distinct snapshot ARN, in input order (a snapshot listed twice: its first listing).
 */
export function applyCadence(input: CadenceInput): CadenceDecision[] {
  const exports = mergeExports(input.exports);
  const snapshots = new Map<string, CadenceSnapshot>();
  for (const snapshot of input.snapshots) if (!snapshots.has(snapshot.snapshotArn)) snapshots.set(snapshot.snapshotArn, snapshot);

  const groups = new Map<string, PeriodGroup>();
  const groupOf = (database: string, createdAt: Date): PeriodGroup | undefined => {
    const rule = ruleFor(input.policy, database);
    if (rule.cadence === 'every') return undefined;
    const period = periodOf(rule.cadence, createdAt);
    // RDS identifiers are case-insensitive; a caller may spell one export's database differently.
    const key = `${database.toLowerCase()}\n${period}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { label: `${rule.source} says ${rule.cadence}`, period, candidates: [], covering: [] };
      groups.set(key, group);
    }
    return group;
  };

  for (const snapshot of snapshots.values()) {
    if (snapshot.eligible && Number.isNaN(snapshot.createdAt.getTime())) {
      throw new RangeError(`applyCadence: snapshot ${snapshot.snapshotArn} has an invalid createdAt; pass RDS's SnapshotCreateTime`);
    }
    if (!snapshot.eligible || !followsCadence(input.policy, snapshot.database, snapshot.snapshotType)) continue;
    const group = groupOf(snapshot.database, snapshot.createdAt);
    if (group === undefined) continue;
    const merged = exports.get(snapshot.snapshotArn);
    group.candidates.push({ snapshot, export: merged });
    if (merged !== undefined && covers(merged.state))
      group.covering.push({ snapshotArn: snapshot.snapshotArn, createdAt: snapshot.createdAt.getTime(), export: merged });
  }
  for (const [snapshotArn, merged] of exports) {
    // A listed snapshot's own data wins; an unlisted one counts only when it can be placed.
    if (snapshots.has(snapshotArn) || !covers(merged.state)) continue;
    if (merged.database === undefined || merged.snapshotCreatedAt === undefined || Number.isNaN(merged.snapshotCreatedAt.getTime())) continue;
    const type = merged.snapshotType ?? snapshotTypeOfArn(snapshotArn);
    if (!followsCadence(input.policy, merged.database, type)) continue;
    groupOf(merged.database, merged.snapshotCreatedAt)?.covering.push({ snapshotArn, createdAt: merged.snapshotCreatedAt.getTime(), export: merged });
  }

  const periodDecisions = new Map<string, CadenceDecision>();
  for (const group of groups.values()) {
    for (const decision of decidePeriod(group)) periodDecisions.set(decision.snapshotArn, decision);
  }

  return [...snapshots.values()].map((snapshot): CadenceDecision => {
    const base = { snapshotArn: snapshot.snapshotArn, database: snapshot.database };
    if (!snapshot.eligible) return { ...base, due: false, reason: 'not selected' };
    const decided = periodDecisions.get(snapshot.snapshotArn);
    if (decided !== undefined) return decided;
    const rule = ruleFor(input.policy, snapshot.database);
    if (rule.cadence === 'every') return { ...base, due: true, reason: `${rule.source} says every: every eligible snapshot is exported` };
    return { ...base, due: true, reason: `manual snapshot: ${rule.source} exports manual snapshots always, outside its ${rule.cadence} cadence` };
  });
}

function decidePeriod(group: PeriodGroup): CadenceDecision[] {
  const { label, period } = group;
  const decision = (member: PeriodMember, due: boolean, reason: string, coveredBy?: string): CadenceDecision => ({
    snapshotArn: member.snapshot.snapshotArn,
    database: member.snapshot.database,
    due,
    reason: `${label}: ${reason}`,
    period,
    ...(coveredBy === undefined ? {} : { coveredBy }),
  });
  const candidates = [...group.candidates].sort((a, b) =>
    byCreation(a.snapshot.createdAt.getTime(), a.snapshot.snapshotArn, b.snapshot.createdAt.getTime(), b.snapshot.snapshotArn),
  );

  const cover = [...group.covering].sort(
    (a, b) => CONCLUSIVENESS[b.export.state] - CONCLUSIVENESS[a.export.state] || byCreation(a.createdAt, a.snapshotArn, b.createdAt, b.snapshotArn),
  )[0];
  if (cover !== undefined) {
    const coverText = `the ${cover.export.state} export${taskName(cover.export)} of ${cover.snapshotArn}`;
    return candidates.map((member) => {
      if (member.export !== undefined && covers(member.export.state)) {
        const also = member.snapshot.snapshotArn === cover.snapshotArn ? '' : ` (${period} is also covered by ${coverText})`;
        return decision(member, true, `its export is ${member.export.state}${taskName(member.export)}, archiving ${period}${also}`, cover.snapshotArn);
      }
      return decision(member, false, `${period} is already covered by ${coverText}`, cover.snapshotArn);
    });
  }

  // Nobody covers the period yet. A snapshot whose failed export the planner is retrying keeps
  // the period, even if an earlier snapshot is listed later: the choice stays put until it
  // succeeds or gives up. Otherwise the first eligible snapshot whose export has not given up.
  const taker =
    candidates.find((member) => member.export?.state === 'failed') ?? candidates.find((member) => member.export?.state !== 'gave-up') ?? candidates[0];
  if (taker === undefined) return [];
  const takerState =
    taker.export?.state === 'failed'
      ? 'whose failed export is being retried'
      : taker.export?.state === 'gave-up'
        ? 'whose export gave up'
        : 'whose export is due';
  return candidates.map((member) => {
    if (member === taker) {
      if (taker.export?.state === 'gave-up') {
        return decision(member, true, `first eligible snapshot of ${period}; every export attempt failed and no later snapshot of the period can stand in yet`);
      }
      const gaveUp = candidates.filter((c) => c.export?.state === 'gave-up').length;
      const after = gaveUp > 0 ? ` after ${gaveUp} earlier snapshot(s) whose exports gave up` : '';
      if (taker.export?.state === 'failed') return decision(member, true, `its export failed and is retried; ${period} has no complete or running export`);
      return decision(member, true, `first eligible snapshot of ${period}${after}; ${period} has no complete or running export`);
    }
    const prefix = member.export?.state === 'gave-up' ? 'every export attempt failed; ' : '';
    return decision(member, false, `${prefix}${period} falls to ${taker.snapshot.snapshotArn}, ${takerState}`, taker.snapshot.snapshotArn);
  });
}

function mergeExports(entries: readonly CadenceExport[]): Map<string, MergedExport> {
  const merged = new Map<string, MergedExport>();
  for (const entry of entries) {
    const previous = merged.get(entry.snapshotArn);
    if (previous === undefined) {
      merged.set(entry.snapshotArn, entry);
      continue;
    }
    const [winner, other] = moreConclusive(entry, previous) ? [entry, previous] : [previous, entry];
    merged.set(entry.snapshotArn, {
      state: winner.state,
      exportTaskIdentifier: winner.exportTaskIdentifier ?? other.exportTaskIdentifier,
      database: winner.database ?? other.database,
      snapshotCreatedAt: winner.snapshotCreatedAt ?? other.snapshotCreatedAt,
      snapshotType: winner.snapshotType ?? other.snapshotType,
    });
  }
  return merged;
}

/** A total order, so the merge does not depend on the order of the entries: state, then the task named first. */
function moreConclusive(a: MergedExport, b: MergedExport): boolean {
  const byState = CONCLUSIVENESS[a.state] - CONCLUSIVENESS[b.state];
  if (byState !== 0) return byState > 0;
  const [x, y] = [a.exportTaskIdentifier ?? '\uffff', b.exportTaskIdentifier ?? '\uffff'];
  return x < y;
}

/** Whether a snapshot of this type follows the database's cadence (manual snapshots under `always` do not). */
export function followsCadence(policy: ArchivePolicy, database: string, snapshotType: string): boolean {
  const manual: ManualSnapshotPolicy = ruleFor(policy, database).manualSnapshots;
  return snapshotType.toLowerCase() !== 'manual' || manual === 'cadence';
}

function covers(state: ExportState): boolean {
  return state === 'complete' || state === 'running';
}

/** The type a snapshot ARN implies; an identifier without the automated or AWS Backup prefix is a manual snapshot. */
function snapshotTypeOfArn(snapshotArn: string): string {
  const identifier = /:(?:cluster-)?snapshot:(.+)$/.exec(snapshotArn)?.[1] ?? '';
  return snapshotTypeOfIdentifier(identifier) ?? 'manual';
}

/** Oldest first, then by ARN, so equal creation times still give one order. */
function byCreation(aTime: number, aArn: string, bTime: number, bArn: string): number {
  return aTime - bTime || (aArn < bArn ? -1 : aArn > bArn ? 1 : 0);
}

function taskName(merged: MergedExport): string {
  return merged.exportTaskIdentifier === undefined ? '' : ` (${merged.exportTaskIdentifier})`;
}
