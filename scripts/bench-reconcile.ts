// `node scripts/run-ts.js scripts/bench-reconcile.ts`: consecutive scheduled reconciliations of a
// large account (2,000 databases, 10,000 snapshots in the window) against the stub RDS endpoint
// and the gateway's in-memory S3, both answering after 20 ms per call: API calls per action, wall
// time and peak memory of each run beside their targets, then one JSON summary line.
// The account is in steady state: exports completed more than a day ago have their manifest
// (earlier runs verified them). Then, on one account with 100,000 historical export tasks:
//   1. first: no record of verified exports yet, so every completed export of the window is
//      listed once (as every run did before the record) and the record is written;
//   2. nothing new: the record is read, nothing is listed;
//   3. one new: one running export has completed since; it alone is listed and verified;
//   4. record corrupt + one new: the record is garbage; every export is listed again, the new one
//      verified, the record rebuilt;
//   5. record deleted + one new: the same from no record.
// The first two runs are repeated on an account with 10,000 historical tasks: the calls must not
// follow the export history. Each run is a child process (a cold start, as in Lambda, without
// the stub's account in its memory); the stubs answer from this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { startGateway } from '../__tests__/support/stub-gateway';
import { largeAccount, type StubExportTask, startStubRds } from '../__tests__/support/stub-rds';
import { MANIFEST_FILE_NAME } from '../handler/contract/manifest';
import { exportTaskIdentifier } from '../handler/rules/export-naming';
import { verifiedRecordKey } from '../handler/contract/archive-layout';
import { DAY_MS } from '../handler/common/time';

const ROOT = path.join(__dirname, '..');
const RSS_REPORTER = path.join(__dirname, 'report-peak-rss.js');
const CHILD_FLAG = '--reconcile-child';
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const LOOKBACK_DAYS = 7;
const BUCKET = 'rds-archive-large-account';
const ARCHIVE_PREFIX = 'exports';

/** Targets of the reconciliation (issues #13 and #20). */
export const RECONCILE_TARGETS = {
  /** Any run, the first included (it lists every completed export of the window once). */
  wallSeconds: 60,
  /** Each run after the first, when at most one export completed since. */
  laterWallSeconds: 10,
  /** S3 requests of each run after the first, when at most one export completed since. */
  laterS3Requests: 100,
  peakMb: 256,
  /** Calls may grow by at most this share when the export history grows tenfold. */
  historyGrowth: 0.1,
} as const;

/** The account and the endpoint of one measurement. */
export interface ReconcileBenchOptions {
  readonly databases: number;
  readonly snapshotsInWindow: number;
  readonly historicalExportTasks: number;
  readonly seed: number;
  /**
   * Milliseconds the stub waits before answering each call.
   * @default 20
   */
  readonly latencyMs?: number;
}

/** What happened to the account before a run. */
export type RunKind = 'first' | 'nothing new' | 'one new' | 'record corrupt + one new' | 'record deleted + one new';

/** What one reconciliation cost. */
export interface ReconcileMeasurement {
  readonly kind: RunKind;
  readonly options: ReconcileBenchOptions;
  /** Export tasks in the account: the history plus those of in-window snapshots. */
  readonly exportTasks: number;
  /** The scheduledReconciliation() call alone, in the child. */
  readonly wallMs: number;
  /** Peak resident memory of the child process (Node, SDK, handler, reconciliation). */
  readonly peakRssMb: number;
  /** Peak V8 heap in use during the run, sampled every 10 ms. */
  readonly peakHeapMb: number;
  /** Calls per action; S3 ones start with "S3 ". */
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly s3Calls: number;
  readonly rdsCalls: number;
  readonly snapshotsInWindow: number;
  readonly started: number;
  /** Completed exports of the window, and those the run listed (not named by the record). */
  readonly completedExports: number;
  readonly checkedExports: number;
  /** The export that completed before this run, if any, and whether the run left it a manifest. */
  readonly newExport?: { readonly identifier: string; readonly verified: boolean };
}

/** One line of the results: a value beside its target (the shape scripts/bench.ts prints). */
export interface ReconcileCheck {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

interface ChildResult {
  readonly wallMs: number;
  readonly peakHeapMb: number;
  readonly snapshots: number;
  readonly started: number;
  readonly failures: number;
  readonly completedExports: number;
  readonly checkedExports: number;
}

/** In the child: run the scheduled reconciliation against AWS_ENDPOINT_URL and print the result as JSON. */
async function runChild(): Promise<void> {
  // Loaded here, not at the top: the parent only serves the stub and needs no SDK clients.
  const { scheduledReconciliation } = require('../handler/exporting/reconcile') as typeof import('../handler/exporting/reconcile');
  const { readSettings } = require('../handler/contract/settings') as typeof import('../handler/contract/settings');
  const settings = readSettings(process.env);
  // The run's own log lines are read back for its counts, not printed.
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void lines.push(String(line));
  // The heap alone: process.memoryUsage() also reads the RSS from the system, which costs the run itself time.
  const heapUsed = () => getHeapStatistics().used_heap_size;
  let peakHeap = heapUsed();
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, heapUsed());
  }, 10);
  const started = process.hrtime.bigint();
  await scheduledReconciliation(settings, new Date(Number(process.env.BENCH_NOW)));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  console.log = log;
  peakHeap = Math.max(peakHeap, heapUsed());
  const finished = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.reconciliation === 'finished') ?? {};
  const out: ChildResult = {
    wallMs,
    peakHeapMb: peakHeap / 2 ** 20,
    snapshots: Number(finished.snapshots ?? 0),
    started: Number(finished.started ?? 0),
    failures: Number(finished.failedStarts ?? 0) + Number(finished.failedVerifications ?? 0),
    completedExports: Number(finished.completedExports ?? 0),
    checkedExports: Number(finished.checkedExports ?? 0),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runReconcilerProcess(env: NodeJS.ProcessEnv): Promise<{ result: ChildResult; peakRssMb: number }> {
  const peakFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-reconcile-')), 'peak');
  // BENCH_RECONCILE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles each run (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_RECONCILE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child = spawn(process.execPath, [...nodeArgs, '--require', RSS_REPORTER, path.join(__dirname, 'run-ts.js'), __filename, CHILD_FLAG], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_PEAK_RSS_FILE: peakFile, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`the reconciliation process failed (exit ${code}):\n${stderr}`);
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve({ result: JSON.parse(line) as ChildResult, peakRssMb: Number(readFileSync(peakFile, 'utf8')) / 1024 });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(path.dirname(peakFile), { recursive: true, force: true });
      }
    });
  });
}

/**
 * Seeds the stub with a large account in steady state and runs the reconciliations `kinds` name,
 * one after the other, each prepared as its name says; returns what each cost.
 */
export async function measureReconciliations(options: ReconcileBenchOptions, kinds: readonly RunKind[]): Promise<ReconcileMeasurement[]> {
  const now = new Date();
  const account = largeAccount({ ...options, now, windowDays: LOOKBACK_DAYS, exportTaskIdentifier, region: REGION, account: ACCOUNT });
  const latencyMs = options.latencyMs ?? 20;
  const stub = await startStubRds({ latencyMs });
  const gateway = await startGateway(stub.endpoint, { s3LatencyMs: latencyMs });
  const manifestOf = (task: StubExportTask) => `${task.s3Prefix}/${task.identifier}/${MANIFEST_FILE_NAME}`;
  const recordKey = verifiedRecordKey(ARCHIVE_PREFIX);
  /** One running export of ours finishes, as RDS reports it; its folder stays empty (verification finds it missing). */
  const completeOne = (): StubExportTask => {
    const running = stub.exportTasks().find((t) => t.s3Bucket === BUCKET && (t.status === 'IN_PROGRESS' || t.status === 'STARTING'));
    if (running === undefined) throw new Error('no running export left to complete');
    const done: StubExportTask = { ...running, status: 'COMPLETE', extractedGb: 1 };
    stub.addExportTasks([done]);
    return done;
  };
  const env = {
    AWS_ENDPOINT_URL: gateway.endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ARCHIVE_BUCKET: BUCKET,
    CATALOG_ENABLED: 'false',
    EXPORT_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/rds-archive-export`,
    EXPORT_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    ARCHIVE_PREFIX,
    SNAPSHOT_TYPES: 'automated,manual',
    LOOKBACK_DAYS: String(LOOKBACK_DAYS),
    BENCH_NOW: String(now.getTime()),
  };
  try {
    stub.addSnapshots(account.snapshots);
    stub.addExportTasks(account.exportTasks);
    // Steady state: exports completed more than a day ago have their manifest from earlier runs.
    for (const task of account.exportTasks) {
      if (task.status === 'COMPLETE' && task.s3Bucket === BUCKET && task.startedAt.getTime() < now.getTime() - DAY_MS) {
        const manifest = {
          manifestVersion: 1,
          exportTaskIdentifier: task.identifier,
          exportPrefix: `${task.s3Prefix}/${task.identifier}/`,
          outcome: 'verified',
          tables: [],
          warnings: [],
          totals: {},
        };
        gateway.s3.put(BUCKET, manifestOf(task), JSON.stringify(manifest));
      }
    }
    const runs: ReconcileMeasurement[] = [];
    for (const kind of kinds) {
      if (kind === 'record corrupt + one new') gateway.s3.put(BUCKET, recordKey, '{"recordVersion":1,"exports":{"exports/db-00001/":["rds-db-000');
      if (kind === 'record deleted + one new') gateway.s3.delete(BUCKET, recordKey);
      const newExport = kind === 'first' || kind === 'nothing new' ? undefined : completeOne();
      stub.resetCalls();
      const s3Before = gateway.s3.calls.length;
      const { result, peakRssMb } = await runReconcilerProcess(env);
      const calls: Record<string, number> = { ...stub.callCounts() };
      const rdsCalls = Object.values(calls).reduce((a, b) => a + b, 0);
      const s3 = gateway.s3.calls.slice(s3Before);
      for (const call of s3) calls[`S3 ${call.operation}`] = (calls[`S3 ${call.operation}`] ?? 0) + 1;
      runs.push({
        kind,
        options,
        exportTasks: account.exportTasks.length,
        wallMs: result.wallMs,
        peakRssMb,
        peakHeapMb: result.peakHeapMb,
        calls,
        totalCalls: rdsCalls + s3.length,
        s3Calls: s3.length,
        rdsCalls,
        snapshotsInWindow: result.snapshots,
        started: result.started,
        completedExports: result.completedExports,
        checkedExports: result.checkedExports,
        ...(newExport === undefined
          ? {}
          : { newExport: { identifier: newExport.identifier, verified: gateway.s3.get(BUCKET, manifestOf(newExport)) !== undefined } }),
      });
    }
    return runs;
  } finally {
    await gateway.close();
    await stub.close();
  }
}

const SEQUENCE: readonly RunKind[] = ['first', 'nothing new', 'one new', 'record corrupt + one new', 'record deleted + one new'];

/** The large account's consecutive reconciliations, the same account with a tenth of the history, and the checks against the targets. */
export async function measureReconcileScaling(latencyMs = 20): Promise<{ runs: readonly ReconcileMeasurement[]; checks: readonly ReconcileCheck[] }> {
  const base = { databases: 2_000, snapshotsInWindow: 10_000, seed: 13, latencyMs };
  const small = await measureReconciliations({ ...base, historicalExportTasks: 10_000 }, ['first', 'nothing new']);
  const large = await measureReconciliations({ ...base, historicalExportTasks: 100_000 }, SEQUENCE);
  const byKind = (kind: RunKind) => large.find((r) => r.kind === kind)!;
  const later = [byKind('nothing new'), byKind('one new')];
  const rebuilds = [byKind('record corrupt + one new'), byKind('record deleted + one new')];
  const all = [...small, ...large];
  const growth = (a: ReconcileMeasurement, b: ReconcileMeasurement) => (b.totalCalls - a.totalCalls) / a.totalCalls;
  const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(0)}%`;
  const seconds = (run: ReconcileMeasurement) => `${(run.wallMs / 1000).toFixed(1)} s`;
  const slowestLater = Math.max(...later.map((r) => r.wallMs)) / 1000;
  const peak = Math.max(...all.map((r) => r.peakRssMb));
  const slowest = Math.max(...all.map((r) => r.wallMs)) / 1000;
  const [firstGrowth, steadyGrowth] = [growth(small[0]!, byKind('first')), growth(small[1]!, byKind('nothing new'))];
  return {
    runs: all,
    checks: [
      {
        name: 'two consecutive reconciliations: requests',
        value: [byKind('first'), byKind('nothing new')].map((r) => `${r.kind}: S3 ${r.s3Calls}, RDS ${r.rdsCalls}`).join('; '),
        target: 'measured',
        met: undefined,
      },
      {
        name: 'reconciliation after the first: S3 requests',
        value: `${later.map((r) => `${r.s3Calls} (${r.kind})`).join(', ')}; RDS ${later.map((r) => r.rdsCalls).join(', ')}`,
        target: `<= ${RECONCILE_TARGETS.laterS3Requests} each`,
        met: later.every((r) => r.s3Calls <= RECONCILE_TARGETS.laterS3Requests),
      },
      {
        name: 'reconciliation after the first: wall time',
        value: `${later.map((r) => `${seconds(r)} (${r.kind})`).join(', ')} at ${latencyMs} ms per call`,
        target: `< ${RECONCILE_TARGETS.laterWallSeconds} s each`,
        met: slowestLater < RECONCILE_TARGETS.laterWallSeconds,
      },
      {
        name: 'newly completed export verified',
        value: [...later, ...rebuilds]
          .filter((r) => r.newExport !== undefined)
          .map((r) => `${r.newExport!.verified ? 'yes' : 'NO'} (${r.kind})`)
          .join(', '),
        target: 'yes, also without the record',
        met: [...later, ...rebuilds].every((r) => r.newExport === undefined || r.newExport.verified),
      },
      {
        name: 'reconciliation wall time, any run',
        value: `${seconds(byKind('first'))} first, ${rebuilds.map((r) => `${seconds(r)} ${r.kind.replace(' + one new', '')}`).join(', ')}`,
        target: `< ${RECONCILE_TARGETS.wallSeconds} s`,
        met: slowest < RECONCILE_TARGETS.wallSeconds,
      },
      {
        name: 'reconciliation peak memory',
        value: `${peak.toFixed(0)} MB RSS, ${Math.max(...all.map((r) => r.peakHeapMb)).toFixed(0)} MB heap (worst run)`,
        target: `< ${RECONCILE_TARGETS.peakMb} MB`,
        met: peak < RECONCILE_TARGETS.peakMb,
      },
      {
        name: 'reconciliation calls vs export history',
        value: `first ${small[0]!.totalCalls} -> ${byKind('first').totalCalls} (${percent(firstGrowth)}), next ${small[1]!.totalCalls} -> ${byKind('nothing new').totalCalls} (${percent(steadyGrowth)}) at 10,000 -> 100,000 tasks`,
        target: `<= +${RECONCILE_TARGETS.historyGrowth * 100}% for 10x history`,
        met: firstGrowth <= RECONCILE_TARGETS.historyGrowth && steadyGrowth <= RECONCILE_TARGETS.historyGrowth,
      },
    ],
  };
}

async function main(): Promise<void> {
  process.stderr.write(`bench: consecutive reconciliations of a large account (${2 + SEQUENCE.length} runs, 20 ms per call)\n`);
  const { runs, checks } = await measureReconcileScaling();
  const actions = [...new Set(runs.flatMap((r) => Object.keys(r.calls)))].sort();
  console.log(`\nreconciliation: 2,000 databases, 10,000 snapshots in the ${LOOKBACK_DAYS}-day window, 20 ms per call\n`);
  const headers = ['history', 'run', ...actions, 'S3', 'RDS', 'listed', 'wall', 'peak RSS', 'peak heap', 'started'];
  const row = (cells: readonly string[]) => cells.map((c, i) => c.padStart(Math.max(headers[i]!.length, i === 1 ? 24 : 7) + 2)).join('');
  console.log(row(headers));
  for (const run of runs) {
    console.log(
      row([
        run.options.historicalExportTasks.toLocaleString('en-US'),
        run.kind,
        ...actions.map((a) => String(run.calls[a] ?? 0)),
        String(run.s3Calls),
        String(run.rdsCalls),
        `${run.checkedExports}/${run.completedExports}`,
        `${(run.wallMs / 1000).toFixed(1)} s`,
        `${run.peakRssMb.toFixed(0)} MB`,
        `${run.peakHeapMb.toFixed(0)} MB`,
        String(run.started),
      ]),
    );
  }
  console.log('');
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks)
    console.log(
      `${check.name.padEnd(width)}  ${check.value.padEnd(70)}  ${check.target.padEnd(30)} ${check.met === undefined ? '' : check.met ? 'met' : 'MISSED'}`,
    );
  console.log(JSON.stringify({ bench: 'reconcile', runs, checks }));
  if (checks.some((c) => c.met === false)) process.exitCode = 1;
}

if (process.argv.includes(CHILD_FLAG)) {
  runChild().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else if (path.resolve(process.argv[1] ?? '') === __filename) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
