// `npm run bench`: measures the main job, the handler bundle and the type check on this
// machine, prints medians beside their targets, and writes them to .bench/results.json.
// Each measurement runs once to warm caches, then RUNS times; the median is reported.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { measureHandlerThroughput } from './bench-handler';
import { measurePlanner } from './bench-planner';
import { measureReconcileScaling } from './bench-reconcile';
import { restoreChecks } from './bench-restore';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
// The SDK's notice that its 2027 releases need Node 22 would repeat in every measured child process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const RSS_REPORTER = path.join(__dirname, 'report-peak-rss.js');
/** Issue #20: the main job and the handler's cold load within 1.5 times their floors. */
const SYNTH_RATIO_TARGET = 1.5;
const COLD_LOAD_RATIO_TARGET = 1.5;

interface Run {
  readonly ms: number;
  readonly peakMb?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs a node command once; with `peak`, a preloaded reporter records its peak memory. */
function runNode(args: readonly string[], options: { peak?: boolean; env?: NodeJS.ProcessEnv } = {}): Run {
  const peakFile = path.join(mkdtempSync(path.join(tmpdir(), 'bench-rss-')), 'peak');
  const nodeArgs = options.peak ? ['--require', RSS_REPORTER, ...args] : [...args];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...options.env, BENCH_PEAK_RSS_FILE: peakFile },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}`);
  const peakMb = options.peak ? Number(readFileSync(peakFile, 'utf8')) / 1024 : undefined;
  rmSync(path.dirname(peakFile), { recursive: true, force: true });
  return { ms, peakMb };
}

function runCommand(command: string, args: readonly string[]): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return { ms };
}

/** Measures several commands in one loop, so background load hits them alike. */
function measure(label: string, runs: number, commands: Record<string, () => Run>): Record<string, { ms: number; peakMb?: number }> {
  process.stderr.write(`bench: ${label} (1 warm-up + ${runs} runs) `);
  for (const command of Object.values(commands)) command();
  const samples: Record<string, Run[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, command] of Object.entries(commands)) samples[name]!.push(command());
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return Object.fromEntries(
    Object.entries(samples).map(([name, runsOf]) => {
      const peaks = runsOf.map((r) => r.peakMb).filter((p): p is number => p !== undefined);
      return [name, { ms: median(runsOf.map((r) => r.ms)), ...(peaks.length > 0 ? { peakMb: median(peaks) } : {}) }];
    }),
  );
}

interface Check {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean | undefined;
}

async function main(): Promise<void> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-synth-'));
  const checks: Check[] = [];

  const synth = measure('main job (synth) vs require("cdktf")', RUNS, {
    synth: () => runNode(['scripts/run-ts.js', 'main.ts'], { peak: true, env: { CDKTF_OUTDIR: outdir } }),
    reference: () => runNode(['-e', "require('cdktf')"], { peak: true }),
  });
  const synthRatio = synth.synth!.ms / synth.reference!.ms;
  checks.push({
    name: 'main job synth',
    value: `${synth.synth!.ms.toFixed(0)} ms (${synthRatio.toFixed(2)} x require('cdktf') ${synth.reference!.ms.toFixed(0)} ms)`,
    target: `<= ${SYNTH_RATIO_TARGET} x`,
    met: synthRatio <= SYNTH_RATIO_TARGET,
  });
  checks.push({ name: 'main job peak memory', value: `${synth.synth!.peakMb!.toFixed(0)} MB`, target: '<= 200 MB', met: synth.synth!.peakMb! <= 200 });

  const cli = measure('cdktf synth through the CLI (for comparison)', Math.min(RUNS, 3), {
    cli: () => runCommand(path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir]),
  });
  checks.push({ name: 'cdktf synth (CLI)', value: `${cli.cli!.ms.toFixed(0)} ms`, target: 'comparison only', met: undefined });

  runNode(['scripts/run-ts.js', 'scripts/build-handler.ts']);
  const bundlePath = path.join(ROOT, 'dist', 'handler', 'index.js');
  const bundle = readFileSync(bundlePath);
  const gzipKb = gzipSync(bundle, { level: 9 }).length / 1024;
  const bundleKb = statSync(bundlePath).size / 1024;
  // index.js is what every cold start loads; record-export.js only when an export has completed,
  // notify-sns.js only on the first notification.
  const recorderKb = statSync(path.join(ROOT, 'dist', 'handler', 'record-export.js')).size / 1024;
  const notifierKb = statSync(path.join(ROOT, 'dist', 'handler', 'notify-sns.js')).size / 1024;
  checks.push({
    name: 'handler bundle (index.js)',
    value: `${bundleKb.toFixed(1)} KB raw, ${gzipKb.toFixed(1)} KB gzip`,
    target: '<= 400 KB raw',
    met: bundleKb <= 400,
  });
  checks.push({ name: 'recorder loaded on first use', value: `${recorderKb.toFixed(1)} KB raw (record-export.js)`, target: 'measured', met: undefined });
  checks.push({ name: 'notifier loaded on first use', value: `${notifierKb.toFixed(1)} KB raw (notify-sns.js)`, target: 'measured', met: undefined });

  const load = measure('handler cold load vs node -e 0', RUNS, {
    load: () => runNode(['-e', `require(${JSON.stringify(bundlePath)})`]),
    bare: () => runNode(['-e', '0']),
  });
  const loadRatio = load.load!.ms / load.bare!.ms;
  checks.push({
    name: 'handler cold load',
    value: `${load.load!.ms.toFixed(0)} ms (${loadRatio.toFixed(2)} x node -e 0 ${load.bare!.ms.toFixed(0)} ms)`,
    target: `<= ${COLD_LOAD_RATIO_TARGET} x`,
    met: loadRatio <= COLD_LOAD_RATIO_TARGET,
  });

  process.stderr.write('bench: handler throughput (stubbed RDS endpoint on 127.0.0.1)\n');
  const throughput = await measureHandlerThroughput(bundlePath, { events: 2000, runs: Math.min(RUNS, 5) });
  checks.push({
    name: 'handler throughput',
    value: `${throughput.eventsPerSecond.toFixed(0)} events/s (${throughput.events} events, median of ${throughput.runs})`,
    target: 'measured',
    met: undefined,
  });

  process.stderr.write('bench: reconciliation planner on 10,000 snapshots and 10,000 tasks\n');
  const planner = measurePlanner({ snapshots: 10_000, tasks: 10_000, runs: RUNS });
  checks.push({ name: 'planner (10,000 + 10,000)', value: `${planner.ms.toFixed(1)} ms`, target: '< 1000 ms', met: planner.ms < 1000 });

  process.stderr.write('bench: consecutive reconciliations of a large account against the stub RDS endpoint and in-memory S3 (20 ms per call)\n');
  const reconciliation = await measureReconcileScaling();
  checks.push(...reconciliation.checks);

  process.stderr.write('bench: event fuzzing through the bundle (vitest, __tests__/fuzz)\n');
  const fuzz = measureFuzzing();
  checks.push({ name: 'event fuzzing', value: fuzz.summary, target: 'no wrong export, no unexpected failure', met: fuzz.passed });

  process.stderr.write('bench: restore of 1,000,000 rows into a local PostgreSQL, beside psql \\copy of the same rows\n');
  checks.push(...(await restoreChecks()));

  const tsc = measure('tsc --noEmit', Math.min(RUNS, 3), {
    tsc: () => runNode([path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit']),
  });
  checks.push({ name: 'tsc --noEmit', value: `${tsc.tsc!.ms.toFixed(0)} ms`, target: 'measured', met: undefined });

  rmSync(outdir, { recursive: true, force: true });

  const machine = `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`\nrds-snapshot-archive benchmark — medians of ${RUNS} runs on ${machine}\n`);
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) {
    const verdict = check.met === undefined ? '' : check.met ? 'met' : 'MISSED';
    console.log(`${check.name.padEnd(width)}  ${check.value.padEnd(58)}  ${check.target.padEnd(16)} ${verdict}`);
  }
  const resultsDir = path.join(ROOT, '.bench');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, 'results.json'),
    `${JSON.stringify({ machine, runs: RUNS, synth, cli, bundle: { rawKb: bundleKb, gzipKb }, load, throughput, planner, reconciliation, fuzz, tsc, checks }, null, 2)}\n`,
  );
  console.log(`\nwritten to .bench/results.json`);
  if (checks.some((c) => c.met === false)) process.exitCode = 1;
}

/** Runs the fuzzing suite once and reads its summary line (count, records, time, seed). */
function measureFuzzing(): { passed: boolean; summary: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '__tests__/fuzz/events.fuzz.test.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    // The bench measures the long run (npm test fuzzes 1,000 events).
    env: { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const line = /event fuzzing: (\d+) events \((\d+) SNS records\) through the bundle in ([\d.]+) s, seed (\d+)/.exec(result.stdout);
  const summary =
    line === null ? 'no summary line (see npx vitest run __tests__/fuzz)' : `${line[1]} events (${line[2]} records) in ${line[3]} s, seed ${line[4]}`;
  return { passed: result.status === 0, summary: `${summary}: ${result.status === 0 ? 'passed' : 'FAILED'}` };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
