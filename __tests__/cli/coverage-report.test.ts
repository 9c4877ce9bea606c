import type { ExportTask } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { coverageReport } from '../../cli/coverage-report';
import { applyCadence, type CadenceExport } from '../../handler/rules/cadence';
import { planExports } from '../../handler/rules/export-plan';
import { type ArchivePolicy, DEFAULT_POLICY } from '../../handler/contract/policy';
import type { ReconcileResult } from '../../handler/exporting/reconcile';
import type { SnapshotInfo } from '../../handler/rules/selection';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
const SETTINGS = { snapshotTypes: ['automated', 'manual'] as const, includeDatabases: [], excludeDatabases: [] };

function snapshot(database: string, daysAgo: number, overrides: Partial<SnapshotInfo> = {}): SnapshotInfo {
  const id = `rds:${database}-${daysAgo}`;
  return {
    kind: 'instance',
    snapshotArn: `arn:aws:rds:eu-west-1:123456789012:snapshot:${id}`,
    snapshotIdentifier: id,
    databaseIdentifier: database,
    engine: 'postgres',
    snapshotType: 'automated',
    status: 'available',
    createdAt: new Date(NOW.getTime() - daysAgo * DAY),
    sizeGb: 500,
    ...overrides,
  };
}

/** A dry-run reconciliation result made of plain data, as reconcile() returns it. */
function resultOf(policy: ArchivePolicy, snapshots: SnapshotInfo[], tasks: ExportTask[]): ReconcileResult {
  const exports: CadenceExport[] = tasks.map((t) => ({
    snapshotArn: t.SourceArn!,
    state: t.Status === 'COMPLETE' ? 'complete' : 'running',
    exportTaskIdentifier: t.ExportTaskIdentifier,
    snapshotCreatedAt: t.SnapshotTime,
  }));
  const cadence = applyCadence({
    policy,
    snapshots: snapshots.map((s) => ({
      snapshotArn: s.snapshotArn,
      database: s.databaseIdentifier,
      snapshotType: s.snapshotType,
      createdAt: s.createdAt!,
      eligible: s.engine === 'postgres',
    })),
    exports,
  });
  const plan = planExports({ snapshots: [], tasks: [], maxConcurrentExports: 5, maxAttempts: 3, exportTaskIdentifier: () => 'x' });
  return { plan, snapshots, cadence, tasks, exports, started: [], failures: [] };
}

describe('coverage', () => {
  it('lists each database with its cadence, newest archived snapshot and outcome, what is due, and the cost', () => {
    // Prepare: orders-db monthly with its month archived; billing-db every snapshot, one not archived.
    const policy: ArchivePolicy = { ...DEFAULT_POLICY, rules: [{ databases: ['orders-*'], cadence: 'monthly', manualSnapshots: 'always' }] };
    const orders = [snapshot('orders-db', 3), snapshot('orders-db', 2), snapshot('orders-db', 1)];
    const billing = [snapshot('billing-db', 2, { sizeGb: 100 }), snapshot('billing-db', 1, { sizeGb: 100 })];
    const tasks: ExportTask[] = [
      {
        ExportTaskIdentifier: 'orders-month',
        SourceArn: orders[0]!.snapshotArn,
        Status: 'COMPLETE',
        SnapshotTime: orders[0]!.createdAt,
        TotalExtractedDataInGB: 120,
        S3Bucket: 'b',
      },
      {
        ExportTaskIdentifier: 'billing-1',
        SourceArn: billing[0]!.snapshotArn,
        Status: 'COMPLETE',
        SnapshotTime: billing[0]!.createdAt,
        TotalExtractedDataInGB: 20,
        S3Bucket: 'b',
      },
    ];

    // Act
    const rows = coverageReport({
      result: resultOf(policy, [...orders, ...billing], tasks),
      settings: { ...SETTINGS, policy },
      outcomes: new Map([['orders-month', 'verified']]),
      since: new Date(NOW.getTime() - 7 * DAY),
      now: NOW,
    });

    // Assess
    expect(rows.map((r) => r.database)).toEqual(['billing-db', 'orders-db']);
    const [billingRow, ordersRow] = rows;
    expect(ordersRow).toMatchObject({
      cadence: 'monthly',
      rule: 'rule 1 (orders-*)',
      selected: true,
      exportsInWindow: 1,
      archivedGb: 120,
      dueNotArchived: [],
      lagHours: 0,
      nextDue: '2026-12-01T00:00:00.000Z',
    });
    expect(ordersRow!.newestArchived).toEqual({
      snapshotArn: orders[0]!.snapshotArn,
      snapshotTime: orders[0]!.createdAt!.toISOString(),
      exportTaskIdentifier: 'orders-month',
      outcome: 'verified',
      ageHours: 72,
    });
    expect(billingRow).toMatchObject({
      cadence: 'every',
      rule: 'defaultCadence',
      dueNotArchived: [billing[1]!.snapshotArn],
      lagHours: 24,
      pendingCostUsd: 1,
      nextDue: 'every snapshot',
    });
    expect(billingRow!.newestArchived?.outcome).toBe('unverified');
    // Monthly: one 500 GB export a month; every: one 100 GB snapshot a day for 30.44 days.
    expect(ordersRow!.monthlyVolumeGb).toBe(500);
    expect(ordersRow!.monthlyCostUsd).toBe(5);
    expect(billingRow!.monthlyVolumeGb).toBeCloseTo(100 * 30.44 * (2 / 7), 0);
  });

  it('lists a database whose snapshots the selection skips, with the reason, so nothing is silently unprotected', () => {
    const rows = coverageReport({
      result: resultOf(DEFAULT_POLICY, [snapshot('erp', 1, { engine: 'sqlserver-ee' })], []),
      settings: { ...SETTINGS, policy: DEFAULT_POLICY },
      outcomes: new Map(),
      since: new Date(NOW.getTime() - 7 * DAY),
      now: NOW,
    });
    expect(rows).toEqual([
      expect.objectContaining({
        database: 'erp',
        selected: false,
        cadence: '-',
        rule: 'SQL Server (sqlserver-ee) snapshots cannot be exported to S3',
        monthlyCostUsd: 0,
      }),
    ]);
  });
});
