// How far the archive is behind the policy, and what the policy's exports cost. Pure: the
// reconciliation turns the lag into a metric, the CLI prints the estimates.
import type { CadenceDecision, CadenceExport, CadenceSnapshot } from './cadence';
import type { Cadence } from '../contract/policy';
import { HOUR_MS } from '../common/time';

/** Average days in a Gregorian month (365.2425 / 12, rounded); the cost estimates use it. */
export const DAYS_PER_MONTH = 30.44;

// Days one period of each cadence lasts, for the estimates. A year is 12 estimate months so a
// yearly cadence is exactly 1/12 export a month; `every` has no period and is handled apart.
const PERIOD_DAYS: Readonly<Record<Exclude<Cadence, 'every'>, number>> = { daily: 1, weekly: 7, monthly: DAYS_PER_MONTH, yearly: 12 * DAYS_PER_MONTH };

/** What {@link archiveLag} measures from. */
export interface ArchiveLagInput {
  /** The cadence decisions: what applyCadence returned. */
  readonly decisions: readonly CadenceDecision[];
  /** The snapshots decided about; their creation times give the ages. */
  readonly snapshots: readonly Pick<CadenceSnapshot, 'snapshotArn' | 'createdAt'>[];
  readonly exports: readonly Pick<CadenceExport, 'snapshotArn' | 'state'>[];
  readonly now: Date;
  /** Databases listed in `byDatabase`. @default 10 */
  readonly limit?: number;
}

/** One database's lag: its oldest due snapshot without a complete export. */
export interface DatabaseLag {
  readonly database: string;
  readonly hours: number;
  readonly snapshotArn: string;
}

/** How far the archive is behind. */
export interface ArchiveLag {
  /** Age in hours of the oldest due snapshot without a complete export; 0 when every due snapshot is archived. */
  readonly overallHours: number;
  /** Databases with a lag, worst first (ties by name), at most `limit`. */
  readonly byDatabase: readonly DatabaseLag[];
}

/**
 * The age in hours of the oldest snapshot the policy says must be archived (due) that has no
 * complete export yet, overall and per database. A running, failed or given-up export does not
 * end the lag: only a complete one archives the snapshot. A snapshot created after `now` (clock
 * skew) counts as 0 hours old.
 */
export function archiveLag(input: ArchiveLagInput): ArchiveLag {
  const limit = input.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`archiveLag limit must be a whole number of at least 0, got ${limit}`);
  const now = input.now.getTime();
  if (Number.isNaN(now)) throw new RangeError('archiveLag needs a valid `now` Date');
  const complete = new Set(input.exports.filter((e) => e.state === 'complete').map((e) => e.snapshotArn));
  const createdAt = new Map(input.snapshots.map((s) => [s.snapshotArn, s.createdAt]));

  const worst = new Map<string, DatabaseLag>();
  for (const decision of input.decisions) {
    if (!decision.due || complete.has(decision.snapshotArn)) continue;
    const created = createdAt.get(decision.snapshotArn);
    if (created === undefined) {
      throw new Error(
        `archiveLag has a due decision for ${decision.snapshotArn} but no snapshot with that ARN: pass the snapshots the decisions were made from`,
      );
    }
    const hours = Math.max(0, now - created.getTime()) / HOUR_MS;
    const current = worst.get(decision.database);
    if (current === undefined || hours > current.hours || (hours === current.hours && decision.snapshotArn < current.snapshotArn)) {
      worst.set(decision.database, { database: decision.database, hours, snapshotArn: decision.snapshotArn });
    }
  }
  const byDatabase = [...worst.values()].sort((a, b) => b.hours - a.hours || (a.database < b.database ? -1 : a.database > b.database ? 1 : 0));
  return { overallHours: byDatabase[0]?.hours ?? 0, byDatabase: byDatabase.slice(0, limit) };
}

/** US dollars to export snapshots of these sizes (GB) at `pricePerGb` (RDS bills snapshot export per GB of snapshot size). */
export function estimateExportCost(snapshotSizesGb: readonly number[], pricePerGb: number): number {
  if (!Number.isFinite(pricePerGb) || pricePerGb < 0) throw new RangeError(`pricePerGb must be a number of dollars of at least 0, got ${pricePerGb}`);
  const bad = snapshotSizesGb.filter((size) => !Number.isFinite(size) || size < 0);
  if (bad.length > 0) throw new RangeError(`snapshot sizes must be numbers of GB of at least 0; not allowed: ${bad.join(', ')}`);
  return snapshotSizesGb.reduce((sum, size) => sum + size, 0) * pricePerGb;
}

/**
 * GB a month that one database's exports amount to under a cadence, taking snapshots as evenly
 * spread: `every` exports each snapshot (snapshotsPerDay × 30.44 a month); a period cadence
 * exports one snapshot per period that has one, so at most one per period. A month is
 * {@link DAYS_PER_MONTH} days and a year 12 such months.
 */
export function monthlyExportVolumeGb(cadence: Cadence, snapshotSizeGb: number, snapshotsPerDay: number): number {
  if (!Number.isFinite(snapshotSizeGb) || snapshotSizeGb < 0)
    throw new RangeError(`snapshotSizeGb must be a number of GB of at least 0, got ${snapshotSizeGb}`);
  if (!Number.isFinite(snapshotsPerDay) || snapshotsPerDay < 0) throw new RangeError(`snapshotsPerDay must be a number of at least 0, got ${snapshotsPerDay}`);
  if (cadence === 'every') return snapshotsPerDay * DAYS_PER_MONTH * snapshotSizeGb;
  const periodDays = PERIOD_DAYS[cadence];
  const exportsPerPeriod = Math.min(1, snapshotsPerDay * periodDays);
  return exportsPerPeriod * (DAYS_PER_MONTH / periodDays) * snapshotSizeGb;
}
