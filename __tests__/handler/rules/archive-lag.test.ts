import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAYS_PER_MONTH, archiveLag, estimateExportCost, monthlyExportVolumeGb } from '../../../handler/rules/archive-lag';
import { applyCadence, type CadenceDecision, type CadenceExport, type ExportState } from '../../../handler/rules/cadence';
import { CADENCES, validatePolicy } from '../../../handler/contract/policy';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T12:00:00Z');
const arnOf = (name: string) => `arn:aws:rds:us-east-1:123456789012:snapshot:rds:${name}`;
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * HOUR);
const decision = (name: string, database: string, due: boolean): CadenceDecision => ({ snapshotArn: arnOf(name), database, due, reason: 'test' });

describe('archiveLag', () => {
  it('is 0 when nothing is due, or everything due has a complete export', () => {
    // Prepare
    const snapshots = [
      { snapshotArn: arnOf('a'), createdAt: hoursAgo(30) },
      { snapshotArn: arnOf('b'), createdAt: hoursAgo(5) },
    ];

    // Act
    const nothingDue = archiveLag({ decisions: [decision('a', 'db', false), decision('b', 'db', false)], snapshots, exports: [], now: NOW });
    const allArchived = archiveLag({
      decisions: [decision('a', 'db', true), decision('b', 'db', false)],
      snapshots,
      exports: [{ snapshotArn: arnOf('a'), state: 'complete' }],
      now: NOW,
    });

    // Assess
    expect(nothingDue).toEqual({ overallHours: 0, byDatabase: [] });
    expect(allArchived).toEqual({ overallHours: 0, byDatabase: [] });
  });

  it('is the age of the oldest due snapshot without a complete export; running, failed and given-up exports do not end it', () => {
    // Prepare
    const snapshots = ['a', 'b', 'c', 'd', 'e'].map((name, index) => ({ snapshotArn: arnOf(name), createdAt: hoursAgo(10 * (index + 1)) }));
    const decisions = [
      decision('a', 'orders', true),
      decision('b', 'orders', true),
      decision('c', 'ledger', true),
      decision('d', 'misc', true),
      decision('e', 'misc', false),
    ];
    const exports: CadenceExport[] = [
      { snapshotArn: arnOf('a'), state: 'running' },
      { snapshotArn: arnOf('b'), state: 'failed' },
      { snapshotArn: arnOf('c'), state: 'gave-up' },
      { snapshotArn: arnOf('d'), state: 'complete' },
    ];

    // Act
    const lag = archiveLag({ decisions, snapshots, exports, now: NOW });

    // Assess
    expect(lag).toEqual({
      overallHours: 30,
      byDatabase: [
        { database: 'ledger', hours: 30, snapshotArn: arnOf('c') },
        { database: 'orders', hours: 20, snapshotArn: arnOf('b') },
      ],
    });
  });

  it('lists the worst databases first, at most `limit`, and counts a snapshot from the future as 0 hours old', () => {
    // Prepare
    const names = ['a', 'b', 'c', 'd'];
    const snapshots = names.map((name, index) => ({ snapshotArn: arnOf(name), createdAt: hoursAgo(index - 1) }));
    const decisions = names.map((name) => decision(name, `db-${name}`, true));

    // Act
    const lag = archiveLag({ decisions, snapshots, exports: [], now: NOW, limit: 2 });

    // Assess
    expect(lag.byDatabase).toEqual([
      { database: 'db-d', hours: 2, snapshotArn: arnOf('d') },
      { database: 'db-c', hours: 1, snapshotArn: arnOf('c') },
    ]);
    expect(archiveLag({ decisions: [decisions[0]!], snapshots, exports: [], now: NOW }).overallHours).toBe(0);
  });

  it('refuses a due decision whose snapshot it was not given, and a bad limit', () => {
    expect(() => archiveLag({ decisions: [decision('a', 'db', true)], snapshots: [], exports: [], now: NOW })).toThrow(
      /no snapshot with that ARN: pass the snapshots the decisions were made from/,
    );
    expect(() => archiveLag({ decisions: [], snapshots: [], exports: [], now: NOW, limit: -1 })).toThrow(/limit must be a whole number/);
  });

  it("follows the cadence: a monthly period whose first snapshot is unexported lags by that snapshot's age", () => {
    // Prepare
    const problems: string[] = [];
    const policy = validatePolicy({ defaultCadence: 'monthly' }, problems);
    const snapshots = [3, 10, 18].map((day) => ({
      snapshotArn: arnOf(`orders-2026-11-${day}`),
      database: 'orders',
      snapshotType: 'automated',
      createdAt: new Date(Date.UTC(2026, 10, day)),
      eligible: true,
    }));

    // Act
    const decisions = applyCadence({ policy, snapshots, exports: [] });
    const lag = archiveLag({ decisions, snapshots, exports: [], now: NOW });

    // Assess
    expect(problems).toEqual([]);
    expect(lag).toEqual({
      overallHours: (NOW.getTime() - Date.UTC(2026, 10, 3)) / HOUR,
      byDatabase: [{ database: 'orders', hours: (NOW.getTime() - Date.UTC(2026, 10, 3)) / HOUR, snapshotArn: snapshots[0]!.snapshotArn }],
    });
  });

  it('is the oldest due-but-unexported age over generated inventories, and a complete export never raises it', () => {
    const inventory = fc.array(
      fc.record({
        database: fc.constantFrom('a', 'b', 'c', 'd'),
        hours: fc.integer({ min: 0, max: 2000 }),
        due: fc.boolean(),
        state: fc.option(fc.constantFrom<ExportState>('complete', 'running', 'failed', 'gave-up'), { nil: undefined }),
      }),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(inventory, fc.integer({ min: 0, max: 5 }), (items, limit) => {
        // Prepare
        const snapshots = items.map((item, index) => ({ snapshotArn: arnOf(`s${index}`), createdAt: hoursAgo(item.hours) }));
        const decisions = items.map((item, index) => decision(`s${index}`, item.database, item.due));
        const exports = items.flatMap((item, index) => (item.state === undefined ? [] : [{ snapshotArn: arnOf(`s${index}`), state: item.state }]));

        // Act
        const lag = archiveLag({ decisions, snapshots, exports, now: NOW, limit });

        // Assess
        const lagging = items.filter((item) => item.due && item.state !== 'complete');
        expect(lag.overallHours).toBe(Math.max(0, ...lagging.map((item) => item.hours)));
        expect(lag.byDatabase.length).toBe(Math.min(limit, new Set(lagging.map((item) => item.database)).size));
        for (const [index, entry] of lag.byDatabase.entries()) {
          expect(entry.hours).toBe(Math.max(...lagging.filter((item) => item.database === entry.database).map((item) => item.hours)));
          if (index > 0) expect(entry.hours).toBeLessThanOrEqual(lag.byDatabase[index - 1]!.hours);
        }
        const oldest = lag.byDatabase[0];
        if (oldest !== undefined) {
          const archived = archiveLag({ decisions, snapshots, exports: [...exports, { snapshotArn: oldest.snapshotArn, state: 'complete' }], now: NOW, limit });
          expect(archived.overallHours).toBeLessThanOrEqual(lag.overallHours);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('estimateExportCost', () => {
  it('charges the price per GB of snapshot size', () => {
    expect(estimateExportCost([100, 50], 0.01)).toBeCloseTo(1.5, 10);
    expect(estimateExportCost([], 0.01)).toBe(0);
  });

  it('adds up: the cost of two lists is the sum of their costs', () => {
    const sizes = fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { maxLength: 20 });
    fc.assert(
      fc.property(sizes, sizes, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, price) => {
        // Act
        const together = estimateExportCost([...a, ...b], price);

        // Assess
        expect(together).toBeCloseTo(estimateExportCost(a, price) + estimateExportCost(b, price), 6);
      }),
    );
  });

  it('refuses negative or non-numeric sizes and prices, naming them', () => {
    expect(() => estimateExportCost([10, -1, Number.NaN], 0.01)).toThrow('snapshot sizes must be numbers of GB of at least 0; not allowed: -1, NaN');
    expect(() => estimateExportCost([10], -0.01)).toThrow(/pricePerGb must be a number of dollars of at least 0, got -0.01/);
  });
});

describe('monthlyExportVolumeGb', () => {
  it.each([
    ['every', 2, 2 * DAYS_PER_MONTH * 100],
    ['daily', 2, DAYS_PER_MONTH * 100],
    ['weekly', 1, (DAYS_PER_MONTH / 7) * 100],
    ['monthly', 1, 100],
    ['yearly', 1, 100 / 12],
    ['weekly', 1 / 14, (DAYS_PER_MONTH / 14) * 100],
  ] as const)('%s with %d snapshot(s) a day of 100 GB exports %d GB a month', (cadence, perDay, expected) => {
    expect(monthlyExportVolumeGb(cadence, 100, perDay)).toBeCloseTo(expected, 9);
  });

  it('never exports more with a longer cadence, and never more than every snapshot', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 48, noNaN: true }), (size, perDay) => {
        // Act
        const volumes = CADENCES.map((cadence) => monthlyExportVolumeGb(cadence, size, perDay));

        // Assess
        for (let index = 1; index < volumes.length; index++) expect(volumes[index]!).toBeLessThanOrEqual(volumes[index - 1]! * (1 + 1e-12));
      }),
    );
  });

  it('refuses negative sizes and rates', () => {
    expect(() => monthlyExportVolumeGb('daily', -1, 1)).toThrow(/snapshotSizeGb must be a number of GB of at least 0, got -1/);
    expect(() => monthlyExportVolumeGb('daily', 1, Number.POSITIVE_INFINITY)).toThrow(/snapshotsPerDay must be a number of at least 0, got Infinity/);
  });
});
