import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planExports, type ExportTaskRecord, type PlanInputs, type SnapshotRecord } from '../../../handler/rules/export-plan';

const idFor = (arn: string, attempt: number) =>
  `${arn
    .split(':')
    .pop()!
    .replace(/[^A-Za-z0-9]/g, '-')}-${attempt}`;
const snapshot = (name: string, day: number, eligible = true): SnapshotRecord => ({
  snapshotArn: `arn:aws:rds:us-east-1:123456789012:snapshot:${name}`,
  createdAt: new Date(Date.UTC(2026, 10, day)),
  eligible,
});
const task = (snap: SnapshotRecord, attempt: number, status: string): ExportTaskRecord => ({
  exportTaskIdentifier: idFor(snap.snapshotArn, attempt),
  sourceArn: snap.snapshotArn,
  status,
});
const plan = (partial: Partial<PlanInputs> & Pick<PlanInputs, 'snapshots'>) =>
  planExports({ tasks: [], maxConcurrentExports: 5, maxAttempts: 3, exportTaskIdentifier: idFor, ...partial });

describe('planExports', () => {
  const a = snapshot('a', 3);
  const b = snapshot('b', 1);
  const c = snapshot('c', 2);

  it('starts snapshots without exports, oldest first', () => {
    const result = plan({ snapshots: [a, b, c] });
    expect(result.toStart.map((s) => s.snapshotArn)).toEqual([b, c, a].map((s) => s.snapshotArn));
    expect(result.toStart.every((s) => s.attempt === 1 && s.exportTaskIdentifier === idFor(s.snapshotArn, 1))).toBe(true);
  });

  it('starts no more than the free slots, counting every running export of the account, and defers the rest', () => {
    const foreign: ExportTaskRecord = {
      exportTaskIdentifier: 'someone-elses',
      sourceArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:other',
      status: 'in_progress',
    };
    const result = plan({ snapshots: [a, b, c], tasks: [foreign, task(snapshot('x', 1), 1, 'STARTING')], maxConcurrentExports: 3 });
    expect(result.running).toBe(2);
    expect(result.freeSlots).toBe(1);
    expect(result.toStart.map((s) => s.snapshotArn)).toEqual([b.snapshotArn]);
    expect(
      result.decisions
        .filter((d) => d.kind === 'deferred')
        .map((d) => d.snapshotArn)
        .sort(),
    ).toEqual([a.snapshotArn, c.snapshotArn].sort());
  });

  it('leaves exported and running snapshots alone', () => {
    const result = plan({ snapshots: [a, b], tasks: [task(a, 1, 'COMPLETE'), task(b, 1, 'IN_PROGRESS')] });
    expect(result.toStart).toEqual([]);
    expect(result.decisions.map((d) => d.kind).sort()).toEqual(['exported', 'running']);
  });

  it('counts an export of the snapshot under another name', () => {
    const manual: ExportTaskRecord = { exportTaskIdentifier: 'operator-export', sourceArn: a.snapshotArn, status: 'COMPLETE' };
    expect(plan({ snapshots: [a], tasks: [manual] }).decisions).toEqual([
      { kind: 'exported', snapshotArn: a.snapshotArn, exportTaskIdentifier: 'operator-export' },
    ]);
  });

  it('retries a failed or canceled export under the next attempt identifier', () => {
    const result = plan({ snapshots: [a, b], tasks: [task(a, 1, 'FAILED'), task(b, 1, 'FAILED'), task(b, 2, 'CANCELED')] });
    expect(result.toStart.map((s) => [s.snapshotArn, s.attempt])).toEqual([
      [b.snapshotArn, 3],
      [a.snapshotArn, 2],
    ]);
  });

  it('gives up after the last attempt and says which export failed last', () => {
    const result = plan({ snapshots: [a], tasks: [task(a, 1, 'FAILED'), task(a, 2, 'FAILED')], maxAttempts: 2 });
    expect(result.toStart).toEqual([]);
    expect(result.decisions).toEqual([{ kind: 'gave-up', snapshotArn: a.snapshotArn, attempts: 2, lastExportTaskIdentifier: idFor(a.snapshotArn, 2) }]);
  });

  it('treats an export in a state it does not know as running, never starting a twin', () => {
    const result = plan({ snapshots: [a], tasks: [task(a, 1, 'PAUSED')] });
    expect(result.toStart).toEqual([]);
    expect(result.decisions[0]!.kind).toBe('running');
  });

  it('never starts an ineligible snapshot, and plans a listed snapshot once', () => {
    const result = plan({ snapshots: [snapshot('skip', 1, false), a, a] });
    expect(result.toStart.map((s) => s.snapshotArn)).toEqual([a.snapshotArn]);
    expect(result.decisions.map((d) => d.kind)).toEqual(['ineligible', 'start']);
  });
});

describe('planExports over generated inventories', () => {
  const statuses = ['STARTING', 'IN_PROGRESS', 'COMPLETE', 'CANCELING', 'CANCELED', 'FAILED'];
  const inventory = fc
    .record({
      snapshots: fc.uniqueArray(
        fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), day: fc.integer({ min: 1, max: 28 }), eligible: fc.boolean() }),
        { selector: (s) => s.name, maxLength: 40 },
      ),
      maxConcurrentExports: fc.integer({ min: 0, max: 8 }),
      maxAttempts: fc.integer({ min: 1, max: 4 }),
      taskSeeds: fc.array(fc.record({ pick: fc.nat(), attempt: fc.integer({ min: 1, max: 4 }), status: fc.constantFrom(...statuses) }), { maxLength: 60 }),
    })
    .map(({ snapshots, maxConcurrentExports, maxAttempts, taskSeeds }) => {
      const records = snapshots.map((s) => snapshot(s.name, s.day, s.eligible));
      const tasks = new Map<string, ExportTaskRecord>();
      for (const seed of taskSeeds) {
        if (records.length === 0) break;
        const t = task(records[seed.pick % records.length]!, seed.attempt, seed.status);
        tasks.set(t.exportTaskIdentifier, t);
      }
      return { snapshots: records, tasks: [...tasks.values()], maxConcurrentExports, maxAttempts, exportTaskIdentifier: idFor };
    });

  it('keeps every promise: slots, no duplicates, oldest first, attempt limits, filters', () => {
    fc.assert(
      fc.property(inventory, (inputs) => {
        const result = planExports(inputs);
        const running = inputs.tasks.filter((t) => !['COMPLETE', 'FAILED', 'CANCELED'].includes(t.status)).length;
        expect(result.freeSlots).toBe(Math.max(0, inputs.maxConcurrentExports - running));
        expect(result.toStart.length).toBeLessThanOrEqual(result.freeSlots);

        const started = result.toStart.map((s) => s.snapshotArn);
        expect(new Set(started).size).toBe(started.length);
        const existingIds = new Set(inputs.tasks.map((t) => t.exportTaskIdentifier));
        const byArn = new Map(inputs.snapshots.map((s) => [s.snapshotArn, s]));
        for (const start of result.toStart) {
          expect(existingIds.has(start.exportTaskIdentifier)).toBe(false);
          expect(start.attempt).toBeGreaterThanOrEqual(1);
          expect(start.attempt).toBeLessThanOrEqual(inputs.maxAttempts);
          expect(byArn.get(start.snapshotArn)!.eligible).toBe(true);
          const own = inputs.tasks.filter((t) => t.sourceArn === start.snapshotArn);
          expect(own.every((t) => t.status === 'FAILED' || t.status === 'CANCELED')).toBe(true);
        }

        const times = result.toStart.map((s) => byArn.get(s.snapshotArn)!.createdAt.getTime());
        expect([...times].sort((x, y) => x - y)).toEqual(times);
        const deferred = result.decisions.filter((d) => d.kind === 'deferred');
        if (deferred.length > 0) {
          expect(result.toStart.length).toBe(result.freeSlots);
          const newestStarted = Math.max(...times, -Infinity);
          for (const d of deferred) expect(byArn.get(d.snapshotArn)!.createdAt.getTime()).toBeGreaterThanOrEqual(newestStarted);
        }
        expect(result.decisions).toHaveLength(inputs.snapshots.length);
      }),
      { numRuns: 500 },
    );
  });
});
