// Reconciliation and the operator CLI against moto: snapshots whose events never arrived get
// exported by the schedule or a backfill, once; the CLI takes its settings from the deployed
// exporter's configuration. (moto completes exports at once, so the quota is never full here;
// the planner's tests cover back-pressure.)
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTaskIdentifier } from '../../../handler/rules/export-naming';
import { createExporterFunction, motoExporterEnvironment } from '../../support/moto-lambda';
import { motoMissing, requireTool } from '../../support/tools';
import { startMoto, type Moto } from '../../support/moto';
import { createInstanceSnapshot, exportTasksOf, motoProcessEnv, motoRds, runHandler, scheduledEvent } from '../../support/moto-rds';
import { PROJECT_ROOT } from '../../support/paths';

const runs = requireTool('reconciliation against moto', motoMissing());
const ROOT = PROJECT_ROOT;
const FUNCTION_NAME = 'rds-archive-test-exporter';
// The environment the stack writes for a test deployment (settings contract).
const ENV = motoExporterEnvironment();

const SCHEDULED = scheduledEvent();

/** Runs the CLI with nothing but credentials, region and the emulator's endpoint (plus `shell`). */
function cli(endpoint: string, args: string[], shell: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: motoProcessEnv(endpoint, shell),
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
    await createExporterFunction(moto.endpoint, FUNCTION_NAME, ENV);
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
    expect(run.logs.find((l) => 'ReconciliationSucceeded' in l)).toMatchObject({ Archive: 'rds-archive-test', ReconciliationSucceeded: 1 });
    expect(run.logs.find((l) => 'ArchiveLagHours' in l && !('Database' in l))).toMatchObject({
      Archive: 'rds-archive-test',
      ArchiveLagHours: expect.any(Number),
    });
  });

  it('a second run starts none', async () => {
    const run = runHandler(moto.endpoint, ENV, SCHEDULED);
    expect(run).toMatchObject({ ok: true });
    expect(run.logs.filter((l) => l.decision === 'started')).toHaveLength(0);
    expect(await exportTasksOf(motoRds(moto.endpoint))).toHaveLength(3);
  });

  it('status lists the archive exports, as a table and as JSON', () => {
    const table = cli(moto.endpoint, ['status', '--function', FUNCTION_NAME]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^EXPORT\s+SNAPSHOT\s+DATABASE\s+STATUS/);
    // This emulator has no archive bucket: the manifests cannot be read, which status says once.
    expect(table.stderr).toContain('warning: could not read verification manifests (shown as "?"): NoSuchBucket');
    for (const name of ['orders', 'billing', 'ledger']) expect(table.stdout).toMatch(new RegExp(`${name}-manual-1\\s+${name}-db\\s+COMPLETE`));
    const json = JSON.parse(cli(moto.endpoint, ['status', '--json', '--function', FUNCTION_NAME]).stdout) as Array<{ snapshot: string; location: string }>;
    expect(json.map((r) => r.snapshot).sort()).toEqual(['billing-manual-1', 'ledger-manual-1', 'orders-manual-1']);
    expect(json[0]!.location).toMatch(/^s3:\/\/rds-archive-test-123456789012-us-east-1\/exports\/[a-z]+-db\/[a-z0-9-]+\/$/);
  });

  it('backfill --dry-run prints the plan and starts nothing; backfill starts what is missing', async () => {
    const rds = motoRds(moto.endpoint);
    const late = await createInstanceSnapshot(rds, 'inventory-db', 'inventory-manual-1');
    const dry = cli(moto.endpoint, ['backfill', '--since', '1d', '--dry-run', '--function', FUNCTION_NAME]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`would start  ${exportTaskIdentifier(late)}`);
    expect(dry.stdout).toMatch(/dry run: would start 1 of 4 snapshot\(s\).*3 already exported/);
    expect(await exportTasksOf(rds, late)).toHaveLength(0);

    const real = cli(moto.endpoint, ['backfill', '--since', '1d', '--database', 'inventory-*', '--function', FUNCTION_NAME]);
    expect(real.status).toBe(0);
    expect(real.stderr).toContain(`settings from the function ${FUNCTION_NAME}`);
    expect(real.stdout).toContain(`started  ${exportTaskIdentifier(late)}`);
    const [started] = await exportTasksOf(rds, late);
    // Exactly the deployed destination: bucket, <ARCHIVE_PREFIX default>/<database>, role and key.
    expect(started).toMatchObject({
      S3Bucket: ENV.ARCHIVE_BUCKET,
      S3Prefix: 'exports/inventory-db',
      IamRoleArn: ENV.EXPORT_ROLE_ARN,
      KmsKeyId: ENV.EXPORT_KMS_KEY_ARN,
    });
    expect(await exportTasksOf(rds)).toHaveLength(4);
  });

  it('backfill without --since says what is missing and exits non-zero', () => {
    const run = cli(moto.endpoint, ['backfill']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: backfill needs --since DATE/);
  });

  it('env prints the deployed settings with their sources; a shell variable overrides and is named', () => {
    const deployed = cli(moto.endpoint, ['env', '--json', '--function', FUNCTION_NAME]);
    expect(deployed.status).toBe(0);
    const rows = (JSON.parse(deployed.stdout) as { settings: Array<{ variable: string; value: string; source: string }> }).settings;
    const row = (variable: string) => rows.find((r) => r.variable === variable);
    expect(row('ARCHIVE_BUCKET')).toEqual({ variable: 'ARCHIVE_BUCKET', value: ENV.ARCHIVE_BUCKET, source: 'function' });
    expect(row('ARCHIVE_PREFIX')).toEqual({ variable: 'ARCHIVE_PREFIX', value: 'exports', source: 'function' });
    // Empty lists are not written (Lambda keeps no empty variable): the contract's default applies.
    expect(row('INCLUDE_DATABASES')).toEqual({ variable: 'INCLUDE_DATABASES', value: '', source: 'default' });

    const overridden = cli(moto.endpoint, ['env', '--function', FUNCTION_NAME], { MAX_CONCURRENT_EXPORTS: '2' });
    expect(overridden.stdout).toMatch(/^MAX_CONCURRENT_EXPORTS\s+2\s+\[shell\]$/m);
    expect(overridden.stderr).toContain(`settings from the function ${FUNCTION_NAME} (us-east-1); overridden in the shell: MAX_CONCURRENT_EXPORTS`);
  });

  it('without --function, the exporter named by the local configuration is read', () => {
    const run = cli(moto.endpoint, ['env'], { RDS_ARCHIVE_NAME_PREFIX: 'rds-archive', RDS_ARCHIVE_ENVIRONMENT: 'test' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`settings from the function ${FUNCTION_NAME}`);
  });

  it('a function that does not exist: the error lists the exporter functions it can see, without a stack trace', () => {
    const run = cli(moto.endpoint, ['status', '--function', 'rds-archive-nope-exporter']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `error: the exporter function "rds-archive-nope-exporter" was not found in us-east-1. Exporter functions visible in us-east-1: ${FUNCTION_NAME}. Pass one with --function NAME.\n`,
    );
  });
});
