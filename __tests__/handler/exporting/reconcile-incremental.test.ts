// The scheduled reconciliation learns only what changed: against the stub RDS endpoint and the
// gateway's in-memory S3, consecutive runs check only exports that completed since the record of
// verified exports was written; a lost or corrupt record costs a full check, never a verification.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MANIFEST_FILE_NAME } from '../../../handler/contract/manifest';
import { exportTaskIdentifier } from '../../../handler/rules/export-naming';
import { parseVerifiedRecord } from '../../../handler/verification/verified-record';
import { verifiedRecordKey } from '../../../handler/contract/archive-layout';
import { type Gateway, type S3Call, startGateway } from '../../support/stub-gateway';
import { largeAccount, type StubExportTask, type StubRds, startStubRds } from '../../support/stub-rds';

const BUCKET = 'rds-archive-incremental';
const PREFIX = 'exports';
const RECORD_KEY = verifiedRecordKey(PREFIX);
const NOW = new Date();
const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  ARCHIVE_BUCKET: BUCKET,
  ARCHIVE_PREFIX: PREFIX,
  CATALOG_ENABLED: 'false',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  SNAPSHOT_TYPES: 'automated,manual',
  LOOKBACK_DAYS: '7',
};

type Scheduled = (settings: unknown, now?: Date) => Promise<void>;

const folderOf = (task: StubExportTask) => `${task.s3Prefix}/${task.identifier}/`;
const isOurs = (task: StubExportTask) => task.s3Bucket === BUCKET && task.status === 'COMPLETE';

describe('reconciliation with a record of verified exports', () => {
  let stub: StubRds;
  let gateway: Gateway;
  let run: () => Promise<{ calls: S3Call[]; logs: Array<Record<string, unknown>> }>;

  const completedFolders = () => stub.exportTasks().filter(isOurs).map(folderOf).sort();
  const recorded = () => {
    const parsed = parseVerifiedRecord(gateway.s3.get(BUCKET, RECORD_KEY)?.body.toString('utf8') ?? '');
    if (!parsed.ok) throw new Error(`the record is not readable: ${parsed.reason}`);
    return [...parsed.folders].sort();
  };
  const manifestOf = (task: StubExportTask) => gateway.s3.get(BUCKET, `${folderOf(task)}${MANIFEST_FILE_NAME}`);
  /** The export folders whose manifest a run looked for (verification looks again before it writes). */
  const manifestChecks = (calls: readonly S3Call[]) => [
    ...new Set(
      calls.filter((c) => c.operation === 'ListObjectsV2' && c.prefix?.endsWith(MANIFEST_FILE_NAME)).map((c) => c.prefix!.slice(0, -MANIFEST_FILE_NAME.length)),
    ),
  ];
  /** Marks one of the running exports complete, as RDS does when it finishes; returns it. */
  const completeOne = (): StubExportTask => {
    const running = stub.exportTasks().find((t) => t.status === 'IN_PROGRESS' && t.s3Bucket === BUCKET);
    if (running === undefined) throw new Error('no running export left to complete');
    const done: StubExportTask = { ...running, status: 'COMPLETE', extractedGb: 1 };
    stub.addExportTasks([done]);
    return done;
  };

  beforeAll(async () => {
    stub = await startStubRds({ maxRunningExports: 4 });
    gateway = await startGateway(stub.endpoint);
    // 30 databases, 90 snapshots in the window: those older than a day exported, 3 exports running.
    const account = largeAccount({
      databases: 30,
      snapshotsInWindow: 90,
      historicalExportTasks: 0,
      seed: 20,
      now: NOW,
      runningExports: 3,
      exportTaskIdentifier,
    });
    stub.addSnapshots(account.snapshots);
    stub.addExportTasks(account.exportTasks.map((t) => ({ ...t, s3Bucket: BUCKET })));
    // Earlier runs verified every other completed export.
    account.exportTasks
      .filter((t) => t.status === 'COMPLETE')
      .forEach((t, i) => {
        if (i % 2 === 0) gateway.s3.put(BUCKET, `${folderOf(t)}${MANIFEST_FILE_NAME}`, JSON.stringify({ manifestVersion: 1, outcome: 'verified' }));
      });
    for (const [name, value] of Object.entries({ ...ENV, AWS_ENDPOINT_URL: gateway.endpoint })) vi.stubEnv(name, value);
    vi.stubEnv('AWS_PROFILE', undefined);
    // A cold start with this environment: the handler's modules and SDK clients made anew.
    vi.resetModules();
    const { scheduledReconciliation } = (await import('../../../handler/exporting/reconcile')) as { scheduledReconciliation: Scheduled };
    const { readSettings } = await import('../../../handler/contract/settings');
    run = async () => {
      const logs: Array<Record<string, unknown>> = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void logs.push(JSON.parse(String(line)) as Record<string, unknown>));
      const first = gateway.s3.calls.length;
      try {
        await scheduledReconciliation(readSettings(process.env), new Date());
      } finally {
        spy.mockRestore();
      }
      return { calls: gateway.s3.calls.slice(first), logs };
    };
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await gateway?.close();
    await stub?.close();
  });

  it('a first run checks every completed export once, verifies those without a manifest, and records them all', async () => {
    // Prepare
    const unverified = stub.exportTasks().filter((t) => isOurs(t) && manifestOf(t) === undefined);
    expect(unverified.length).toBeGreaterThan(0);

    // Act
    const { calls, logs } = await run();

    // Assess
    expect(manifestChecks(calls)).toHaveLength(completedFolders().length);
    for (const task of unverified) expect(manifestOf(task), task.identifier).toBeDefined();
    expect(recorded()).toEqual(completedFolders());
    expect(logs).toContainEqual(expect.objectContaining({ level: 'INFO', verifiedRecord: 'building', key: RECORD_KEY }));
    expect(logs.find((l) => l.reconciliation === 'finished')).toMatchObject({
      completedExports: completedFolders().length,
      checkedExports: completedFolders().length,
    });
  });

  it('the next run, with nothing new, reads the record and lists no export', async () => {
    const { calls, logs } = await run();
    expect(calls.map((c) => `${c.operation} ${c.key}`)).toEqual([`GetObject ${RECORD_KEY}`]);
    expect(logs.find((l) => l.reconciliation === 'finished')).toMatchObject({ checkedExports: 0, failedVerifications: 0 });
  });

  it('an export that completed since is the only one checked; when its verification fails it stays unrecorded and the next run verifies it', async () => {
    // Prepare: the new export's manifest cannot be written on the first try.
    const done = completeOne();
    const answer = gateway.s3.answer.bind(gateway.s3);
    gateway.s3.answer = (method, url, ...rest) =>
      method === 'PUT' && url.pathname.endsWith(`/${done.identifier}/${MANIFEST_FILE_NAME}`)
        ? { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' }
        : answer(method, url, ...rest);

    // Act
    const failed = await run();
    gateway.s3.answer = answer;
    const retried = await run();

    // Assess
    expect(manifestChecks(failed.calls)).toEqual([folderOf(done)]);
    expect(failed.logs).toContainEqual(expect.objectContaining({ decision: 'retry', exportTaskIdentifier: done.identifier }));
    expect(failed.calls.filter((c) => c.key === RECORD_KEY).map((c) => c.operation)).toEqual(['GetObject']);
    expect(manifestChecks(retried.calls)).toEqual([folderOf(done)]);
    expect(manifestOf(done)).toBeDefined();
    expect(recorded()).toContain(folderOf(done));
    expect(retried.calls.length).toBeLessThanOrEqual(8);
  });

  it('a corrupt record costs a full check and is rebuilt, and what is new is still verified', async () => {
    // Prepare
    gateway.s3.put(BUCKET, RECORD_KEY, '{"recordVersion":1,"exports":{"exports/db-00001/":["rds-db');
    const done = completeOne();

    // Act
    const { calls, logs } = await run();

    // Assess
    expect(logs).toContainEqual(expect.objectContaining({ level: 'WARN', verifiedRecord: 'rebuilding', reason: expect.stringContaining('not JSON') }));
    expect(manifestChecks(calls)).toHaveLength(completedFolders().length);
    expect(manifestOf(done)).toBeDefined();
    expect(recorded()).toEqual(completedFolders());
  });

  it('a deleted record is rebuilt the same way, and the run after it lists nothing again', async () => {
    gateway.s3.delete(BUCKET, RECORD_KEY);
    const rebuilt = await run();
    const after = await run();
    expect(manifestChecks(rebuilt.calls)).toHaveLength(completedFolders().length);
    expect(recorded()).toEqual(completedFolders());
    expect(manifestChecks(after.calls)).toHaveLength(0);
  });
});
