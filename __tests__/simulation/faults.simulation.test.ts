// Reliability under faults and at scale (issue #13): a seeded simulation of several days of an
// account (RDS instances and Aurora clusters, daily automated and occasional manual snapshots, an
// engine RDS cannot export, an excluded database, other teams' exports that use the quota) whose
// events are dropped, duplicated, delayed and reordered, handled by concurrent invocations of the
// handler (the source module, imported afresh per seed, as a Lambda cold start), with an hourly
// reconciliation, exports that progress and sometimes fail, and a storm of throttling, server
// errors, connection resets and delays from the fault proxy. After every 5-minute step, on the
// stub's records:
//   1. no snapshot has two running-or-complete exports at once;
//   2. at most MAX_CONCURRENT_EXPORTS of the archive's exports run at once;
//   4. the archive never asks to export a snapshot that is excluded, of an unselected type or of
//      an engine RDS cannot export;
//   5. every failed invocation logged a "retry"/"failed" decision with a reason, and its error
//      names the snapshot (a reconciliation may also fail with the AWS error of a listing during the storm);
// and once the storm is over, two reconciliations ran, the archive's exports finished and a
// reconciliation found nothing to start:
//   3. every eligible snapshot (default policy: every selected, exportable, available snapshot in
//      the lookback window) has a complete export;
//   6. (extra) every complete export of the archive has a manifest in S3 that says "verified"
//      (verification on the export-completed event or in a reconciliation, against a memory S3).
//
// SIM_SEED=<n> replays one seed; SIM_SEEDS=<n> runs n seeds (from SIM_SEED_START, default 1):
// 4 in `npm test`, 40 in `npm run test:deep`, and CI runs 200 more;
// SIM_DAYS=<n> simulated days per seed; SIM_CALM=1 turns the faults off (to tell a fault-caused
// break from one that happens anyway). The world, the events' fates and the proxy's draws come
// from the seed; the interleaving of concurrent invocations and the SDK's retry jitter do not, so a
// replay re-runs the same world and faults, not necessarily the same interleaving.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureInvocationLogs, runSeed, SeedFailure, type SeedStats } from './simulation';

const DAYS = Number(process.env.SIM_DAYS ?? 3);
const SEEDS =
  process.env.SIM_SEED !== undefined
    ? [Number(process.env.SIM_SEED)]
    : Array.from({ length: Number(process.env.SIM_SEEDS ?? 3) }, (_, i) => Number(process.env.SIM_SEED_START ?? 1) + i);
/** Failing seeds shown in full (every failing seed is counted and listed). */
const SHOWN_FAILURES = Number(process.env.SIM_SHOWN_FAILURES ?? 3);

type Handler = (event: unknown) => Promise<void>;

async function freshHandler(): Promise<Handler> {
  // A cold start: the handler's modules, and their SDK clients, made anew with this seed's environment.
  vi.resetModules();
  const module = (await import('../../handler/index')) as { handler: Handler };
  return module.handler;
}

describe('the archive under faults, over simulated days', () => {
  beforeAll(() => {
    captureInvocationLogs();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it(`keeps its invariants for ${SEEDS.length} seed(s) × ${DAYS} simulated days`, { timeout: 30 * 60_000 }, async () => {
    const started = performance.now();
    const all: SeedStats[] = [];
    const failures: SeedFailure[] = [];
    for (const seed of SEEDS) {
      try {
        all.push(await runSeed({ seed, days: DAYS, loadHandler: freshHandler }));
      } catch (error) {
        if (!(error instanceof SeedFailure)) throw error;
        failures.push(error);
        all.push(error.stats);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const sum = (key: keyof SeedStats) => all.reduce((total, s) => total + (s[key] as number), 0);
    const settle = all.map((s) => s.settledAfterHours);
    console.log(
      `simulation: ${all.length} seed(s) × ${DAYS} simulated days in ${seconds.toFixed(1)} s (${failures.length} failing); ` +
        `${sum('steps')} steps, ${sum('invocations')} invocations (${sum('reconciliations')} reconciliations, ${sum('failedInvocations')} failed, ${sum('failedOutsideStorm')} of them outside a storm, ${sum('lambdaRetries')} Lambda retries); ` +
        `${sum('eventsEmitted')} events (${sum('eventsDropped')} dropped, ${sum('eventsDuplicated')} duplicated); ${sum('exportsStarted')} exports started, ${sum('exportsComplete')} complete, ${sum('exportsFailed')} failed, ${sum('quotaRejections')} quota rejections; ` +
        `${sum('mustBeExported')} eligible snapshots checked; ${sum('faults')} injected faults of ${sum('requestsThroughProxy')} requests through the proxy; ${sum('manifests')} manifests (${sum('manifestsVerified')} verified); ${sum('publishes')} SNS notifications; ${sum('rdsCalls')} RDS/SNS calls, ${sum('s3Calls')} S3 calls; ` +
        `settled ${settle.length === 0 ? '-' : `${Math.min(...settle)}-${Math.max(...settle)}`} h after the last day`,
    );
    if (failures.length > 0) {
      const byInvariant = new Map<string, number[]>();
      for (const f of failures) for (const v of f.violations) byInvariant.set(v.invariant, [...(byInvariant.get(v.invariant) ?? []), f.seed]);
      const counts = [...byInvariant].map(
        ([invariant, seeds]) =>
          `  invariant ${invariant}: ${seeds.length} of ${all.length} seeds (${seeds.slice(0, 20).join(', ')}${seeds.length > 20 ? ', ...' : ''})`,
      );
      const shown = failures
        .slice(0, SHOWN_FAILURES)
        .map((f) => `${f.message}\n  replay: SIM_SEED=${f.seed} SIM_DAYS=${DAYS} npx vitest run __tests__/simulation/faults.simulation.test.ts`);
      throw new Error(`${failures.length} of ${all.length} seed(s) broke invariants:\n${counts.join('\n')}\n\n${shown.join('\n\n')}`);
    }
    // The simulation must have exercised what it claims to: faults, failures, exports, quota pressure.
    expect(sum('faults')).toBeGreaterThan(0);
    expect(sum('exportsComplete')).toBeGreaterThan(0);
    expect(sum('mustBeExported')).toBeGreaterThan(0);
  });
});
