// The archive policy against moto: with a monthly rule for orders-* (manual snapshots follow the
// cadence), two snapshots of orders-db in one month get one export between them, whichever path
// sees them first (event, re-delivered event, reconciliation, backfill); billing-db, without a
// rule, gets one export per snapshot.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskIdentifier, periodExportIdentifier } from '../../../handler/rules/export-naming';
import { DEFAULT_POLICY } from '../../../handler/contract/policy';
import { type Moto, startMoto } from '../../support/moto';
import { createExporterFunction, motoExporterEnvironment } from '../../support/moto-lambda';
import { scheduledEvent, snapshotCreatedMessage, snsEvent } from '../../support/exporter-events';
import { createInstanceSnapshot, exportTasksOf, motoProcessEnv, motoRds, runHandler } from '../../support/moto-rds';
import { motoMissing, requireTool } from '../../support/tools';
import { PROJECT_ROOT } from '../../support/paths';

const runs = requireTool('the archive policy against moto', motoMissing());
const ROOT = PROJECT_ROOT;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:rds-archive-test-snapshot-events';
const FUNCTION_NAME = 'rds-archive-policy-exporter';
// Manual snapshots follow the cadence here.
const ENV = motoExporterEnvironment({ policy: { ...DEFAULT_POLICY, rules: [{ databases: ['orders-*'], cadence: 'monthly', manualSnapshots: 'cadence' }] } });

const SCHEDULED = scheduledEvent();

function created(identifier: string, arn: string, messageId: string): unknown {
  return snsEvent(snapshotCreatedMessage('instance', identifier, arn), { topicArn: TOPIC, messageId });
}

describe.runIf(runs)('the archive policy against moto', () => {
  let moto: Moto;
  const arns: Record<string, string> = {};
  beforeAll(async () => {
    moto = await startMoto();
    const rds = motoRds(moto.endpoint);
    // The second snapshot of the month is created last but its event arrives first below.
    for (const [database, snapshot] of [
      ['orders-db', 'orders-manual-1'],
      ['orders-db', 'orders-manual-2'],
      ['billing-db', 'billing-manual-1'],
      ['billing-db', 'billing-manual-2'],
      ['orders-eu', 'orders-eu-manual-1'],
      ['orders-eu', 'orders-eu-manual-2'],
    ]) {
      arns[snapshot] = await createInstanceSnapshot(rds, database, snapshot);
    }
    await createExporterFunction(moto.endpoint, FUNCTION_NAME, ENV);
  });
  afterAll(async () => {
    await moto?.stop();
  });

  const month = new Date().toISOString().slice(0, 7);
  const ordersPeriod = periodExportIdentifier({ kind: 'instance', database: 'orders-db', cadence: 'monthly', period: month });

  it("the month's later snapshot's event comes first: the month's export starts once, under the period's identifier", async () => {
    // Act
    const second = runHandler(moto.endpoint, ENV, created('orders-manual-2', arns['orders-manual-2']!, 'm-2'));
    const first = runHandler(moto.endpoint, ENV, created('orders-manual-1', arns['orders-manual-1']!, 'm-1'));
    const again = runHandler(moto.endpoint, ENV, created('orders-manual-2', arns['orders-manual-2']!, 'm-2'));

    // Assess
    for (const run of [second, first, again]) expect(run).toMatchObject({ ok: true });
    const tasks = (await exportTasksOf(motoRds(moto.endpoint))).filter((t) => t.S3Prefix === 'exports/orders-db');
    expect(tasks.map((t) => t.ExportTaskIdentifier)).toEqual([ordersPeriod]);
    // The later snapshot is not the month's: its event starts the export of the first one.
    const [secondDecision] = second.logs.filter((l) => 'decision' in l);
    expect(secondDecision).toMatchObject({ decision: 'skipped', period: month, coveredBy: arns['orders-manual-1'] });
    expect(secondDecision!.reason).toContain(`also started the due export of ${arns['orders-manual-1']}`);
    expect(tasks[0]!.SourceArn).toBe(arns['orders-manual-1']);
    expect(first.logs.find((l) => 'decision' in l)).toMatchObject({ decision: 'duplicate' });
    expect(again.logs.find((l) => 'decision' in l)).toMatchObject({
      decision: 'skipped',
      reason: expect.stringContaining(`${month} is already covered by the complete export (${ordersPeriod})`),
    });
  });

  it('billing-db, without a rule, gets one export per snapshot', async () => {
    for (const snapshot of ['billing-manual-1', 'billing-manual-2'])
      expect(runHandler(moto.endpoint, ENV, created(snapshot, arns[snapshot]!, snapshot))).toMatchObject({ ok: true });
    const tasks = (await exportTasksOf(motoRds(moto.endpoint))).filter((t) => t.S3Prefix === 'exports/billing-db');
    expect(tasks.map((t) => t.ExportTaskIdentifier).sort()).toEqual(
      [exportTaskIdentifier(arns['billing-manual-1']!), exportTaskIdentifier(arns['billing-manual-2']!)].sort(),
    );
  });

  it('a reconciliation that sees orders-eu first exports it once, logs the other snapshot as skipped, and a backfill and an event then add nothing', async () => {
    // Act
    const scheduled = runHandler(moto.endpoint, ENV, SCHEDULED);
    const backfill = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', 'backfill', '--since', '1d', '--function', FUNCTION_NAME], {
      cwd: ROOT,
      encoding: 'utf8',
      env: motoProcessEnv(moto.endpoint, {}),
    });
    const event = runHandler(moto.endpoint, ENV, created('orders-eu-manual-2', arns['orders-eu-manual-2']!, 'eu-2'));

    // Assess
    expect(scheduled).toMatchObject({ ok: true });
    expect(backfill.status).toBe(0);
    expect(event).toMatchObject({ ok: true });
    const tasks = (await exportTasksOf(motoRds(moto.endpoint))).filter((t) => t.S3Prefix === 'exports/orders-eu');
    expect(tasks.map((t) => t.ExportTaskIdentifier)).toEqual([
      periodExportIdentifier({ kind: 'instance', database: 'orders-eu', cadence: 'monthly', period: month }),
    ]);
    const skipped = scheduled.logs.filter((l) => l.decision === 'skipped' && l.database === 'orders-eu');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.reason).toBe(`rule 1 (orders-*) says monthly: ${month} falls to ${arns['orders-eu-manual-1']}, whose export is due`);
    expect(backfill.stdout).toMatch(/started 0 of/);
    expect(event.logs.find((l) => 'decision' in l)).toMatchObject({ decision: 'skipped' });
    // Every export of the account: one per orders database and month, one per billing snapshot.
    expect(await exportTasksOf(motoRds(moto.endpoint))).toHaveLength(4);
  });

  it('coverage --json shows every database with a snapshot in the window, its cadence and newest archived snapshot', async () => {
    // Act
    const run = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', 'coverage', '--json', '--function', FUNCTION_NAME], {
      cwd: ROOT,
      encoding: 'utf8',
      env: motoProcessEnv(moto.endpoint, {}),
    });

    // Assess
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as {
      databases: Array<{ database: string; cadence: string; newestArchived?: { snapshotArn: string; outcome: string } }>;
    };
    const byName = new Map(report.databases.map((d) => [d.database, d]));
    expect([...byName.keys()].sort()).toEqual(['billing-db', 'orders-db', 'orders-eu']);
    expect(byName.get('orders-db')).toMatchObject({ cadence: 'monthly', newestArchived: { snapshotArn: arns['orders-manual-1'] } });
    expect(byName.get('billing-db')!.cadence).toBe('every');
    // moto completes exports at once but writes no files and this emulator has no bucket: not verified.
    expect(byName.get('orders-db')!.newestArchived!.outcome).toBe('?');
  });
});
