import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCadence,
  decisionWindowStart,
  type CadenceDecision,
  type CadenceExport,
  type CadenceSnapshot,
  type ExportState,
} from '../../../handler/rules/cadence';
import { nextPeriodStart, periodBounds, periodOf } from '../../../handler/rules/periods';
import {
  CADENCES,
  DEFAULT_POLICY,
  MANUAL_SNAPSHOT_POLICIES,
  ruleFor,
  validatePolicy,
  type ArchivePolicy,
  type Cadence,
} from '../../../handler/contract/policy';

type SnapshotKind = 'automated' | 'manual' | 'awsbackup';
const DAY = 86_400_000;

const arnOf = (type: SnapshotKind, name: string) =>
  `arn:aws:rds:us-east-1:123456789012:snapshot:${type === 'automated' ? `rds:${name}` : type === 'awsbackup' ? `awsbackup:job-${name}` : name}`;
const snap = (database: string, iso: string, options: { type?: SnapshotKind; eligible?: boolean; name?: string } = {}): CadenceSnapshot => {
  const type = options.type ?? 'automated';
  return {
    snapshotArn: arnOf(type, options.name ?? `${database}-${iso}`),
    database,
    snapshotType: type,
    createdAt: new Date(iso),
    eligible: options.eligible ?? true,
  };
};
const exported = (snapshot: CadenceSnapshot, state: ExportState, extra: Partial<CadenceExport> = {}): CadenceExport => ({
  snapshotArn: snapshot.snapshotArn,
  state,
  ...extra,
});
const policyOf = (input: unknown): ArchivePolicy => {
  const problems: string[] = [];
  const policy = validatePolicy(input, problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return policy;
};
const byArn = (decisions: readonly CadenceDecision[]) => new Map(decisions.map((d) => [d.snapshotArn, d]));
const dueArns = (decisions: readonly CadenceDecision[]) =>
  decisions
    .filter((d) => d.due)
    .map((d) => d.snapshotArn)
    .sort();

describe('periodOf', () => {
  it.each<[Cadence, string, string]>([
    ['daily', '2026-11-20T23:59:59.999Z', '2026-11-20'],
    ['daily', '2026-11-21T00:00:00.000Z', '2026-11-21'],
    ['daily', '2028-02-29T12:00:00.000Z', '2028-02-29'],
    ['weekly', '2026-11-22T23:59:59.999Z', '2026-W47'],
    ['weekly', '2026-11-23T00:00:00.000Z', '2026-W48'],
    ['weekly', '2026-12-31T12:00:00.000Z', '2026-W53'],
    ['weekly', '2027-01-01T00:00:00.000Z', '2026-W53'],
    ['weekly', '2027-01-03T23:59:59.999Z', '2026-W53'],
    ['weekly', '2027-01-04T00:00:00.000Z', '2027-W01'],
    ['weekly', '2021-01-03T12:00:00.000Z', '2020-W53'],
    ['weekly', '2019-12-30T00:00:00.000Z', '2020-W01'],
    ['monthly', '2026-01-31T23:59:59.999Z', '2026-01'],
    ['monthly', '2026-02-01T00:00:00.000Z', '2026-02'],
    ['monthly', '2028-02-29T23:59:59.999Z', '2028-02'],
    ['monthly', '2028-03-01T00:00:00.000Z', '2028-03'],
    ['yearly', '2026-12-31T23:59:59.999Z', '2026'],
    ['yearly', '2027-01-01T00:00:00.000Z', '2027'],
    ['every', '2026-11-20T03:00:00.000Z', '2026-11-20T03:00:00.000Z'],
  ])('%s period of %s is %s', (cadence, iso, key) => {
    expect(periodOf(cadence, new Date(iso))).toBe(key);
  });

  it('refuses an invalid date, naming the function', () => {
    expect(() => periodOf('daily', new Date('not a date'))).toThrow(/periodOf needs a valid Date/);
    expect(() => periodBounds('monthly', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('periodBounds and nextPeriodStart', () => {
  it.each<[Cadence, string, string, string]>([
    ['daily', '2026-11-20T23:59:59.999Z', '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z'],
    ['weekly', '2027-01-01T08:00:00.000Z', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
    ['monthly', '2028-02-29T12:00:00.000Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
    ['monthly', '2026-12-31T23:59:59.999Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['yearly', '2028-02-29T12:00:00.000Z', '2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z'],
    ['every', '2026-11-20T03:00:00.000Z', '2026-11-20T03:00:00.000Z', '2026-11-20T03:00:00.001Z'],
  ])('%s period of %s is [%s, %s)', (cadence, iso, start, end) => {
    // Act
    const bounds = periodBounds(cadence, new Date(iso));

    // Assess
    expect(bounds).toEqual({ start: new Date(start), end: new Date(end) });
    expect(nextPeriodStart(cadence, new Date(iso))).toEqual(new Date(end));
  });

  const anyDate = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59.999Z'), noInvalidDate: true });

  it('contains the date, shares one key over the whole period, and the next period has another key', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CADENCES), anyDate, (cadence, date) => {
        // Act
        const { start, end } = periodBounds(cadence, date);

        // Assess
        expect(start.getTime()).toBeLessThanOrEqual(date.getTime());
        expect(end.getTime()).toBeGreaterThan(date.getTime());
        const key = periodOf(cadence, date);
        expect(periodOf(cadence, start)).toBe(key);
        expect(periodOf(cadence, new Date(end.getTime() - 1))).toBe(key);
        expect(periodOf(cadence, end)).not.toBe(key);
        expect(periodOf(cadence, new Date(start.getTime() - 1))).not.toBe(key);
        expect(nextPeriodStart(cadence, date)).toEqual(end);
        expect(periodBounds(cadence, start)).toEqual({ start, end });
      }),
      { numRuns: 500 },
    );
  });

  it('starts periods at UTC midnight: days, ISO weeks on Monday, months on the 1st, years on 1 January', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        // Act
        const day = periodBounds('daily', date);
        const week = periodBounds('weekly', date);
        const month = periodBounds('monthly', date);
        const year = periodBounds('yearly', date);

        // Assess
        for (const { start } of [day, week, month, year]) expect(start.toISOString().slice(10)).toBe('T00:00:00.000Z');
        expect(day.end.getTime() - day.start.getTime()).toBe(DAY);
        expect(week.start.getUTCDay()).toBe(1);
        expect(week.end.getTime() - week.start.getTime()).toBe(7 * DAY);
        expect([month.start.getUTCDate(), month.end.getUTCDate(), month.start.getUTCMonth()]).toEqual([1, 1, date.getUTCMonth()]);
        expect([year.start.getUTCMonth(), year.start.getUTCDate(), year.start.getUTCFullYear(), year.end.getUTCFullYear()]).toEqual([
          0,
          1,
          date.getUTCFullYear(),
          date.getUTCFullYear() + 1,
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('gives keys that sort like the periods they name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CADENCES), anyDate, anyDate, (cadence, a, b) => {
        // Prepare
        const [early, late] = a <= b ? [a, b] : [b, a];

        // Act
        const [earlyKey, lateKey] = [periodOf(cadence, early), periodOf(cadence, late)];

        // Assess
        expect(earlyKey <= lateKey).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('numbers ISO weeks: week 1 holds 4 January, and a year has 53 weeks when it starts on Thursday (or Wednesday in a leap year)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2199 }), (year) => {
        // Prepare
        const firstWeekday = new Date(Date.UTC(year, 0, 1)).getUTCDay();
        const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
        const weeks = firstWeekday === 4 || (leap && firstWeekday === 3) ? 53 : 52;

        // Act
        const fourthOfJanuary = periodOf('weekly', new Date(Date.UTC(year, 0, 4)));
        const lastWeek = periodOf('weekly', new Date(Date.UTC(year, 11, 28)));

        // Assess
        expect(fourthOfJanuary).toBe(`${year}-W01`);
        expect(lastWeek).toBe(`${year}-W${weeks}`);
      }),
      { numRuns: 230 },
    );
  });
});

describe('decisionWindowStart', () => {
  it('goes back to the start of the longest period in use that contains `since`', () => {
    // Prepare
    const since = new Date('2026-11-20T10:00:00Z');
    const configured = policyOf({
      rules: [
        { databases: ['a'], cadence: 'weekly' },
        { databases: ['b'], cadence: 'monthly' },
      ],
    });

    // Act & Assess
    expect(decisionWindowStart(configured, since)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(decisionWindowStart('weekly', since)).toEqual(new Date('2026-11-16T00:00:00Z'));
    expect(decisionWindowStart(DEFAULT_POLICY, since)).toEqual(since);
  });
});

describe('applyCadence', () => {
  const monthly = policyOf({ rules: [{ databases: ['orders-*'], cadence: 'monthly' }] });
  const first = snap('orders-1', '2026-11-01T03:00:00Z');
  const second = snap('orders-1', '2026-11-02T03:00:00Z');
  const third = snap('orders-1', '2026-11-03T03:00:00Z');
  const december = snap('orders-1', '2026-12-01T03:00:00Z');

  it('makes the first eligible snapshot of each period due, names the rule, and says who takes the period', () => {
    // Act
    const decisions = byArn(applyCadence({ policy: monthly, snapshots: [third, december, second, first], exports: [] }));

    // Assess
    expect(decisions.get(first.snapshotArn)).toMatchObject({ due: true, period: '2026-11', database: 'orders-1' });
    expect(decisions.get(december.snapshotArn)).toMatchObject({ due: true, period: '2026-12' });
    expect(decisions.get(second.snapshotArn)).toEqual({
      snapshotArn: second.snapshotArn,
      database: 'orders-1',
      due: false,
      period: '2026-11',
      coveredBy: first.snapshotArn,
      reason: `rule 1 (orders-*) says monthly: 2026-11 falls to ${first.snapshotArn}, whose export is due`,
    });
  });

  it('makes nothing new due in a period a complete or running export covers, and says which export', () => {
    for (const state of ['complete', 'running'] as const) {
      // Act
      const decisions = byArn(
        applyCadence({ policy: monthly, snapshots: [first, second, third], exports: [exported(second, state, { exportTaskIdentifier: 'orders-1-export' })] }),
      );

      // Assess
      expect(decisions.get(first.snapshotArn)).toMatchObject({
        due: false,
        coveredBy: second.snapshotArn,
        reason: `rule 1 (orders-*) says monthly: 2026-11 is already covered by the ${state} export (orders-1-export) of ${second.snapshotArn}`,
      });
      expect(decisions.get(second.snapshotArn)).toMatchObject({ due: true, coveredBy: second.snapshotArn });
      expect(decisions.get(third.snapshotArn)!.due).toBe(false);
    }
  });

  it('keeps a snapshot whose export failed due while the planner retries it', () => {
    // Act
    const decisions = applyCadence({ policy: monthly, snapshots: [first, second], exports: [exported(first, 'failed')] });

    // Assess
    expect(dueArns(decisions)).toEqual([first.snapshotArn]);
    expect(byArn(decisions).get(second.snapshotArn)!.reason).toMatch(/whose failed export is being retried$/);
  });

  it('keeps the period with the snapshot whose failed export is retried, even when an earlier snapshot turns up later', () => {
    // Act
    const decisions = byArn(applyCadence({ policy: monthly, snapshots: [first, second], exports: [exported(second, 'failed')] }));

    // Assess
    expect(decisions.get(second.snapshotArn)).toMatchObject({
      due: true,
      reason: 'rule 1 (orders-*) says monthly: its export failed and is retried; 2026-11 has no complete or running export',
    });
    expect(decisions.get(first.snapshotArn)).toMatchObject({ due: false, coveredBy: second.snapshotArn });
  });

  it('hands the period to the next eligible snapshot when an export gave up, and keeps the last one due when none is left', () => {
    // Act
    const withSuccessor = applyCadence({ policy: monthly, snapshots: [first, second, third], exports: [exported(first, 'gave-up')] });
    const alone = applyCadence({ policy: monthly, snapshots: [first], exports: [exported(first, 'gave-up')] });

    // Assess
    expect(dueArns(withSuccessor)).toEqual([second.snapshotArn]);
    expect(byArn(withSuccessor).get(first.snapshotArn)).toMatchObject({
      due: false,
      coveredBy: second.snapshotArn,
      reason: expect.stringMatching(/every export attempt failed/),
    });
    expect(alone).toEqual([
      expect.objectContaining({
        due: true,
        reason: expect.stringMatching(/every export attempt failed and no later snapshot of the period can stand in yet$/),
      }),
    ]);
  });

  it('counts the export of a snapshot RDS no longer lists when the export says its database and creation time', () => {
    // Prepare
    const deleted = snap('orders-1', '2026-11-01T01:00:00Z');
    const placed = exported(deleted, 'complete', { database: 'orders-1', snapshotCreatedAt: deleted.createdAt });
    const unplaced = exported(deleted, 'complete');

    // Act
    const covered = applyCadence({ policy: monthly, snapshots: [second], exports: [placed] });
    const unknown = applyCadence({ policy: monthly, snapshots: [second], exports: [unplaced] });

    // Assess
    expect(covered).toEqual([expect.objectContaining({ due: false, coveredBy: deleted.snapshotArn })]);
    expect(unknown).toEqual([expect.objectContaining({ due: true })]);
  });

  it('exports manual snapshots always by default, and they neither wait for nor cover the period', () => {
    // Prepare
    const manual = snap('orders-1', '2026-11-01T01:00:00Z', { type: 'manual' });
    const laterManual = snap('orders-1', '2026-11-05T01:00:00Z', { type: 'manual' });
    const manualExport = exported(manual, 'complete', { database: 'orders-1', snapshotCreatedAt: manual.createdAt });

    // Act
    const listed = byArn(
      applyCadence({ policy: monthly, snapshots: [manual, laterManual, first, second], exports: [manualExport, exported(first, 'complete')] }),
    );
    const unlisted = applyCadence({ policy: monthly, snapshots: [second], exports: [manualExport] });

    // Assess
    expect(listed.get(manual.snapshotArn)).toEqual({
      snapshotArn: manual.snapshotArn,
      database: 'orders-1',
      due: true,
      reason: 'manual snapshot: rule 1 (orders-*) exports manual snapshots always, outside its monthly cadence',
    });
    expect(listed.get(laterManual.snapshotArn)!.due).toBe(true);
    expect(listed.get(first.snapshotArn)).toMatchObject({ due: true, coveredBy: first.snapshotArn });
    expect(listed.get(second.snapshotArn)).toMatchObject({ due: false, coveredBy: first.snapshotArn });
    expect(unlisted).toEqual([expect.objectContaining({ due: true, period: '2026-11' })]);
  });

  it('treats manual snapshots like automated ones under manualSnapshots "cadence"', () => {
    // Prepare
    const cadenceManual = policyOf({ rules: [{ databases: ['orders-*'], cadence: 'monthly', manualSnapshots: 'cadence' }] });
    const manual = snap('orders-1', '2026-11-01T01:00:00Z', { type: 'manual' });
    const laterManual = snap('orders-1', '2026-11-05T01:00:00Z', { type: 'manual' });

    // Act
    const decisions = byArn(applyCadence({ policy: cadenceManual, snapshots: [laterManual, second, manual], exports: [] }));
    const coveredByManual = applyCadence({
      policy: cadenceManual,
      snapshots: [second],
      exports: [exported(manual, 'running', { database: 'orders-1', snapshotCreatedAt: manual.createdAt })],
    });

    // Assess
    expect(decisions.get(manual.snapshotArn)).toMatchObject({ due: true, period: '2026-11' });
    expect(decisions.get(second.snapshotArn)).toMatchObject({ due: false, coveredBy: manual.snapshotArn });
    expect(decisions.get(laterManual.snapshotArn)).toMatchObject({ due: false, coveredBy: manual.snapshotArn });
    expect(coveredByManual).toEqual([expect.objectContaining({ due: false, coveredBy: manual.snapshotArn })]);
  });

  it('makes AWS Backup snapshots follow the cadence, covering and covered like automated ones', () => {
    // Prepare
    const backup = snap('orders-1', '2026-11-01T00:30:00Z', { type: 'awsbackup' });

    // Act
    const decisions = byArn(applyCadence({ policy: monthly, snapshots: [first, backup], exports: [] }));
    const coveredByBackup = applyCadence({
      policy: monthly,
      snapshots: [second],
      exports: [exported(backup, 'complete', { database: 'orders-1', snapshotCreatedAt: backup.createdAt })],
    });

    // Assess
    expect(decisions.get(backup.snapshotArn)!.due).toBe(true);
    expect(decisions.get(first.snapshotArn)).toMatchObject({ due: false, coveredBy: backup.snapshotArn });
    expect(coveredByBackup).toEqual([expect.objectContaining({ due: false })]);
  });

  it('leaves ineligible snapshots to the caller: not due, "not selected", and their exports cover nothing', () => {
    // Prepare
    const ineligible = snap('orders-1', '2026-11-01T01:00:00Z', { eligible: false });

    // Act
    const decisions = byArn(applyCadence({ policy: monthly, snapshots: [ineligible, second], exports: [exported(ineligible, 'complete')] }));

    // Assess
    expect(decisions.get(ineligible.snapshotArn)).toEqual({ snapshotArn: ineligible.snapshotArn, database: 'orders-1', due: false, reason: 'not selected' });
    expect(decisions.get(second.snapshotArn)!.due).toBe(true);
  });

  it('applies defaultCadence to databases no rule matches, and says so', () => {
    // Prepare
    const weekly = policyOf({ defaultCadence: 'weekly', rules: [{ databases: ['orders-*'], cadence: 'every' }] });
    const monday = snap('ledger', '2026-11-23T03:00:00Z');
    const tuesday = snap('ledger', '2026-11-24T03:00:00Z');

    // Act
    const decisions = byArn(applyCadence({ policy: weekly, snapshots: [tuesday, monday, first, second], exports: [] }));

    // Assess
    expect(decisions.get(tuesday.snapshotArn)).toMatchObject({
      due: false,
      period: '2026-W48',
      reason: expect.stringMatching(/^defaultCadence says weekly: 2026-W48 falls to /),
    });
    expect(decisions.get(first.snapshotArn)).toEqual({
      snapshotArn: first.snapshotArn,
      database: 'orders-1',
      due: true,
      reason: 'rule 1 (orders-*) says every: every eligible snapshot is exported',
    });
    expect(dueArns([...decisions.values()])).toEqual([monday, first, second].map((s) => s.snapshotArn).sort());
  });

  it('refuses an eligible snapshot without a valid creation time, naming it', () => {
    // Prepare
    const broken = { ...first, createdAt: new Date(Number.NaN) };

    // Act & Assess
    expect(() => applyCadence({ policy: monthly, snapshots: [broken], exports: [] })).toThrow(
      `applyCadence: snapshot ${first.snapshotArn} has an invalid createdAt`,
    );
  });

  it('decides a snapshot listed twice once', () => {
    expect(applyCadence({ policy: monthly, snapshots: [first, first], exports: [] })).toHaveLength(1);
  });
});

// Generated worlds: a few databases, rules over them, snapshots spread over six weeks around a
// year end (so daily, weekly, monthly and yearly periods all start and end inside), exports in
// every state, some of snapshots RDS no longer lists.
const DATABASES = ['orders-1', 'orders-2', 'ledger', 'misc'];
const START = Date.UTC(2026, 11, 10);
const MAX_ATTEMPTS = 2;

const policies: fc.Arbitrary<ArchivePolicy> = fc.record({
  defaultCadence: fc.constantFrom(...CADENCES),
  rules: fc.array(
    fc.record({
      databases: fc.subarray(['orders-*', 'ledger', '*-2', 'l?dger', 'misc'], { minLength: 1 }),
      cadence: fc.constantFrom(...CADENCES),
      manualSnapshots: fc.constantFrom(...MANUAL_SNAPSHOT_POLICIES),
    }),
    { maxLength: 3 },
  ),
  exportPricePerGb: fc.constant(0.01),
});

interface Seed {
  readonly database: string;
  readonly type: SnapshotKind;
  readonly hours: number;
  readonly eligible: boolean;
  readonly state: ExportState | undefined;
  readonly listed: boolean;
  readonly placed: boolean;
  readonly typed: boolean;
}
const seeds = fc.array(
  fc.record({
    database: fc.constantFrom(...DATABASES),
    type: fc.constantFrom<SnapshotKind>('automated', 'automated', 'manual', 'awsbackup'),
    hours: fc.integer({ min: 0, max: 42 * 24 }),
    eligible: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    state: fc.option(fc.constantFrom<ExportState>('complete', 'running', 'failed', 'gave-up'), { nil: undefined, freq: 2 }),
    listed: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    placed: fc.boolean(),
    typed: fc.boolean(),
  }),
  { maxLength: 30 },
);

interface World {
  readonly policy: ArchivePolicy;
  readonly truth: readonly (CadenceSnapshot & { readonly kind: SnapshotKind })[];
  readonly snapshots: readonly CadenceSnapshot[];
  readonly exports: readonly CadenceExport[];
}
const worldOf = (policy: ArchivePolicy, generated: readonly Seed[]): World => {
  const truth = generated.map((seed, index) => ({
    ...snap(seed.database, new Date(START + seed.hours * 3_600_000).toISOString(), {
      type: seed.type,
      eligible: seed.eligible,
      name: `${seed.database}-${index}`,
    }),
    kind: seed.type,
  }));
  const snapshots = truth.filter((_, index) => generated[index]!.listed).map(({ kind: _kind, ...snapshot }) => snapshot);
  const exports = generated.flatMap((seed, index): CadenceExport[] => {
    if (seed.state === undefined) return [];
    const snapshot = truth[index]!;
    return [
      {
        snapshotArn: snapshot.snapshotArn,
        state: seed.state,
        ...(seed.placed ? { database: snapshot.database, snapshotCreatedAt: snapshot.createdAt } : {}),
        ...(seed.typed ? { snapshotType: snapshot.kind } : {}),
      },
    ];
  });
  return { policy, truth, snapshots, exports };
};
const worlds = fc.tuple(policies, seeds).map(([policy, generated]) => worldOf(policy, generated));

/** The model: which database-period a snapshot of the cadence belongs to, or undefined when it is outside any. */
const groupOf = (policy: ArchivePolicy, snapshot: { database: string; createdAt: Date; kind: string }): string | undefined => {
  const rule = ruleFor(policy, snapshot.database);
  if (rule.cadence === 'every' || (snapshot.kind === 'manual' && rule.manualSnapshots === 'always')) return undefined;
  return `${snapshot.database}/${periodOf(rule.cadence, snapshot.createdAt)}`;
};

describe('applyCadence over generated worlds', () => {
  it('decides the same whatever the order of the snapshots and the exports', () => {
    const shuffled = worlds.chain((world) =>
      fc.record({
        world: fc.constant(world),
        snapshots: fc.shuffledSubarray([...world.snapshots], { minLength: world.snapshots.length, maxLength: world.snapshots.length }),
        exports: fc.shuffledSubarray([...world.exports], { minLength: world.exports.length, maxLength: world.exports.length }),
      }),
    );
    fc.assert(
      fc.property(shuffled, ({ world, snapshots, exports }) => {
        // Act
        const original = applyCadence(world);
        const reordered = applyCadence({ policy: world.policy, snapshots, exports });

        // Assess
        expect(byArn(reordered)).toEqual(byArn(original));
      }),
      { numRuns: 300 },
    );
  });

  it('decides the same given only the database-period of a snapshot (the event path) or everything (the reconciliation)', () => {
    fc.assert(
      fc.property(worlds, (world) => {
        // Act
        const everything = byArn(applyCadence(world));

        // Assess
        for (const snapshot of world.snapshots) {
          const truth = world.truth.find((t) => t.snapshotArn === snapshot.snapshotArn)!;
          const cadence = ruleFor(world.policy, snapshot.database).cadence;
          const samePeriod = world.snapshots.filter(
            (s) => s.database === snapshot.database && periodOf(cadence, s.createdAt) === periodOf(cadence, truth.createdAt),
          );
          const alone = byArn(applyCadence({ policy: world.policy, snapshots: samePeriod, exports: world.exports }));
          expect(alone.get(snapshot.snapshotArn)).toEqual(everything.get(snapshot.snapshotArn));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('decides the same for a lookback window when the caller lists from decisionWindowStart', () => {
    fc.assert(
      fc.property(worlds, fc.integer({ min: 0, max: 42 * 24 }), (world, sinceHours) => {
        // Prepare
        const since = new Date(START + sinceHours * 3_600_000);
        const windowStart = decisionWindowStart(world.policy, since);
        const listedFromWindow = world.snapshots.filter((s) => s.createdAt >= windowStart);

        // Act
        const everything = byArn(applyCadence(world));
        const windowed = byArn(applyCadence({ policy: world.policy, snapshots: listedFromWindow, exports: world.exports }));

        // Assess
        for (const snapshot of world.snapshots.filter((s) => s.createdAt >= since)) {
          expect(windowed.get(snapshot.snapshotArn)).toEqual(everything.get(snapshot.snapshotArn));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('makes at most one snapshot of a period due, none in a covered period, and never none while an eligible one waits', () => {
    fc.assert(
      fc.property(worlds, (world) => {
        // Act
        const decisions = byArn(applyCadence(world));

        // Assess
        const exportOf = new Map(world.exports.map((e) => [e.snapshotArn, e.state]));
        const listed = new Set(world.snapshots.map((s) => s.snapshotArn));
        const covers = (arn: string) => exportOf.get(arn) === 'complete' || exportOf.get(arn) === 'running';
        const groups = new Map<string, { candidates: typeof world.truth; covered: boolean }>();
        for (const truth of world.truth) {
          const group = groupOf(world.policy, truth);
          if (group === undefined) continue;
          const entry = groups.get(group) ?? { candidates: [], covered: false };
          groups.set(group, entry);
          const isCandidate = listed.has(truth.snapshotArn) && truth.eligible;
          if (isCandidate) entry.candidates = [...entry.candidates, truth];
          const exportPlaced = listed.has(truth.snapshotArn)
            ? truth.eligible
            : world.exports.some((e) => e.snapshotArn === truth.snapshotArn && e.database !== undefined);
          if (covers(truth.snapshotArn) && exportPlaced) entry.covered = true;
        }
        for (const [group, { candidates, covered }] of groups) {
          const due = candidates.filter((c) => decisions.get(c.snapshotArn)!.due);
          for (const c of candidates) expect(decisions.get(c.snapshotArn)!.period).toBe(group.split('/')[1]);
          if (covered) {
            expect(due.filter((c) => !covers(c.snapshotArn))).toEqual([]);
            continue;
          }
          if (candidates.length === 0) continue;
          expect(due).toHaveLength(1);
          // A failed export being retried keeps the period; else the earliest that has not given up takes it.
          const retried = candidates.filter((c) => exportOf.get(c.snapshotArn) === 'failed');
          const waiting = retried.length > 0 ? retried : candidates.filter((c) => exportOf.get(c.snapshotArn) !== 'gave-up');
          if (waiting.length > 0) {
            expect(waiting).toContain(due[0]);
            expect(waiting.every((c) => c.createdAt >= due[0]!.createdAt)).toBe(true);
          }
          for (const c of candidates) {
            if (c !== due[0]) expect(decisions.get(c.snapshotArn)!.coveredBy).toBe(due[0]!.snapshotArn);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('makes every eligible snapshot due outside a period cadence (every, and manual snapshots under "always"), and no ineligible one', () => {
    fc.assert(
      fc.property(worlds, (world) => {
        // Act
        const decisions = byArn(applyCadence(world));

        // Assess
        for (const truth of world.truth.filter((t) => world.snapshots.some((s) => s.snapshotArn === t.snapshotArn))) {
          const decision = decisions.get(truth.snapshotArn)!;
          if (!truth.eligible) expect(decision).toMatchObject({ due: false, reason: 'not selected' });
          else if (groupOf(world.policy, truth) === undefined) expect(decision.due).toBe(true);
          else expect(decision.reason.startsWith(`${ruleFor(world.policy, truth.database).source} says `)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps today's behaviour with the default policy: every eligible snapshot is due, whatever its exports", () => {
    fc.assert(
      fc.property(seeds, (generated) => {
        // Prepare
        const world = worldOf(DEFAULT_POLICY, generated);

        // Act
        const decisions = applyCadence(world);

        // Assess
        expect(decisions.map((d) => [d.snapshotArn, d.due])).toEqual(world.snapshots.map((s) => [s.snapshotArn, s.eligible]));
      }),
    );
  });
});

describe('applyCadence in a simulated account', () => {
  // Snapshots arrive in random order and batches, old ones are deleted, the due ones are started,
  // and exports run, complete, fail, are retried and give up, as the planner and RDS would do.
  // Whatever happens, a period never holds two complete or running exports of one database, and
  // once everything settles every period with an eligible snapshot left is archived.
  const scenario = fc.record({
    policy: policies,
    arrivals: seeds.map((generated) => generated.map((seed) => ({ ...seed, listed: true, placed: true }))),
    batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 10 }),
    dice: fc.array(fc.nat({ max: 99 }), { minLength: 1, maxLength: 50 }),
  });

  it('never exports a database twice in a period, and never leaves a period with an eligible snapshot unexported', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ policy, arrivals, batchSizes, dice }, shuffleSeed) => {
        // Prepare
        const world = worldOf(
          policy,
          arrivals.map((seed) => ({ ...seed, state: undefined })),
        );
        const order = world.truth
          .map((t, index) => ({ t, key: (index * 7919 + shuffleSeed) % 104_729 }))
          .sort((a, b) => a.key - b.key)
          .map((o) => o.t);
        let roll = 0;
        const chance = (percent: number) => dice[roll++ % dice.length]! < percent;
        const listed = new Map<string, CadenceSnapshot>();
        const exports = new Map<string, { state: ExportState; attempts: number; snapshot: (typeof world.truth)[number] }>();
        const live = (state: ExportState) => state === 'complete' || state === 'running';

        const decideAndStart = () => {
          const decisions = applyCadence({
            policy,
            snapshots: [...listed.values()],
            exports: [...exports.values()].map((e) => ({
              snapshotArn: e.snapshot.snapshotArn,
              state: e.state,
              database: e.snapshot.database,
              snapshotCreatedAt: e.snapshot.createdAt,
            })),
          });
          const startedInGroup = new Set<string>();
          for (const decision of decisions.filter((d) => d.due)) {
            const current = exports.get(decision.snapshotArn);
            if (current !== undefined && current.state !== 'failed') continue;
            const truth = current?.snapshot ?? world.truth.find((t) => t.snapshotArn === decision.snapshotArn)!;
            const group = groupOf(policy, truth);
            if (group !== undefined) {
              // Assess, at every start: nothing else in this database-period is archived or being archived.
              const rivals = [...exports.values()].filter((e) => live(e.state) && groupOf(policy, e.snapshot) === group);
              expect(rivals.map((e) => e.snapshot.snapshotArn)).toEqual([]);
              expect(startedInGroup.has(group)).toBe(false);
              startedInGroup.add(group);
            }
            exports.set(decision.snapshotArn, { state: 'running', attempts: (current?.attempts ?? 0) + 1, snapshot: truth });
          }
        };
        const progress = (settle: boolean) => {
          for (const e of exports.values()) {
            const gone = !listed.has(e.snapshot.snapshotArn);
            if (e.state === 'running' && (settle || chance(50))) e.state = chance(70) ? 'complete' : 'failed';
            if (e.state === 'failed' && (e.attempts >= MAX_ATTEMPTS || gone)) e.state = 'gave-up';
          }
        };

        // Act
        let next = 0;
        for (const size of batchSizes) {
          for (const t of order.slice(next, next + size)) listed.set(t.snapshotArn, world.snapshots.find((s) => s.snapshotArn === t.snapshotArn)!);
          next += size;
          for (const arn of [...listed.keys()]) if (chance(10)) listed.delete(arn);
          decideAndStart();
          progress(false);
        }
        for (const t of order.slice(next)) listed.set(t.snapshotArn, world.snapshots.find((s) => s.snapshotArn === t.snapshotArn)!);
        for (let round = 0; round < 4 * world.truth.length * MAX_ATTEMPTS + 2; round++) {
          decideAndStart();
          progress(true);
        }

        // Assess
        const byGroup = new Map<string, { complete: number; waiting: number }>();
        for (const t of world.truth) {
          const group = groupOf(policy, t);
          if (group === undefined) continue;
          const entry = byGroup.get(group) ?? { complete: 0, waiting: 0 };
          byGroup.set(group, entry);
          const state = exports.get(t.snapshotArn)?.state;
          if (state === 'complete') entry.complete++;
          if (t.eligible && listed.has(t.snapshotArn) && state !== 'gave-up') entry.waiting++;
        }
        for (const [group, { complete, waiting }] of byGroup) {
          expect({ group, atMostOneExport: complete <= 1, archivedUnlessNothingLeft: complete === 1 || waiting === 0 }).toEqual({
            group,
            atMostOneExport: true,
            archivedUnlessNothingLeft: true,
          });
        }
        expect([...exports.values()].filter((e) => e.state === 'running' || e.state === 'failed')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
