// Event fuzzing: events grown from the real fixtures (broken, retyped, trimmed, padded, other
// services', other event ids, other EventBridge rules, not events at all) go through the BUILT
// bundle against the stub RDS endpoint. Whatever arrives, the handler starts exports only of
// eligible snapshots that a snapshot-created record of that invocation names, under the
// deterministic export id, and fails an invocation only when a named snapshot is not yet ready.
// FUZZ_SEED=<seed> replays a run; FUZZ_RUNS=<n> changes its length: 500 events in `npm test`,
// 10,000 in `npm run test:deep` (CI and the bench).
import * as fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportS3Prefix, exportTaskIdentifier } from '../../handler/rules/export-naming';
import { writeHandlerFiles } from '../../stacks/bundle';
import { fixtureNames, loadFixture } from '../support/fixtures';
import { type Gateway, startGateway } from '../support/stub-gateway';
import { engineExportable, startStubRds, stubSnapshotArn, type StubRds, type StubSnapshot } from '../support/stub-rds';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ACCOUNT = '123456789012';
const SELECTED_TYPES = ['automated', 'manual'];
const SETTINGS = {
  ARCHIVE_BUCKET: 'rds-archive-fuzz',
  EXPORT_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/rds-archive-fuzz-export`,
  EXPORT_KMS_KEY_ARN: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
  ARCHIVE_PREFIX: 'exports',
  SNAPSHOT_TYPES: SELECTED_TYPES.join(','),
  NOTIFY_TOPIC_ARN: `arn:aws:sns:us-east-1:${ACCOUNT}:rds-archive-fuzz-notifications`,
};

function snapshot(
  kind: StubSnapshot['kind'],
  identifier: string,
  database: string,
  engine: string,
  status: string,
  extra: Partial<StubSnapshot> = {},
  region = 'us-east-1',
): StubSnapshot {
  const snapshotType = identifier.startsWith('rds:') ? 'automated' : identifier.startsWith('awsbackup:') ? 'awsbackup' : 'manual';
  return {
    kind,
    identifier,
    arn: stubSnapshotArn(kind, identifier, region, ACCOUNT),
    databaseIdentifier: database,
    engine,
    snapshotType,
    status,
    createdAt: new Date('2026-11-20T03:00:00Z'),
    ...extra,
  };
}

/** The account the stub holds: the fixtures' snapshots, and ones the archive must not or cannot export yet. */
const SNAPSHOTS: readonly StubSnapshot[] = [
  snapshot('instance', 'billing-before-migration', 'billing', 'postgres', 'available', { storageType: 'gp3' }, 'eu-west-1'),
  snapshot('instance', 'rds:orders-db-2019-08-18-10-36', 'orders-db', 'postgres', 'available', { storageType: 'gp2' }, 'us-west-2'),
  snapshot('cluster', 'rds:ledger-cluster-2021-11-07-17-40', 'ledger-cluster', 'aurora-postgresql', 'available', { engineMode: 'provisioned' }, 'us-east-2'),
  snapshot('instance', 'audit-before-cleanup', 'audit', 'mariadb', 'available'),
  snapshot('instance', 'payroll-before-upgrade', 'payroll', 'sqlserver-ee', 'available'),
  snapshot('instance', 'rds:erp-2026-11-20-03-00', 'erp', 'oracle-ee', 'available'),
  snapshot('instance', 'legacy-final', 'legacy', 'mysql', 'available', { storageType: 'standard' }),
  snapshot('cluster', 'reports-before-upgrade', 'reports', 'aurora-mysql', 'available', { engineMode: 'serverless' }),
  snapshot('instance', 'inventory-before-resize', 'inventory', 'mysql', 'creating'),
  snapshot('cluster', 'rds:analytics-2026-11-20-03-00', 'analytics', 'aurora-mysql', 'creating', { engineMode: 'provisioned' }),
  snapshot('instance', 'awsbackup:job-0a1b2c3d', 'orders-db', 'postgres', 'available'),
];

const selected = (s: StubSnapshot) => SELECTED_TYPES.includes(s.snapshotType) && engineExportable(s);
const eligible = (s: StubSnapshot) => selected(s) && s.status === 'available';
const notReady = (s: StubSnapshot) => selected(s) && s.status !== 'available';

const SOURCE_TYPES = { instance: 'db-snapshot', cluster: 'db-cluster-snapshot' } as const;
const CREATED_IDS = { instance: ['RDS-EVENT-0042', 'RDS-EVENT-0091'], cluster: ['RDS-EVENT-0075', 'RDS-EVENT-0169'] } as const;
const OTHER_IDS = [
  'RDS-EVENT-0040',
  'RDS-EVENT-0090',
  'RDS-EVENT-0074',
  'RDS-EVENT-0168',
  'RDS-EVENT-0159',
  'RDS-EVENT-0160',
  'RDS-EVENT-0161',
  'RDS-EVENT-0162',
  'RDS-EVENT-0163',
  'RDS-EVENT-0164',
  'RDS-EVENT-0002',
  'RDS-EVENT-0001',
];
const EVENT_ID_URL = 'http://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#';
const MESSAGE_KEYS = ['Event Source', 'Event Time', 'Identifier Link', 'Source ID', 'Source ARN', 'Event ID', 'Event Message'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The snapshots ("kind:identifier") that some record of `event` announces as created, read
 * loosely (either event id place, any spelling around the id), so it names at least every
 * snapshot the handler may rightly export.
 */
function announcedCreated(event: unknown): Set<string> {
  const announced = new Set<string>();
  const records = isObject(event) && Array.isArray(event.Records) ? event.Records : [];
  for (const record of records as unknown[]) {
    const sns = isObject(record) && isObject(record.Sns) ? record.Sns : undefined;
    if (sns === undefined || typeof sns.Message !== 'string') continue;
    let message: unknown;
    try {
      message = JSON.parse(sns.Message);
    } catch {
      continue;
    }
    if (!isObject(message) || typeof message['Source ID'] !== 'string') continue;
    const attribute = isObject(sns.MessageAttributes) && isObject(sns.MessageAttributes.EventID) ? sns.MessageAttributes.EventID.Value : undefined;
    const idTexts = [attribute, message['Event ID']].filter((t): t is string => typeof t === 'string').map((t) => t.toUpperCase());
    for (const kind of ['instance', 'cluster'] as const) {
      const source = message['Event Source'];
      if (typeof source === 'string' && source.trim() === SOURCE_TYPES[kind] && CREATED_IDS[kind].some((id) => idTexts.some((t) => t.includes(id)))) {
        announced.add(`${kind}:${message['Source ID'].trim()}`);
      }
    }
  }
  return announced;
}

// ---- the events -------------------------------------------------------------------------------

const FIXTURE_RECORDS: readonly Json[] = fixtureNames().map((name) => loadFixture(name).Records[0] as unknown as Json);
// Generated values are reused while shrinking: mutate only copies of them.
const fresh = <T>(value: T): T => structuredClone(value);
const CREATED_FIXTURES = FIXTURE_RECORDS.filter((r) => /RDS-EVENT-(0042|0091|0075|0169)/.test(String((r.Sns as Json).Message)));

function editMessage(record: Json, edit: (message: Json) => void): Json {
  const sns = record.Sns as Json;
  try {
    const message = JSON.parse(sns.Message as string) as unknown;
    if (!isObject(message)) return record;
    edit(message);
    sns.Message = JSON.stringify(message);
  } catch {
    // a message that is not JSON has no fields to edit
  }
  return record;
}

/** A snapshot-created record of `target`, in the shape of a created fixture. */
function createdRecord(base: Json, target: StubSnapshot, eventId: string, withArn: boolean): Json {
  return editMessage(fresh(base), (m) => {
    m['Event Source'] = SOURCE_TYPES[target.kind];
    m['Source ID'] = target.identifier;
    m['Event ID'] = `${EVENT_ID_URL}${eventId}`;
    if (withArn) m['Source ARN'] = target.arn;
    else delete m['Source ARN'];
  });
}

const odd = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom('', '   ', '\n'),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const longText = fc
  .tuple(fc.constantFrom('a', 'é', '日本', '🦄', '\u0000', 'RDS-EVENT-0042 ', '-'), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));
const nonAscii = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 });
const eventIdText = fc.oneof(
  fc.constantFrom(...CREATED_IDS.instance, ...CREATED_IDS.cluster, ...OTHER_IDS).map((id) => `${EVENT_ID_URL}${id}`),
  fc.integer({ min: 0, max: 9999 }).map((n) => `${EVENT_ID_URL}RDS-EVENT-${n.toString().padStart(4, '0')}`),
  fc.constantFrom(
    'RDS-EVENT-0042',
    'rds-event-0091',
    'RDS-EVENT-00420',
    'RDS-EVENT-042',
    'RDS-EVENT-0042x',
    `${EVENT_ID_URL}RDS-EVENT-0169?ref=x`,
    'RDS_EVENT_0042',
    'EVENT-0075',
  ),
);
const sourceId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SNAPSHOTS.map((s) => s.identifier)) },
  { weight: 1, arbitrary: fc.constantFrom('rds:gone-db-2026-01-01-00-00', 'deleted-yesterday', ' billing-before-migration ', 'BILLING-BEFORE-MIGRATION') },
  { weight: 1, arbitrary: fc.oneof(nonAscii, longText, fc.string()) },
);
const sourceArn = fc.oneof(
  fc.constantFrom(...SNAPSHOTS.map((s) => s.arn)),
  fc.constantFrom(...SNAPSHOTS.map((s) => s.arn.replace(':cluster-snapshot:', ':snapshot:').replace(':us-east-1:', ':eu-central-1:'))),
  fc.constantFrom('arn:aws:rds:us-east-1:123456789012:db:orders-db', 'arn:aws:s3:::bucket', 'not-an-arn'),
  nonAscii,
);
const topicArn = fc.constantFrom(
  'arn:aws-cn:sns:cn-north-1:123456789012:rds-events',
  'arn:aws-us-gov:sns:us-gov-west-1:123456789012:rds-events',
  'arn:aws:sqs:us-east-1:123456789012:queue',
  'arn:aws:sns:us-east-1:12345:short',
  '',
);
const OTHER_SERVICE_MESSAGES = [
  { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] },
  { AlarmName: 'rds-archive-failures', NewStateValue: 'ALARM', NewStateReason: 'Threshold Crossed', Trigger: { MetricName: 'Errors' } },
  {
    version: '0',
    id: 'x',
    'detail-type': 'RDS DB Snapshot Event',
    source: 'aws.rds',
    detail: { EventID: 'RDS-EVENT-0042', SourceIdentifier: 'billing-before-migration' },
  },
  { Event: 'autoscaling:EC2_INSTANCE_LAUNCH', AutoScalingGroupName: 'asg' },
  { notificationType: 'Bounce', mail: { source: 'a@example.com' } },
  { 'Event Source': 'db-instance', 'Source ID': 'orders-db', 'Event ID': `${EVENT_ID_URL}RDS-EVENT-0042`, 'Event Message': 'Finished DB Instance backup' },
  { 'Event Source': 'db-cluster', 'Source ID': 'ledger-cluster', 'Event ID': `${EVENT_ID_URL}RDS-EVENT-0169` },
].map((m) => JSON.stringify(m));

type Mutation = (record: Json) => unknown;
const messageKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MESSAGE_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const onSns =
  (edit: (sns: Json) => void): Mutation =>
  (record) => {
    if (isObject(record.Sns)) edit(record.Sns);
    return record;
  };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  messageKey.map(
    (key): Mutation =>
      (r) =>
        editMessage(r, (m) => delete m[key]),
  ),
  fc.tuple(messageKey, odd).map(
    ([key, value]): Mutation =>
      (r) =>
        editMessage(r, (m) => (m[key] = fresh(value))),
  ),
  fc.tuple(fc.string({ maxLength: 16 }), fc.jsonValue({ maxDepth: 2 })).map(
    ([key, value]): Mutation =>
      (r) =>
        editMessage(r, (m) => (m[key] = fresh(value))),
  ),
  fc.tuple(messageKey, fc.oneof(longText, nonAscii)).map(
    ([key, value]): Mutation =>
      (r) =>
        editMessage(r, (m) => (m[key] = value)),
  ),
  eventIdText.map(
    (id): Mutation =>
      (r) =>
        editMessage(r, (m) => (m['Event ID'] = id)),
  ),
  fc
    .constantFrom(
      'db-instance',
      'db-cluster',
      'db-parameter-group',
      'db-security-group',
      'db-proxy',
      'blue-green-deployment',
      'DB-SNAPSHOT',
      ' db-snapshot ',
      'db-cluster-snapshot',
      'db-snapshot',
    )
    .map(
      (source): Mutation =>
        (r) =>
          editMessage(r, (m) => (m['Event Source'] = source)),
    ),
  sourceId.map(
    (id): Mutation =>
      (r) =>
        editMessage(r, (m) => (m['Source ID'] = id)),
  ),
  sourceArn.map(
    (arn): Mutation =>
      (r) =>
        editMessage(r, (m) => (m['Source ARN'] = arn)),
  ),
  fc
    .tuple(
      fc.constantFrom('EventID', 'Resource', 'Other'),
      fc.oneof(
        eventIdText.map((v) => ({ Type: 'String', Value: v })),
        sourceArn.map((v) => ({ Type: 'String', Value: v })),
        odd,
      ),
    )
    .map(
      ([name, value]): Mutation =>
        onSns((sns) => {
          sns.MessageAttributes = { ...(isObject(sns.MessageAttributes) ? sns.MessageAttributes : {}), [name]: fresh(value) };
        }),
    ),
  odd.map((value): Mutation => onSns((sns) => (sns.MessageAttributes = fresh(value)))),
  fc
    .nat()
    .map((n): Mutation => onSns((sns) => (sns.Message = typeof sns.Message === 'string' ? sns.Message.slice(0, n % (sns.Message.length + 1)) : sns.Message))),
  fc
    .oneof(
      fc.constantFrom(...OTHER_SERVICE_MESSAGES),
      fc.string(),
      longText,
      fc.jsonValue().map((v) => JSON.stringify(v)),
    )
    .map((text): Mutation => onSns((sns) => (sns.Message = text))),
  odd.map((value): Mutation => onSns((sns) => (sns.Message = fresh(value)))),
  fc.constantFrom('Message', 'TopicArn', 'MessageId', 'MessageAttributes', 'Type').map((key): Mutation => onSns((sns) => delete sns[key])),
  fc
    .tuple(fc.constantFrom('TopicArn', 'MessageId', 'Type'), fc.oneof(odd, topicArn, nonAscii))
    .map(([key, value]): Mutation => onSns((sns) => (sns[key] = fresh(value)))),
  fc.oneof(odd, fc.constant(undefined)).map(
    (value): Mutation =>
      (r) => {
        r.Sns = fresh(value);
        return r;
      },
  ),
  fc.anything().map(
    (value): Mutation =>
      () =>
        value,
  ),
);

const createdCase = fc.record({
  target: fc.constantFrom(...SNAPSHOTS),
  base: fc.constantFrom(...CREATED_FIXTURES),
  pick: fc.nat(1),
  withArn: fc.boolean(),
});
const pristineCreated = createdCase.map(({ target, base, pick, withArn }) => ({
  record: createdRecord(base, target, CREATED_IDS[target.kind][pick]!, withArn),
  target,
}));
const mutatedRecord = fc
  .tuple(
    fc.oneof(
      pristineCreated.map((c) => c.record),
      fc.constantFrom(...FIXTURE_RECORDS).map(fresh),
    ),
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
  )
  .map(([record, mutations]) => mutations.reduce<unknown>((r, m) => (isObject(r) ? m(r) : r), fresh(record)));
const anyRecord = fc.oneof(
  { weight: 3, arbitrary: pristineCreated.map((c) => c.record as unknown) },
  { weight: 2, arbitrary: fc.constantFrom(...FIXTURE_RECORDS).map((r): unknown => fresh(r)) },
  { weight: 10, arbitrary: mutatedRecord },
);
// Thousands of records that need no AWS call (not RDS's, not JSON, "creating"), with a few of any kind among them.
const QUIET_RECORDS = FIXTURE_RECORDS.filter(
  (r) =>
    !/"Event Source":"db-(cluster-)?snapshot"/.test(String((r.Sns as Json).Message)) || /RDS-EVENT-(0040|0090|0074|0168)/.test(String((r.Sns as Json).Message)),
);
const hugeRecords = fc
  .tuple(
    fc.integer({ min: 1_000, max: 3_000 }),
    fc.array(fc.oneof(fc.constantFrom(...QUIET_RECORDS), odd), { minLength: 1, maxLength: 3 }),
    fc.array(fc.tuple(anyRecord, fc.nat()), { maxLength: 4 }),
  )
  .map(([size, fillers, extras]) => {
    const records: unknown[] = Array.from({ length: size }, (_, i) => fresh(fillers[i % fillers.length]));
    for (const [record, at] of extras) records[at % size] = record;
    return { Records: records };
  });

const OTHER_RULES: ReadonlyArray<readonly [string, string]> = [
  ['aws.events', 'Scheduled event'],
  ['aws.events', 'Rule Changed'],
  ['aws.rds', 'RDS DB Snapshot Event'],
  ['aws.rds', 'RDS DB Cluster Snapshot Event'],
  ['aws.ec2', 'EC2 Instance State-change Notification'],
  ['aws.backup', 'Backup Job State Change'],
  ['aws.health', 'AWS Health Event'],
  ['custom.billing', 'Scheduled Event'],
];
// Any (aws.events, Scheduled Event) is the reconciliation's trigger: only the archive's own rule targets the function.
const otherRuleEvent = fc
  .record({
    rule: fc.constantFrom(...OTHER_RULES),
    target: fc.constantFrom(...SNAPSHOTS),
    eventId: eventIdText,
    extra: fc.option(fc.jsonValue({ maxDepth: 2 })),
  })
  .map(({ rule: [source, detailType], target, eventId, extra }) => ({
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: '2026-11-20T03:05:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/other-team-nightly`, target.arn],
    detail: {
      EventCategories: ['creation'],
      SourceType: 'SNAPSHOT',
      SourceArn: target.arn,
      SourceIdentifier: target.identifier,
      EventID: eventId.replace(EVENT_ID_URL, ''),
      Message: 'Manual snapshot created',
      extra,
    },
  }));

interface Case {
  readonly event: unknown;
  /** A well-formed snapshot-created event of this snapshot alone: its outcome is known exactly. */
  readonly only?: StubSnapshot;
}

const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 15, arbitrary: pristineCreated.map(({ record, target }) => ({ event: { Records: [record] }, only: target })) },
  { weight: 45, arbitrary: mutatedRecord.map((record) => ({ event: { Records: [record] } })) },
  { weight: 12, arbitrary: fc.array(anyRecord, { minLength: 2, maxLength: 6 }).map((records) => ({ event: { Records: records } })) },
  { weight: 1, arbitrary: hugeRecords.map((event) => ({ event })) },
  { weight: 2, arbitrary: fc.constant({ event: { Records: [] } }) },
  { weight: 3, arbitrary: fc.oneof(odd, fc.constant(undefined)).map((records) => ({ event: { Records: records } })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(anyRecord, fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }))
      .map(([record, extra]) => ({ event: { ...extra, Records: [record] } })),
  },
  { weight: 8, arbitrary: otherRuleEvent.map((event) => ({ event })) },
  {
    weight: 6,
    arbitrary: fc
      .oneof(fc.constantFrom(null, undefined, 0, -1, Number.NaN, '', 'Records', true, [], {}), fc.string(), fc.integer(), fc.double())
      .map((event) => ({ event })),
  },
  { weight: 3, arbitrary: fc.anything().map((event) => ({ event })) },
);

// ---- the run ----------------------------------------------------------------------------------

type Handler = (event: unknown) => Promise<void>;

describe('the bundled handler under fuzzed events', () => {
  let stub: StubRds;
  let handler: Handler;
  let bundleDir: string;
  let gateway: Gateway;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    stub = await startStubRds();
    stub.addSnapshots(SNAPSHOTS);
    // An export-completed event of an export the run started is verified: the gateway answers S3.
    gateway = await startGateway(stub.endpoint);
    // The SDK clients are made when the bundle loads: the endpoint must be set before.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: gateway.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'fuzz',
      AWS_SECRET_ACCESS_KEY: 'fuzz',
      NODE_NO_WARNINGS: '1',
      ...SETTINGS,
    });
    bundleDir = mkdtempSync(path.join(tmpdir(), 'fuzz-bundle-'));
    const bundlePath = writeHandlerFiles(bundleDir);
    handler = (createRequire(__filename)(bundlePath) as { handler: Handler }).handler;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await gateway?.close();
    await stub?.close();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it(`starts only the exports that snapshot-created events of eligible snapshots ask for, and never fails otherwise (${RUNS} events)`, async () => {
    // Prepare
    const totals = { events: 0, records: 0, starts: 0, throws: 0, publishes: 0, calls: {} as Record<string, number> };
    const log = console.log;
    const started = process.hrtime.bigint();

    const property = fc.asyncProperty(cases, async ({ event, only }) => {
      stub.clearExportTasks();
      stub.resetCalls();
      console.log = () => undefined; // the handler logs a JSON line per decision

      // Act
      let thrown: Error | undefined;
      try {
        await handler(event);
      } catch (error) {
        thrown = error as Error;
      } finally {
        console.log = log;
      }

      // Assess
      const announced = announcedCreated(event);
      const starts = stub.startRequests();
      for (const start of starts) {
        const target = stub.snapshotByArn(start.sourceArn);
        expect(target, `StartExportTask of an unknown snapshot ${start.sourceArn}`).toBeDefined();
        expect(eligible(target!), `StartExportTask of an ineligible snapshot ${start.sourceArn}`).toBe(true);
        expect(announced.has(`${target!.kind}:${target!.identifier}`), `StartExportTask of ${start.sourceArn}, which no snapshot-created record named`).toBe(
          true,
        );
        expect(start).toMatchObject({
          exportTaskIdentifier: exportTaskIdentifier(target!.arn, 1),
          s3Bucket: SETTINGS.ARCHIVE_BUCKET,
          s3Prefix: exportS3Prefix(SETTINGS.ARCHIVE_PREFIX, target!.databaseIdentifier),
          iamRoleArn: SETTINGS.EXPORT_ROLE_ARN,
          kmsKeyId: SETTINGS.EXPORT_KMS_KEY_ARN,
        });
      }
      const waiting = SNAPSHOTS.filter((s) => notReady(s) && announced.has(`${s.kind}:${s.identifier}`));
      if (thrown !== undefined) {
        expect(
          waiting.map((s) => s.arn),
          `the handler threw "${thrown.message.slice(0, 300)}" with no snapshot to wait for`,
        ).not.toEqual([]);
        expect(thrown.message, 'the failure summarises the records that wait').toMatch(/snapshot event\(s\) not handled/);
      }
      if (only !== undefined) {
        expect(
          starts.map((s) => s.sourceArn),
          `the exports a created event of ${only.arn} started`,
        ).toEqual(eligible(only) ? [only.arn] : []);
        expect(thrown !== undefined, `whether a created event of ${only.arn} (${only.status}) failed the invocation`).toBe(notReady(only));
      }

      totals.events++;
      totals.records += isObject(event) && Array.isArray(event.Records) ? event.Records.length : 0;
      totals.starts += starts.filter((s) => s.outcome === 'started').length;
      totals.throws += thrown === undefined ? 0 : 1;
      totals.publishes += stub.publishes().length;
      for (const [action, count] of Object.entries(stub.callCounts())) totals.calls[action] = (totals.calls[action] ?? 0) + count;
    });

    // Act & Assess (per event, above)
    const details = await fc.check(property, { seed: SEED, numRuns: RUNS });
    if (details.failed) {
      const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `event fuzzing failed; replay with FUZZ_SEED=${SEED} (path ${details.counterexamplePath}):\n${why}\nevent: ${JSON.stringify(details.counterexample?.[0]).slice(0, 3000)}`,
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `event fuzzing: ${totals.events} events (${totals.records} SNS records) through the bundle in ${seconds.toFixed(1)} s, seed ${SEED}: ${totals.starts} exports started, ${totals.throws} invocations failed (snapshot not ready), ${totals.publishes} notifications, calls ${JSON.stringify(totals.calls)}`,
    );
    // The well-formed events alone guarantee starts; none means the fuzzing never reached the export path.
    expect(totals.starts).toBeGreaterThan(0);
  });
});
