// `coverage`: per database, what the policy asks for and what the archive holds.
import { reconcile } from '../../handler/exporting';
import type { Settings } from '../../handler/contract';
import type { Command } from '../args';
import { type CoverageRow, coverageReport } from '../coverage-report';
import { type Column, formatTable } from '../table';
import { manifestOutcomes, warnUnreadableManifests } from './status';
import { DAY_MS } from '../../handler/common';

type CoverageCells = Record<string, string>;

const COLUMNS: readonly Column<CoverageCells>[] = [
  { key: 'database', header: 'DATABASE' },
  { key: 'cadence', header: 'CADENCE' },
  { key: 'rule', header: 'RULE' },
  { key: 'newest', header: 'NEWEST ARCHIVED' },
  { key: 'outcome', header: 'VERIFIED' },
  { key: 'age', header: 'AGE' },
  { key: 'nextDue', header: 'NEXT DUE' },
  { key: 'exports', header: 'EXPORTS' },
  { key: 'gb', header: 'GB' },
  { key: 'due', header: 'DUE, NOT ARCHIVED' },
  { key: 'monthly', header: 'PER MONTH' },
];

/** A row as table cells (pure). */
export function coverageCells(row: CoverageRow): CoverageCells {
  return {
    database: row.database,
    cadence: row.cadence,
    rule: row.rule,
    newest: row.newestArchived?.snapshotTime ?? '-',
    outcome: row.newestArchived?.outcome ?? '-',
    age: row.newestArchived === undefined ? '-' : `${Math.round(row.newestArchived.ageHours)}h`,
    nextDue: row.selected ? row.nextDue : '-',
    exports: String(row.exportsInWindow),
    gb: String(row.archivedGb),
    due: row.dueNotArchived.length === 0 ? '0' : `${row.dueNotArchived.length} (oldest ${Math.round(row.lagHours)}h, ~$${row.pendingCostUsd})`,
    monthly: row.selected ? `${row.monthlyVolumeGb} GB ~$${row.monthlyCostUsd}` : '-',
  };
}

export async function coverage(command: Extract<Command, { command: 'coverage' }>, settings: Settings, now: Date = new Date()): Promise<number> {
  const since = command.since ?? new Date(now.getTime() - settings.lookbackDays * DAY_MS);
  const result = await reconcile(settings, { since, dryRun: true });
  const complete = result.tasks.filter((t) => (t.Status ?? '').toUpperCase() === 'COMPLETE' && t.S3Bucket === settings.archiveBucket);
  const read = await manifestOutcomes(settings, complete);
  const outcomes = new Map(complete.flatMap((t, i) => (read.outcomes[i] === undefined ? [] : [[t.ExportTaskIdentifier ?? '', read.outcomes[i]!] as const])));
  warnUnreadableManifests(read.problems);
  const rows = coverageReport({ result, settings, outcomes, since, now });
  if (command.json) {
    console.log(JSON.stringify({ since: since.toISOString(), exportPricePerGb: settings.policy.exportPricePerGb, databases: rows }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    console.log(`no snapshots since ${since.toISOString()} of the types ${settings.snapshotTypes.join(', ')}`);
    return 0;
  }
  console.log(formatTable(COLUMNS, rows.map(coverageCells)));
  const unprotected = rows.filter((r) => !r.selected);
  if (unprotected.length > 0) console.log(`\nnot archived by this deployment: ${unprotected.map((r) => `${r.database} (${r.rule})`).join('; ')}`);
  const pending = rows.reduce((sum, r) => sum + r.pendingCostUsd, 0);
  const monthly = rows.reduce((sum, r) => sum + r.monthlyCostUsd, 0);
  console.log(
    `\nestimated at $${settings.policy.exportPricePerGb}/GB of snapshot (policy.exportPricePerGb): due now ~$${pending.toFixed(2)}, per month ~$${monthly.toFixed(2)}`,
  );
  return 0;
}
