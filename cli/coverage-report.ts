// `coverage` (pure): per database, what the policy asks for, what is archived, what is due, and
// what it costs, from one reconciliation plan (dry run) and the manifests of the newest exports.
import { archiveLag, estimateExportCost, monthlyExportVolumeGb, nextPeriodStart, selectSnapshot } from '../handler/rules';
import { ruleFor, type Settings } from '../handler/contract';
import type { ReconcileResult } from '../handler/exporting';
import { DAY_MS, HOUR_MS } from '../handler/common';

/** The newest archived (complete) export of a database. */
export interface NewestArchive {
  readonly snapshotArn: string;
  readonly snapshotTime: string;
  readonly exportTaskIdentifier: string;
  /** The manifest's outcome, or "unverified" when there is no manifest yet. */
  readonly outcome: string;
  readonly ageHours: number;
}

/** One database in `coverage`. */
export interface CoverageRow {
  readonly database: string;
  /** "every", "monthly", ...; "-" when the selection skips the database. */
  readonly cadence: string;
  /** Which rule set the cadence ("rule 1 (orders-*)", "defaultCadence"), or why the database is not selected. */
  readonly rule: string;
  readonly selected: boolean;
  readonly newestArchived?: NewestArchive;
  /** When the next period starts (ISO), for period cadences; "every snapshot" otherwise. */
  readonly nextDue: string;
  /** Complete exports in the window and the GB RDS reported for them. */
  readonly exportsInWindow: number;
  readonly archivedGb: number;
  /** Snapshots the policy says must be archived that have no complete export. */
  readonly dueNotArchived: readonly string[];
  /** Hours the oldest of those has waited (0 when none). */
  readonly lagHours: number;
  /** Snapshots in the window and their average size (GB, as RDS reports AllocatedStorage). */
  readonly snapshotsInWindow: number;
  readonly averageSnapshotGb: number;
  /** What exporting the due snapshots would cost now, and what the cadence exports a month. */
  readonly pendingCostUsd: number;
  readonly monthlyVolumeGb: number;
  readonly monthlyCostUsd: number;
}

/** Inputs of {@link coverageReport}. */
export interface CoverageInput {
  readonly result: ReconcileResult;
  readonly settings: Pick<Settings, 'policy' | 'snapshotTypes' | 'includeDatabases' | 'excludeDatabases'>;
  /** Manifest outcomes by export task identifier (absent: not verified yet). */
  readonly outcomes: ReadonlyMap<string, string>;
  readonly since: Date;
  readonly now: Date;
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/** The coverage of every database with a snapshot in the window, sorted by name. */
export function coverageReport(input: CoverageInput): CoverageRow[] {
  const { result, settings, now } = input;
  const price = settings.policy.exportPricePerGb;
  const lag = archiveLag({
    decisions: result.cadence,
    snapshots: result.snapshots.map((s) => ({ snapshotArn: s.snapshotArn, createdAt: s.createdAt ?? now })),
    exports: result.exports,
    now,
    limit: Number.MAX_SAFE_INTEGER,
  });
  const lagOf = new Map(lag.byDatabase.map((d) => [d.database, d.hours]));
  const complete = new Set(result.exports.filter((e) => e.state === 'complete').map((e) => e.snapshotArn));
  const windowDays = Math.max(1, (now.getTime() - input.since.getTime()) / DAY_MS);

  const databases = [...new Set(result.snapshots.map((s) => s.databaseIdentifier))].sort();
  return databases.map((database): CoverageRow => {
    const snapshots = result.snapshots.filter((s) => s.databaseIdentifier === database);
    const inWindow = snapshots.filter((s) => (s.createdAt?.getTime() ?? 0) >= input.since.getTime());
    const newest = [...snapshots].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0]!;
    const selection = selectSnapshot(newest, settings);
    const selected = snapshots.some((s) => selectSnapshot(s, settings).selected) || (!selection.selected && selection.notReady === true);
    const rule = ruleFor(settings.policy, database);
    const arns = new Set(snapshots.map((s) => s.snapshotArn));
    const tasks = result.tasks.filter((t) => arns.has(t.SourceArn ?? '') && (t.Status ?? '').toUpperCase() === 'COMPLETE');
    const newestTask = [...tasks].sort((a, b) => (b.SnapshotTime?.getTime() ?? 0) - (a.SnapshotTime?.getTime() ?? 0))[0];
    const dueNotArchived = result.cadence.filter((d) => d.database === database && d.due && !complete.has(d.snapshotArn)).map((d) => d.snapshotArn);
    const sizeOf = new Map(snapshots.map((s) => [s.snapshotArn, s.sizeGb ?? 0]));
    const averageSnapshotGb = inWindow.length === 0 ? 0 : inWindow.reduce((sum, s) => sum + (s.sizeGb ?? 0), 0) / inWindow.length;
    const automatedPerDay = inWindow.filter((s) => s.snapshotType === 'automated').length / windowDays;
    const monthlyVolumeGb = selected ? monthlyExportVolumeGb(rule.cadence, averageSnapshotGb, Math.max(automatedPerDay, inWindow.length / windowDays)) : 0;
    return {
      database,
      cadence: selected ? rule.cadence : '-',
      rule: selected ? rule.source : selection.selected ? 'not selected' : selection.reason,
      selected,
      ...(newestTask === undefined
        ? {}
        : {
            newestArchived: {
              snapshotArn: newestTask.SourceArn ?? '',
              snapshotTime: newestTask.SnapshotTime?.toISOString() ?? '',
              exportTaskIdentifier: newestTask.ExportTaskIdentifier ?? '',
              outcome: input.outcomes.get(newestTask.ExportTaskIdentifier ?? '') ?? 'unverified',
              ageHours: round((now.getTime() - (newestTask.SnapshotTime?.getTime() ?? now.getTime())) / HOUR_MS, 1),
            },
          }),
      nextDue: rule.cadence === 'every' ? 'every snapshot' : nextPeriodStart(rule.cadence, now).toISOString(),
      exportsInWindow: tasks.length,
      archivedGb: round(tasks.reduce((sum, t) => sum + (t.TotalExtractedDataInGB ?? 0), 0)),
      dueNotArchived,
      lagHours: round(lagOf.get(database) ?? 0, 1),
      snapshotsInWindow: inWindow.length,
      averageSnapshotGb: round(averageSnapshotGb),
      pendingCostUsd: round(
        estimateExportCost(
          dueNotArchived.map((arn) => sizeOf.get(arn) ?? 0),
          price,
        ),
      ),
      monthlyVolumeGb: round(monthlyVolumeGb),
      monthlyCostUsd: round(monthlyVolumeGb * price),
    };
  });
}
