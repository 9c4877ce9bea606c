// The export planner on a large generated inventory, for the benchmark.
import { planExports, type ExportTaskRecord, type SnapshotRecord } from '../handler/rules/export-plan';

const STATUSES = ['COMPLETE', 'FAILED', 'CANCELED', 'IN_PROGRESS'];

/** Median milliseconds of planExports over `snapshots` snapshots and `tasks` tasks. */
export function measurePlanner(options: { snapshots: number; tasks: number; runs: number }): { ms: number; started: number } {
  const exportTaskIdentifier = (arn: string, attempt: number) => `${arn.slice(arn.lastIndexOf(':') + 1)}-a${attempt}`;
  const snapshots: SnapshotRecord[] = Array.from({ length: options.snapshots }, (_, i) => ({
    snapshotArn: `arn:aws:rds:us-east-1:123456789012:snapshot:db-${i % 97}-snap-${i}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + ((i * 7919) % 100_000) * 60_000),
    eligible: i % 10 !== 0,
  }));
  // Deterministic pseudo-random statuses: the same inventory on every run and every machine.
  const tasks: ExportTaskRecord[] = Array.from({ length: options.tasks }, (_, i) => {
    const snapshot = snapshots[(i * 31) % snapshots.length]!;
    const attempt = 1 + (i % 3);
    return {
      exportTaskIdentifier: exportTaskIdentifier(snapshot.snapshotArn, attempt),
      sourceArn: snapshot.snapshotArn,
      status: STATUSES[(i * 13) % STATUSES.length]!,
    };
  });
  const timings: number[] = [];
  let started = 0;
  for (let run = 0; run <= options.runs; run++) {
    const begin = process.hrtime.bigint();
    const plan = planExports({ snapshots, tasks, maxConcurrentExports: 5_000, maxAttempts: 3, exportTaskIdentifier });
    const ms = Number(process.hrtime.bigint() - begin) / 1e6;
    started = plan.toStart.length;
    if (run > 0) timings.push(ms);
  }
  timings.sort((a, b) => a - b);
  return { ms: timings[Math.floor(timings.length / 2)]!, started };
}
