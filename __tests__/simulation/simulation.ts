// One seed's simulation: the world's snapshots appear over simulated time, their events reach the
// handler dropped, duplicated, delayed or reordered, several invocations run at once, a scheduled
// reconciliation runs every simulated hour, exports progress (and some fail), a storm of faults
// passes, and the invariants are checked after every step on the stub's records.
//
// Simulated time: vitest fakes Date only (vi.useFakeTimers({ toFake: ['Date'] }) by the caller),
// and this file sets it with vi.setSystemTime at each 5-minute step. Timers stay real, so the SDK's
// retry back-off, the fault proxy's delays and the sockets run in real time, while every `new Date()`
// of the handler and the stub reads the step's simulated instant.
import { AsyncLocalStorage } from 'node:async_hooks';
import { vi } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { rdsEventMessage, scheduledEvent, snsEvent } from '../support/exporter-events';
import { startStubRds, type StubExportStatus, type StubExportTask, type StubRds } from '../support/stub-rds';
import { startGateway, type Gateway } from '../support/stub-gateway';
import {
  ACCOUNT,
  DAY,
  EVENTS_TOPIC,
  failedAttempts,
  HOUR,
  makeWorld,
  MINUTE,
  mustBeExported,
  REGION,
  rngFor,
  selectedByConfig,
  stubSnapshot,
  T0,
  STEP_MS,
  type PlannedSnapshot,
} from './world';

export const STEP = STEP_MS;
/** Simulated time after the last day within which the archive must settle. */
const SETTLE_LIMIT = 72 * HOUR;
const RUNNING: ReadonlySet<string> = new Set(['STARTING', 'IN_PROGRESS', 'CANCELING']);
/** RDS runs at most 5 exports at once per account and region (a service quota; the stub enforces it). */
const RDS_EXPORT_QUOTA = 5;

type Handler = (event: unknown) => Promise<void>;

/** One broken invariant: which, the step where it first broke, what the records showed, and what led there. */
export interface Violation {
  readonly invariant: string;
  readonly step: string;
  readonly detail: string;
  readonly trace: readonly string[];
}

/** A seed whose run broke invariants (each reported at its first break; the run goes on to check the others). */
export class SeedFailure extends Error {
  constructor(
    readonly seed: number,
    readonly violations: readonly Violation[],
    readonly stats: SeedStats,
    summary: string,
  ) {
    super(`${summary}
${violations
  .map(
    (v) => `invariant ${v.invariant} broke at ${v.step}:
  ${v.detail}
  last happenings before it:
    ${v.trace.join('\n    ')}`,
  )
  .join('\n')}`);
  }
}

export interface SeedStats {
  seed: number;
  days: number;
  steps: number;
  invocations: number;
  failedInvocations: number;
  failedOutsideStorm: number;
  reconciliations: number;
  eventsEmitted: number;
  eventsDropped: number;
  eventsDuplicated: number;
  lambdaRetries: number;
  exportsStarted: number;
  exportsFailed: number;
  exportsComplete: number;
  mustBeExported: number;
  quotaRejections: number;
  faults: number;
  requestsThroughProxy: number;
  manifests: number;
  publishes: number;
  settledAfterHours: number;
  rdsCalls: number;
  s3Calls: number;
  manifestsVerified: number;
}

interface Invocation {
  readonly label: string;
  readonly event: unknown;
  readonly scheduled: boolean;
  /** The snapshot an SNS event is about. */
  readonly snapshot?: PlannedSnapshot;
  /** Lambda's attempt of this delivery (1-3): a failed asynchronous invocation is retried twice. */
  readonly lambdaAttempt: number;
}

type Happening =
  | { readonly kind: 'creating'; readonly snapshot: PlannedSnapshot }
  | { readonly kind: 'available'; readonly snapshot: PlannedSnapshot }
  | { readonly kind: 'deliver'; readonly invocation: Invocation }
  | { readonly kind: 'export'; readonly identifier: string; readonly status: StubExportStatus }
  | { readonly kind: 'foreign'; readonly index: number };

interface Queued {
  readonly at: number;
  readonly seq: number;
  readonly happening: Happening;
}

const EVENT_IDS = {
  instance: {
    automated: ['RDS-EVENT-0090', 'RDS-EVENT-0091'],
    manual: ['RDS-EVENT-0040', 'RDS-EVENT-0042'],
    exportFailed: 'RDS-EVENT-0159',
    exportComplete: 'RDS-EVENT-0161',
  },
  cluster: {
    automated: ['RDS-EVENT-0168', 'RDS-EVENT-0169'],
    manual: ['RDS-EVENT-0074', 'RDS-EVENT-0075'],
    exportFailed: 'RDS-EVENT-0162',
    exportComplete: 'RDS-EVENT-0164',
  },
} as const;

/** An SNS-wrapped RDS event, shaped like the fixtures; with or without "Source ARN". */
function rdsEvent(snapshot: PlannedSnapshot, eventId: string, message: string, at: number, messageId: string, withArn: boolean): unknown {
  const body = rdsEventMessage({
    kind: snapshot.database.kind,
    snapshotIdentifier: snapshot.identifier,
    snapshotArn: withArn ? snapshot.arn : undefined,
    eventId,
    message,
    at: new Date(at),
    region: REGION,
  });
  return snsEvent(body, { topicArn: EVENTS_TOPIC, messageId, timestamp: new Date(at) });
}

/** The attempt an export identifier stands for: "-a<n>" at its end, else 1. */
export function attemptOfIdentifier(identifier: string): number {
  const match = /-a(\d+)$/.exec(identifier);
  return match ? Number(match[1]) : 1;
}

// Every invocation's console output goes to its own list, even while several run at once.
const invocationLogs = new AsyncLocalStorage<string[]>();
let consolePatched = false;
/** Routes console.log inside invocations to their lists (once per process); elsewhere it prints. */
export function captureInvocationLogs(): void {
  if (consolePatched) return;
  consolePatched = true;
  const original = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    const lines = invocationLogs.getStore();
    if (lines === undefined) return original(...args);
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
}

interface LoggedDecision {
  readonly decision: string;
  readonly reason?: unknown;
  readonly snapshotArn?: string;
  readonly exportTaskIdentifier?: unknown;
}

function decisionsOf(lines: readonly string[]): LoggedDecision[] {
  const decisions: LoggedDecision[] = [];
  for (const line of lines) {
    try {
      const parsed = JSON.parse(line) as unknown;
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { decision?: unknown }).decision === 'string')
        decisions.push(parsed as LoggedDecision);
    } catch {
      // not a JSON line
    }
  }
  return decisions;
}

function seedSummary(world: ReturnType<typeof makeWorld>): string {
  const storm = world.storm;
  const outage = storm.outage === undefined ? '' : `, outage ${new Date(storm.outage.start).toISOString()} to ${new Date(storm.outage.end).toISOString()}`;
  return `seed ${world.seed} (${world.days} days; MAX_CONCURRENT_EXPORTS ${world.maxConcurrentExports}, MAX_EXPORT_ATTEMPTS ${world.maxExportAttempts}, reserved concurrency ${world.reservedConcurrency ?? 'none'}; storm ${new Date(storm.start).toISOString()} to ${new Date(storm.end).toISOString()}${outage})`;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']);
function isSdkError(error: unknown): boolean {
  const e = error as { $metadata?: unknown; code?: string } | null;
  return typeof e === 'object' && e !== null && (e.$metadata !== undefined || (e.code !== undefined && NETWORK_CODES.has(e.code)));
}

/** Options of {@link runSeed}. */
export interface RunOptions {
  readonly seed: number;
  readonly days: number;
  /** Imports the handler module afresh (the caller resets modules), after the environment is set. */
  readonly loadHandler: () => Promise<Handler>;
}

/** Runs one seed; throws a {@link SeedFailure} (with the step and a trace per invariant) when invariants break. */
export async function runSeed(options: RunOptions): Promise<SeedStats> {
  const world = makeWorld(options.seed, options.days);
  const stats: SeedStats = {
    seed: world.seed,
    days: world.days,
    steps: 0,
    invocations: 0,
    failedInvocations: 0,
    failedOutsideStorm: 0,
    reconciliations: 0,
    eventsEmitted: 0,
    eventsDropped: 0,
    eventsDuplicated: 0,
    lambdaRetries: 0,
    exportsStarted: 0,
    exportsFailed: 0,
    exportsComplete: 0,
    mustBeExported: 0,
    quotaRejections: 0,
    faults: 0,
    requestsThroughProxy: 0,
    manifests: 0,
    publishes: 0,
    settledAfterHours: 0,
    rdsCalls: 0,
    s3Calls: 0,
    manifestsVerified: 0,
  };
  const trace: string[] = [];
  const violations: Violation[] = [];
  let stepLabel = 'setup';
  const violate = (invariant: string, detail: string) => {
    if (!violations.some((v) => v.invariant === invariant)) violations.push({ invariant, step: stepLabel, detail, trace: trace.slice(-25) });
  };
  const note = (now: number, text: string) => {
    trace.push(`${new Date(now).toISOString().slice(5, 16)} ${text}`);
    if (trace.length > 60) trace.shift();
  };

  let stub: StubRds | undefined;
  let gateway: Gateway | undefined;
  let proxy: FaultProxy | undefined;
  let outageProxy: FaultProxy | undefined;
  const savedEnv = { ...process.env };
  try {
    stub = await startStubRds();
    gateway = await startGateway(stub.endpoint);
    proxy = await startFaultProxy({
      target: gateway.endpoint,
      seed: world.seed,
      rates: process.env.SIM_CALM === '1' ? { throttle: 0, 'server-error': 0, unavailable: 0, reset: 0, delay: 0 } : world.storm.rates,
      delayMs: world.storm.delayMs,
    });
    if (world.storm.outage !== undefined)
      outageProxy = await startFaultProxy({ target: gateway.endpoint, seed: world.seed + 1_000_003, rates: world.storm.outage.rates });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: gateway.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'sim',
      AWS_SECRET_ACCESS_KEY: 'sim',
      ...world.settings,
    });
    delete process.env.AWS_PROFILE;
    const handler = await options.loadHandler();

    const byArn = new Map(world.snapshots.map((s) => [s.arn, s]));
    const queue: Queued[] = [];
    let seq = 0;
    const schedule = (at: number, happening: Happening) => queue.push({ at, seq: seq++, happening });
    const roundUp = (at: number) => Math.ceil(at / STEP) * STEP;

    // The account before the simulation: the backlog, available; the foreign exports' sources.
    vi.setSystemTime(T0);
    for (const s of world.snapshots) {
      if (s.preExisting) stub.addSnapshots([stubSnapshot(s, T0)]);
      else {
        schedule(roundUp(s.createdAt), { kind: 'creating', snapshot: s });
        schedule(roundUp(s.availableAt), { kind: 'available', snapshot: s });
      }
    }
    world.foreign.forEach((f, index) => {
      schedule(roundUp(f.startAt), { kind: 'foreign', index });
    });

    /** RDS emits an event: SNS delivers it once, twice or never, late or at once. */
    const emit = (now: number, snapshot: PlannedSnapshot, eventId: string, message: string) => {
      stats.eventsEmitted++;
      const key = `${eventId}:${snapshot.arn}:${now}`;
      const fate = rngFor(world.seed, `fate:${key}`);
      const roll = fate();
      if (roll < 0.12) {
        stats.eventsDropped++;
        note(now, `dropped ${eventId} ${snapshot.identifier}`);
        return;
      }
      const copies = roll < 0.24 ? 2 : 1;
      if (copies === 2) stats.eventsDuplicated++;
      const withArn = fate() < 0.5;
      for (let copy = 0; copy < copies; copy++) {
        const late = fate() < 0.25 ? (5 + Math.floor(fate() * 115)) * MINUTE : Math.floor(fate() * 3) * MINUTE;
        const event = rdsEvent(snapshot, eventId, message, now, `msg-${world.seed}-${stats.eventsEmitted}-${copy}`, withArn);
        schedule(roundUp(now + late + 1), {
          kind: 'deliver',
          invocation: {
            label: `${eventId} ${snapshot.identifier}${copies === 2 ? ` (copy ${copy + 1})` : ''}`,
            event,
            scheduled: false,
            snapshot,
            lambdaAttempt: 1,
          },
        });
      }
    };

    const ours = new Set<string>();
    const tracked = new Set<string>();
    let startsChecked = 0;
    let storm = false;

    /** Tasks that appeared since the last look: record ours and plan their progress. */
    const observeTasks = (now: number) => {
      const requests = stub!.startRequests();
      for (; startsChecked < requests.length; startsChecked++) {
        const request = requests[startsChecked]!;
        const snapshot = byArn.get(request.sourceArn);
        if (request.outcome === 'started') {
          ours.add(request.exportTaskIdentifier);
          stats.exportsStarted++;
          note(now, `started ${request.exportTaskIdentifier}`);
        } else if (request.outcome === 'ExportTaskLimitReachedFault') stats.quotaRejections++;
        // Invariant 4: the archive never asks to export a snapshot it must not (excluded, unselected type, unexportable engine).
        if (snapshot === undefined || !selectedByConfig(snapshot)) {
          violate(
            '4 (no ineligible snapshot is ever exported)',
            `StartExportTask ${request.exportTaskIdentifier} of ${request.sourceArn} (${snapshot === undefined ? 'not a snapshot of the account' : `${snapshot.database.identifier}, ${snapshot.database.engine}, ${snapshot.snapshotType}`}); the stub answered ${request.outcome}`,
          );
        }
      }
      for (const task of stub!.exportTasks()) {
        if (tracked.has(task.identifier) || !ours.has(task.identifier)) continue;
        tracked.add(task.identifier);
        const progress = rngFor(world.seed, `progress:${task.identifier}`);
        const running = now + (5 + Math.floor(progress() * 10)) * MINUTE;
        const done = running + (15 + Math.floor(progress() * 120)) * MINUTE;
        const fails = attemptOfIdentifier(task.identifier) <= failedAttempts(world, task.sourceArn);
        schedule(roundUp(running), { kind: 'export', identifier: task.identifier, status: 'IN_PROGRESS' });
        schedule(roundUp(done), { kind: 'export', identifier: task.identifier, status: fails ? 'FAILED' : 'COMPLETE' });
      }
    };

    const taskById = (identifier: string) => stub!.exportTasks().find((t) => t.identifier === identifier);

    /** What RDS writes for a complete export: export_info, export_tables_info, Parquet parts. */
    const writeExportFiles = (task: StubExportTask, snapshot: PlannedSnapshot | undefined, now: number) => {
      const folder = `${task.s3Prefix.replace(/\/+$/, '')}/${task.identifier}/`;
      const database = 'app';
      const postgres = (snapshot?.database.engine ?? '').includes('postgres');
      const tables = postgres ? ['app.public.orders', 'app.billing.invoices'] : ['app.orders', 'app.invoices'];
      gateway!.s3.put(
        task.s3Bucket,
        `${folder}export_info_${task.identifier}.json`,
        JSON.stringify({
          exportTaskIdentifier: task.identifier,
          sourceArn: task.sourceArn,
          exportOnly: [],
          s3Bucket: task.s3Bucket,
          s3Prefix: task.s3Prefix,
          status: 'COMPLETE',
          percentProgress: 100,
          totalExportedDataInGB: 0.01,
          taskEndTime: new Date(now).toISOString(),
        }),
      );
      gateway!.s3.put(
        task.s3Bucket,
        `${folder}export_tables_info_${task.identifier}_from_1_to_${tables.length}.json`,
        JSON.stringify({
          perTableStatus: tables.map((target) => ({
            target,
            status: 'COMPLETE',
            sizeGB: 0.005,
            schemaMetadata: { originalTypeMappings: [{ columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' }] },
          })),
        }),
      );
      for (const target of tables) {
        // <database>/<schema>.<table>/: PostgreSQL's target is database.schema.table; MySQL's schema is the database.
        const rest = postgres ? target.slice(database.length + 1) : target;
        gateway!.s3.put(task.s3Bucket, `${folder}${database}/${rest}/1/_SUCCESS`, '');
        gateway!.s3.put(task.s3Bucket, `${folder}${database}/${rest}/1/part-00000-6f2d0c1e-5b0a-4a11-9d1f-0c3b1f7a2e11-c000.gz.parquet`, Buffer.alloc(64, 1));
      }
    };

    const apply = (now: number, happening: Happening) => {
      switch (happening.kind) {
        case 'creating': {
          const s = happening.snapshot;
          stub!.addSnapshots([stubSnapshot(s, now)]);
          const [creating] = EVENT_IDS[s.database.kind][s.snapshotType];
          emit(now, s, creating, s.snapshotType === 'manual' ? 'Creating manual snapshot' : 'Creating automated snapshot');
          return;
        }
        case 'available': {
          const s = happening.snapshot;
          stub!.addSnapshots([stubSnapshot(s, now)]);
          const [, created] = EVENT_IDS[s.database.kind][s.snapshotType];
          note(now, `available ${s.identifier}`);
          emit(now, s, created, s.snapshotType === 'manual' ? 'Manual snapshot created' : 'Automated snapshot created');
          return;
        }
        case 'foreign': {
          const f = world.foreign[happening.index]!;
          const running = stub!.exportTasks().filter((t) => RUNNING.has(t.status)).length;
          // RDS would refuse the other team's export too while the quota is full: they try again later.
          if (running >= 5) return schedule(now + STEP, happening);
          stub!.addExportTasks([
            {
              identifier: f.identifier,
              sourceArn: f.sourceArn,
              status: 'IN_PROGRESS',
              s3Bucket: 'ops-scratch-exports',
              s3Prefix: 'adhoc',
              iamRoleArn: `arn:aws:iam::${ACCOUNT}:role/ops`,
              kmsKeyId: 'ops-key',
              exportOnly: [],
              startedAt: new Date(now),
            },
          ]);
          schedule(roundUp(now + f.durationMs), { kind: 'export', identifier: f.identifier, status: 'COMPLETE' });
          note(now, `foreign export ${f.identifier} started`);
          return;
        }
        case 'export': {
          const task = taskById(happening.identifier);
          if (task === undefined) return;
          const finished = happening.status === 'COMPLETE' || happening.status === 'FAILED';
          stub!.addExportTasks([
            {
              ...task,
              status: happening.status,
              ...(happening.status === 'COMPLETE' ? { extractedGb: 0.01 } : {}),
              ...(happening.status === 'FAILED' ? { failureCause: 'The export failed: an internal error occurred (simulated)' } : {}),
            },
          ]);
          if (!finished || !ours.has(task.identifier)) return;
          const snapshot = byArn.get(task.sourceArn);
          note(now, `export ${task.identifier} ${happening.status}`);
          if (happening.status === 'COMPLETE') {
            stats.exportsComplete++;
            writeExportFiles(task, snapshot, now);
          } else stats.exportsFailed++;
          if (snapshot !== undefined) {
            const ids = EVENT_IDS[snapshot.database.kind];
            emit(
              now,
              snapshot,
              happening.status === 'COMPLETE' ? ids.exportComplete : ids.exportFailed,
              happening.status === 'COMPLETE' ? 'DB snapshot export task completed' : 'DB snapshot export task failed',
            );
          }
          return;
        }
        default:
          return;
      }
    };

    /** Runs one invocation with its own log; checks invariant 5 when it fails. */
    const invoke = async (now: number, invocation: Invocation): Promise<void> => {
      stats.invocations++;
      const lines: string[] = [];
      let thrown: unknown;
      try {
        await invocationLogs.run(lines, () => handler(invocation.event));
      } catch (error) {
        thrown = error;
      }
      if (invocation.scheduled) stats.reconciliations++;
      const acted = decisionsOf(lines).filter((d) =>
        invocation.scheduled ? d.decision === 'started' || d.decision === 'retry' || d.decision === 'failed' : d.decision !== 'ignored',
      );
      if (acted.length > 0)
        note(
          now,
          `${invocation.label}${invocation.lambdaAttempt > 1 ? ` (Lambda attempt ${invocation.lambdaAttempt})` : ''} → ${acted.map((d) => `${d.decision}${typeof d.exportTaskIdentifier === 'string' ? ` ${d.exportTaskIdentifier}` : ''}`).join(', ')}`,
        );
      if (thrown === undefined) return;
      stats.failedInvocations++;
      if (!storm) stats.failedOutsideStorm++;
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      note(now, `${invocation.label} (Lambda attempt ${invocation.lambdaAttempt}) failed: ${message.slice(0, 200)}`);
      const decisions = decisionsOf(lines);
      const why = decisions.filter((d) => (d.decision === 'retry' || d.decision === 'failed') && typeof d.reason === 'string' && d.reason !== '');
      const unexplained = ((): string | undefined => {
        if (invocation.scheduled) {
          if (/could not start/.test(message)) {
            if (why.length === 0) return 'the reconciliation failed but logged no failed decision with a reason';
            const named = why.filter(
              (d) => d.snapshotArn !== undefined && (message.includes(d.snapshotArn) || message.includes(byArn.get(d.snapshotArn)?.identifier ?? '\u0000')),
            );
            if (named.length === 0) return 'the error message names none of the snapshots it could not start';
            return undefined;
          }
          // A listing that fails after the SDK's retries fails the run with the AWS error; it is about no snapshot.
          if (isSdkError(thrown) && storm) return undefined;
          return storm
            ? 'the reconciliation threw something other than an AWS error'
            : 'the reconciliation threw outside the storm, without a decision that says why';
        }
        const s = invocation.snapshot!;
        if (!/snapshot event\(s\) not handled/.test(message)) return 'the invocation threw an error other than its summary of unhandled records';
        if (!message.includes(s.arn) && !message.includes(s.identifier)) return `the error message does not name the snapshot ${s.arn}`;
        if (why.length === 0) return 'no "retry" or "failed" decision with a reason was logged';
        return undefined;
      })();
      if (unexplained !== undefined) {
        violate(
          '5 (every failed invocation logged why)',
          `${invocation.label}: ${unexplained}\n  error: ${message.slice(0, 600)}\n  log: ${lines.slice(0, 8).join('\n       ').slice(0, 2000)}`,
        );
      }
      // Lambda retries a failed asynchronous invocation twice, a minute and two minutes later.
      if (!invocation.scheduled && invocation.lambdaAttempt < 3) {
        stats.lambdaRetries++;
        schedule(roundUp(now + invocation.lambdaAttempt * MINUTE), {
          kind: 'deliver',
          invocation: { ...invocation, lambdaAttempt: invocation.lambdaAttempt + 1 },
        });
      }
    };

    /** Invariants 1 and 2 on the stub's records. */
    const checkExports = () => {
      const live = new Map<string, string[]>();
      let oursRunning = 0;
      for (const t of stub!.exportTasks()) {
        if (RUNNING.has(t.status) || t.status === 'COMPLETE') live.set(t.sourceArn, [...(live.get(t.sourceArn) ?? []), `${t.identifier} ${t.status}`]);
        if (ours.has(t.identifier) && RUNNING.has(t.status)) oursRunning++;
      }
      for (const [arn, tasks] of live) {
        if (tasks.length > 1) violate('1 (no snapshot has two running-or-complete exports)', `${arn}: ${tasks.join(', ')}`);
      }
      // One invocation at a time keeps MAX_CONCURRENT_EXPORTS exactly; concurrent invocations race
      // between counting and starting, and then RDS's limit of 5 running exports is what holds.
      const limit = world.reservedConcurrency === 1 ? world.maxConcurrentExports : RDS_EXPORT_QUOTA;
      if (oursRunning > limit) {
        const running = stub!
          .exportTasks()
          .filter((t) => ours.has(t.identifier) && RUNNING.has(t.status))
          .map((t) => `${t.identifier} ${t.status} since ${t.startedAt.toISOString()}`);
        violate(
          '2 (at most MAX_CONCURRENT_EXPORTS of ours at once, with one invocation at a time; RDS quota of 5 otherwise)',
          `${oursRunning} of the archive's exports run, the limit is ${limit} (MAX_CONCURRENT_EXPORTS ${world.maxConcurrentExports}, reserved concurrency ${world.reservedConcurrency ?? 'none'}): ${running.join(', ')}`,
        );
      }
      return oursRunning;
    };

    const lastDay = T0 + world.days * DAY;
    let reconciliationsAfterStorm = 0;
    let startsAtLastReconciliation = -1;
    let quietReconciliations = 0;
    for (let now = T0, step = 0; ; now += STEP, step++) {
      stepLabel = `step ${step} (${new Date(now).toISOString()}, simulated hour ${(now - T0) / HOUR})`;
      stats.steps = step;
      vi.setSystemTime(now);
      const outage = world.storm.outage !== undefined && outageProxy !== undefined && now >= world.storm.outage.start && now < world.storm.outage.end;
      storm = outage || (now >= world.storm.start && now < world.storm.end);
      gateway.faultProxy = outage ? outageProxy!.endpoint : storm ? proxy.endpoint : undefined;

      queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const due: Queued[] = [];
      while (queue.length > 0 && queue[0]!.at <= now) due.push(queue.shift()!);
      for (const { happening } of due) if (happening.kind !== 'deliver') apply(now, happening);

      const invocations = due.flatMap(({ happening }) => (happening.kind === 'deliver' ? [happening.invocation] : []));
      const reconciling = now % HOUR === 0;
      if (reconciling)
        invocations.push({
          label: `reconciliation ${new Date(now).toISOString()}`,
          event: scheduledEvent({ time: new Date(now), region: REGION, account: ACCOUNT, ruleName: 'rds-archive-sim-reconcile' }),
          scheduled: true,
          lambdaAttempt: 1,
        });
      // Unreserved, Lambda runs concurrent deliveries at once; with reserved concurrency 1 it queues them.
      const results: PromiseSettledResult<void>[] = [];
      if (world.reservedConcurrency === 1) {
        for (const invocation of invocations) results.push(...(await Promise.allSettled([invoke(now, invocation)])));
      } else {
        results.push(...(await Promise.allSettled(invocations.map((invocation) => invoke(now, invocation)))));
      }
      const broken = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      observeTasks(now);
      if (broken !== undefined) throw broken.reason;
      const oursRunning = checkExports();

      if (reconciling && now >= world.storm.end) {
        reconciliationsAfterStorm++;
        const starts = stub.startRequests().length;
        quietReconciliations = starts === startsAtLastReconciliation ? quietReconciliations + 1 : 0;
        startsAtLastReconciliation = starts;
      }
      // Settled: the days are over, the storm has passed, two reconciliations ran since, nothing of
      // ours runs, nothing is left to deliver, and a reconciliation found nothing more to start.
      const pendingDeliveries = queue.some((q) => q.happening.kind === 'deliver' || q.happening.kind === 'export');
      if (now >= lastDay && reconciliationsAfterStorm >= 2 && oursRunning === 0 && !pendingDeliveries && quietReconciliations >= 1 && reconciling) {
        stats.settledAfterHours = (now - lastDay) / HOUR;
        checkEveryEligibleExported(now);
        checkManifests();
        break;
      }
      if (now >= lastDay + SETTLE_LIMIT) {
        checkEveryEligibleExported(now);
        violate(
          '3 (every eligible snapshot ends exported)',
          `the archive did not settle within ${SETTLE_LIMIT / HOUR} simulated hours after the last day (${oursRunning} of its exports running, ${queue.length} happenings queued)`,
        );
        break;
      }
    }

    /** Extra, beyond the brief's five: verification ran for every complete export of ours (on its event or in a reconciliation) and found it whole. */
    function checkManifests(): void {
      const problems: string[] = [];
      for (const t of stub!.exportTasks()) {
        if (t.status !== 'COMPLETE' || !ours.has(t.identifier)) continue;
        const stored = gateway!.s3.get(t.s3Bucket, `${t.s3Prefix}/${t.identifier}/archive-manifest.json`);
        const outcome = stored === undefined ? 'no manifest' : ((JSON.parse(stored.body.toString('utf8')) as { outcome?: string }).outcome ?? 'no outcome');
        if (outcome === 'verified') stats.manifestsVerified++;
        else problems.push(`${t.identifier}: ${outcome}`);
      }
      if (problems.length > 0) violate('6 (extra: every complete export ends with a "verified" manifest)', problems.join('; '));
    }

    function checkEveryEligibleExported(now: number): void {
      const complete = new Set(
        stub!
          .exportTasks()
          .filter((t) => t.status === 'COMPLETE' && ours.has(t.identifier))
          .map((t) => t.sourceArn),
      );
      const due = world.snapshots.filter((s) => mustBeExported(s, now));
      stats.mustBeExported = due.length;
      const missing = due.filter((s) => !complete.has(s.arn));
      if (missing.length > 0) {
        const describe = (s: PlannedSnapshot) => {
          const tasks = stub!
            .exportTasks()
            .filter((t) => t.sourceArn === s.arn)
            .map((t) => `${t.identifier} ${t.status}`);
          return `${s.arn} (${s.snapshotType}, created ${new Date(s.createdAt).toISOString()}${s.preExisting ? ', before the simulation' : ''}; exports: ${tasks.join(', ') || 'none'})`;
        };
        violate(
          '3 (every eligible snapshot ends exported)',
          `${missing.length} of ${due.length} eligible snapshots have no complete export:\n  ${missing.map(describe).join('\n  ')}`,
        );
      }
    }

    for (const p of [proxy, outageProxy]) {
      if (p === undefined) continue;
      const counts = p.counts();
      const through = Object.values(counts).reduce((a, b) => a + b, 0);
      stats.requestsThroughProxy += through;
      stats.faults += through - counts.forward - counts.delay;
    }
    stats.manifests = gateway.s3.keys('rds-archive-sim').filter((k) => k.endsWith('archive-manifest.json')).length;
    stats.publishes = stub.publishes().length;
    stats.rdsCalls = Object.values(stub.callCounts()).reduce((a, b) => a + b, 0);
    stats.s3Calls = gateway.s3.calls.length;
    if (violations.length > 0) throw new SeedFailure(world.seed, violations, stats, seedSummary(world));
    return stats;
  } catch (error) {
    if (error instanceof SeedFailure) throw error;
    throw new SeedFailure(
      world.seed,
      [{ invariant: '(the simulation ran to its end)', step: stepLabel, detail: (error as Error).stack ?? String(error), trace: trace.slice(-25) }],
      stats,
      seedSummary(world),
    );
  } finally {
    process.env = savedEnv;
    await proxy?.close();
    await outageProxy?.close();
    await gateway?.close();
    await stub?.close();
  }
}
