// `node scripts/run-ts.js scripts/bench-reconcile.ts`: one scheduled reconciliation of a large
// account (2,000 databases, 10,000 snapshots in the window) against the stub RDS endpoint with
// 20 ms per call, once with 10,000 and once with 100,000 historical export tasks: API calls per
// action, wall time and peak memory beside their targets, then one JSON summary line.
// The scheduled run is measured whole: planning and starting, then the check of every completed
// export of the window for its manifest (in steady state, those older than a day were verified
// before; the last day's are verified now, against an empty export folder). The reconciler runs
// in a child process (as in Lambda, without the stub's account in its memory); the stub RDS
// endpoint and the gateway's in-memory S3, both with the latency per call, answer from this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportTaskIdentifier } from '../handler/export-naming';
import { startGateway } from '../__tests__/support/stub-gateway';
import { largeAccount, startStubRds } from '../__tests__/support/stub-rds';
import { MANIFEST_FILE_NAME } from '../handler/archive-manifest';

const ROOT = path.join(__dirname, '..');
const RSS_REPORTER = path.join(__dirname, 'report-peak-rss.js');
const CHILD_FLAG = '--reconcile-child';
const DAY_MS = 24 * 60 * 60 * 1000;
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const LOOKBACK_DAYS = 7;

/** Targets of one reconciliation (issue #13). */
export const RECONCILE_TARGETS = {
  wallSeconds: 60,
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

/** What one reconciliation cost. */
export interface ReconcileMeasurement {
  readonly options: ReconcileBenchOptions;
  /** Export tasks in the account: the history plus those of in-window snapshots. */
  readonly exportTasks: number;
  /** The reconcile() call alone, in the child. */
  readonly wallMs: number;
  /** Peak resident memory of the child process (Node, SDK, handler, reconciliation). */
  readonly peakRssMb: number;
  /** Peak V8 heap in use during reconcile(), sampled every 10 ms. */
  readonly peakHeapMb: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  readonly snapshotsInWindow: number;
  readonly started: number;
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
}

/** In the child: run the scheduled reconciliation against AWS_ENDPOINT_URL and print the result as JSON. */
async function runChild(): Promise<void> {
  // Loaded here, not at the top: the parent only serves the stub and needs no SDK clients.
  const { scheduledReconciliation } = require('../handler/reconcile') as typeof import('../handler/reconcile');
  const { readSettings } = require('../handler/settings') as typeof import('../handler/settings');
  const settings = readSettings(process.env);
  // The run's own log lines are read back for its counts, not printed.
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: unknown) => void lines.push(String(line));
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 10);
  const started = process.hrtime.bigint();
  await scheduledReconciliation(settings, new Date(Number(process.env.BENCH_NOW)));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  console.log = log;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  const finished = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.reconciliation === 'finished') ?? {};
  const out: ChildResult = {
    wallMs,
    peakHeapMb: peakHeap / 2 ** 20,
    snapshots: Number(finished.snapshots ?? 0),
    started: Number(finished.started ?? 0),
    failures: Number(finished.failedStarts ?? 0) + Number(finished.failedVerifications ?? 0),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runReconcilerProcess(env: NodeJS.ProcessEnv): Promise<{ result: ChildResult; peakRssMb: number }> {
  const peakFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-reconcile-')), 'peak');
  const child = spawn(process.execPath, ['--require', RSS_REPORTER, path.join(__dirname, 'run-ts.js'), __filename, CHILD_FLAG], {
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

/** Seeds the stub with a large account and measures one reconciliation of its window. */
export async function measureReconciliation(options: ReconcileBenchOptions): Promise<ReconcileMeasurement> {
  const now = new Date();
  const account = largeAccount({ ...options, now, windowDays: LOOKBACK_DAYS, exportTaskIdentifier, region: REGION, account: ACCOUNT });
  const latencyMs = options.latencyMs ?? 20;
  const stub = await startStubRds({ latencyMs });
  const gateway = await startGateway(stub.endpoint, { s3LatencyMs: latencyMs });
  try {
    stub.addSnapshots(account.snapshots);
    stub.addExportTasks(account.exportTasks);
    // Steady state: exports completed more than a day ago have their manifest from earlier runs.
    const bucket = 'rds-archive-large-account';
    for (const task of account.exportTasks) {
      if (task.status === 'COMPLETE' && task.s3Bucket === bucket && task.startedAt.getTime() < now.getTime() - DAY_MS) {
        const manifest = {
          manifestVersion: 1,
          exportTaskIdentifier: task.identifier,
          exportPrefix: `${task.s3Prefix}/${task.identifier}/`,
          outcome: 'verified',
          tables: [],
          warnings: [],
          totals: {},
        };
        gateway.s3.put(bucket, `${task.s3Prefix}/${task.identifier}/${MANIFEST_FILE_NAME}`, JSON.stringify(manifest));
      }
    }
    const { result, peakRssMb } = await runReconcilerProcess({
      AWS_ENDPOINT_URL: gateway.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      ARCHIVE_BUCKET: bucket,
      CATALOG_ENABLED: 'false',
      EXPORT_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/rds-archive-export`,
      EXPORT_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
      ARCHIVE_PREFIX: 'exports',
      SNAPSHOT_TYPES: 'automated,manual',
      LOOKBACK_DAYS: String(LOOKBACK_DAYS),
      BENCH_NOW: String(now.getTime()),
    });
    const calls: Record<string, number> = { ...stub.callCounts() };
    for (const call of gateway.s3.calls) calls[`S3 ${call.operation}`] = (calls[`S3 ${call.operation}`] ?? 0) + 1;
    return {
      options,
      exportTasks: account.exportTasks.length,
      wallMs: result.wallMs,
      peakRssMb,
      peakHeapMb: result.peakHeapMb,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      snapshotsInWindow: result.snapshots,
      started: result.started,
    };
  } finally {
    await gateway.close();
    await stub.close();
  }
}

/** The large account with 10,000 and with 100,000 historical export tasks, and the checks against the targets. */
export async function measureReconcileScaling(latencyMs = 20): Promise<{ runs: readonly ReconcileMeasurement[]; checks: readonly ReconcileCheck[] }> {
  const base = { databases: 2_000, snapshotsInWindow: 10_000, seed: 13, latencyMs };
  const small = await measureReconciliation({ ...base, historicalExportTasks: 10_000 });
  const large = await measureReconciliation({ ...base, historicalExportTasks: 100_000 });
  const growth = (large.totalCalls - small.totalCalls) / small.totalCalls;
  const slowest = Math.max(small.wallMs, large.wallMs) / 1000;
  const peak = Math.max(small.peakRssMb, large.peakRssMb);
  return {
    runs: [small, large],
    checks: [
      {
        name: 'reconciliation wall time (large account)',
        value: `${slowest.toFixed(1)} s at ${latencyMs} ms per call`,
        target: `< ${RECONCILE_TARGETS.wallSeconds} s`,
        met: slowest < RECONCILE_TARGETS.wallSeconds,
      },
      {
        name: 'reconciliation peak memory',
        value: `${peak.toFixed(0)} MB RSS, ${Math.max(small.peakHeapMb, large.peakHeapMb).toFixed(0)} MB heap`,
        target: `< ${RECONCILE_TARGETS.peakMb} MB`,
        met: peak < RECONCILE_TARGETS.peakMb,
      },
      {
        name: 'reconciliation calls vs export history',
        value: `${small.totalCalls} calls at 10,000 tasks, ${large.totalCalls} at 100,000 (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(0)}%)`,
        target: `<= +${RECONCILE_TARGETS.historyGrowth * 100}% for 10x history`,
        met: growth <= RECONCILE_TARGETS.historyGrowth,
      },
    ],
  };
}

async function main(): Promise<void> {
  process.stderr.write('bench: reconciliation of a large account (2 runs, 20 ms per call)\n');
  const { runs, checks } = await measureReconcileScaling();
  const actions = [...new Set(runs.flatMap((r) => Object.keys(r.calls)))].sort();
  console.log(`\nreconciliation: 2,000 databases, 10,000 snapshots in the ${LOOKBACK_DAYS}-day window, 20 ms per call\n`);
  const headers = ['history', ...actions, 'total calls', 'wall', 'peak RSS', 'peak heap', 'started'];
  const row = (cells: readonly string[]) => cells.map((c, i) => c.padStart(Math.max(headers[i]!.length, 9) + 2)).join('');
  console.log(row(headers));
  for (const run of runs) {
    console.log(
      row([
        run.options.historicalExportTasks.toLocaleString('en-US'),
        ...actions.map((a) => String(run.calls[a] ?? 0)),
        String(run.totalCalls),
        `${(run.wallMs / 1000).toFixed(1)} s`,
        `${run.peakRssMb.toFixed(0)} MB`,
        `${run.peakHeapMb.toFixed(0)} MB`,
        String(run.started),
      ]),
    );
  }
  console.log('');
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) console.log(`${check.name.padEnd(width)}  ${check.value.padEnd(58)}  ${check.target.padEnd(30)} ${check.met ? 'met' : 'MISSED'}`);
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
