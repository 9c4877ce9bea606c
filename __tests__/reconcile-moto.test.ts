// Reconciliation and the operator CLI against moto: snapshots whose events never arrived get
// exported by the schedule or a backfill, once. (moto completes exports at once, so the quota
// is never full here; the planner's tests cover back-pressure.)
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskIdentifier } from '../handler/export-naming';
import { motoMissing, requireTool } from './support/tools';
import { startMoto, type Moto } from './support/moto';
import { createInstanceSnapshot, exportTasksOf, motoProcessEnv, motoRds, runHandler } from './support/moto-rds';

const runs = requireTool('reconciliation against moto', motoMissing());
const ROOT = path.join(__dirname, '..');
const ENV = {
  ARCHIVE_BUCKET: 'rds-archive-test-123456789012-us-east-1',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-test-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  ARCHIVE_PREFIX: 'exports',
  // moto mishandles exports of automated snapshots (…:snapshot:rds:…), which it makes for every
  // new instance; the mocked-SDK tests cover automated snapshots.
  SNAPSHOT_TYPES: 'manual',
  ARCHIVE_NAME: 'rds-archive-test',
};
const SCHEDULED = { version: '0', id: 'e2e', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: new Date().toISOString(), region: 'us-east-1', resources: [], detail: {} };

function cli(endpoint: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: motoProcessEnv(endpoint, ENV),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.runIf(runs)('reconciliation and CLI against moto', () => {
  let moto: Moto;
  const arns: string[] = [];
  beforeAll(async () => {
    moto = await startMoto();
    const rds = motoRds(moto.endpoint);
    for (const name of ['orders', 'billing', 'ledger']) arns.push(await createInstanceSnapshot(rds, `${name}-db`, `${name}-manual-1`));
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('a scheduled run starts an export for each of three snapshots whose events never came, and says it ran', async () => {
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(run).toMatchObject({ ok: true });
    const tasks = await exportTasksOf(motoRds(moto.endpoint));
    expect(tasks.map((t) => t.SourceArn).sort()).toEqual([...arns].sort());
    for (const task of tasks) expect(task.ExportTaskIdentifier).toBe(exportTaskIdentifier(task.SourceArn!));
    expect(run.logs.filter((l) => l.decision === 'started')).toHaveLength(3);
    expect(run.logs.find((l) => '_aws' in l)).toMatchObject({ Archive: 'rds-archive-test', ReconciliationSucceeded: 1 });
  });

  it('a second run starts none', async () => {
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(run).toMatchObject({ ok: true });
    expect(run.logs.filter((l) => l.decision === 'started')).toHaveLength(0);
    expect(await exportTasksOf(motoRds(moto.endpoint))).toHaveLength(3);
  });

  it('status lists the archive exports, as a table and as JSON', () => {
    const table = cli(moto.endpoint, 'status');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^EXPORT\s+SNAPSHOT\s+DATABASE\s+STATUS/);
    for (const name of ['orders', 'billing', 'ledger']) expect(table.stdout).toMatch(new RegExp(`${name}-manual-1\\s+${name}-db\\s+COMPLETE`));
    const json = JSON.parse(cli(moto.endpoint, 'status', '--json').stdout) as Array<{ snapshot: string; location: string }>;
    expect(json.map((r) => r.snapshot).sort()).toEqual(['billing-manual-1', 'ledger-manual-1', 'orders-manual-1']);
    expect(json[0]!.location).toMatch(/^s3:\/\/rds-archive-test-123456789012-us-east-1\/exports\/[a-z]+-db\/[a-z0-9-]+\/$/);
  });

  it('backfill --dry-run prints the plan and starts nothing; backfill starts what is missing', async () => {
    const rds = motoRds(moto.endpoint);
    const late = await createInstanceSnapshot(rds, 'inventory-db', 'inventory-manual-1');
    const dry = cli(moto.endpoint, 'backfill', '--since', '1d', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`would start  ${exportTaskIdentifier(late)}`);
    expect(dry.stdout).toMatch(/dry run: would start 1 of 4 snapshot\(s\).*3 already exported/);
    expect(await exportTasksOf(rds, late)).toHaveLength(0);

    const real = cli(moto.endpoint, 'backfill', '--since', '1d', '--database', 'inventory-*');
    expect(real.status).toBe(0);
    expect(real.stdout).toContain(`started  ${exportTaskIdentifier(late)}`);
    expect(await exportTasksOf(rds, late)).toHaveLength(1);
    expect(await exportTasksOf(rds)).toHaveLength(4);
  });

  it('backfill without --since says what is missing and exits non-zero', () => {
    const run = cli(moto.endpoint, 'backfill');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: backfill needs --since DATE/);
  });
});
