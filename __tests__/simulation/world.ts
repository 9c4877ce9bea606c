// The simulated account of one seed: its databases, the snapshots they take over the simulated
// days, the archive's settings, the storm of faults, the foreign exports that share the quota, and
// the oracle of which snapshots the archive must export. Pure and deterministic for a seed.
import { createHash } from 'node:crypto';
import { engineExportable, seededRandom, stubSnapshotArn, type StubSnapshot } from '../support/stub-rds';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The simulation's first instant: a Monday, midnight UTC. */
export const T0 = Date.UTC(2026, 2, 2);
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
/** The topic RDS publishes its events to (events without "Source ARN" derive the ARN from it). */
export const EVENTS_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:rds-snapshot-events`;
export const BUCKET = 'rds-archive-sim';
export const ARCHIVE_PREFIX = 'exports';
export const EXCLUDE_PATTERN = 'scratch-*';
export const LOOKBACK_DAYS = 7;
/** The simulation's step: 5 simulated minutes. */
export const STEP_MS = 5 * 60_000;

/** A seeded generator for one named purpose: draws for one purpose do not depend on the order of others. */
export function rngFor(seed: number, purpose: string): () => number {
  return seededRandom(createHash('sha256').update(`${seed}#${purpose}`).digest().readUInt32LE(0));
}

export interface Database {
  readonly kind: StubSnapshot['kind'];
  readonly identifier: string;
  readonly engine: string;
  readonly engineMode?: string;
  readonly storageType?: string;
  /** Minute of the UTC day its automated snapshot starts. */
  readonly backupMinute: number;
}

/** A snapshot the world creates: "creating" from `createdAt`, "available" from `availableAt`. */
export interface PlannedSnapshot {
  readonly database: Database;
  readonly identifier: string;
  readonly arn: string;
  readonly snapshotType: 'automated' | 'manual';
  readonly createdAt: number;
  readonly availableAt: number;
  /** Created before the simulation starts, with no event ever delivered: the reconciliation's to find. */
  readonly preExisting: boolean;
}

/** An export of another team, started by hand: it uses the account's quota. */
export interface ForeignExport {
  readonly identifier: string;
  readonly sourceArn: string;
  readonly startAt: number;
  readonly durationMs: number;
}

export interface Storm {
  readonly start: number;
  readonly end: number;
  readonly rates: { throttle: number; 'server-error': number; unavailable: number; reset: number; delay: number };
  readonly delayMs: number;
  /** A burst inside the storm where most requests fail. */
  readonly outage?: { readonly start: number; readonly end: number; readonly rates: Storm['rates'] };
}

export interface World {
  readonly seed: number;
  readonly days: number;
  readonly databases: readonly Database[];
  readonly snapshots: readonly PlannedSnapshot[];
  readonly foreign: readonly ForeignExport[];
  readonly storm: Storm;
  readonly maxConcurrentExports: number;
  /** The function's reserved concurrency: 1 runs invocations one at a time; undefined, all at once. */
  readonly reservedConcurrency: 1 | undefined;
  readonly maxExportAttempts: number;
  /** The handler's environment (besides the AWS endpoint, region and credentials). */
  readonly settings: Readonly<Record<string, string>>;
}

const INSTANCE_ENGINES = ['postgres', 'mysql', 'mariadb'];
const CLUSTER_ENGINES = ['aurora-postgresql', 'aurora-mysql'];

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[T:]/g, '-');
}

/** The world of a seed. */
export function makeWorld(seed: number, days: number): World {
  const random = rngFor(seed, 'world');
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  // Backup windows crowd around one time of day, as they do in an account configured by one team:
  // the snapshots, their events and their exports come in bursts that compete for the export slots.
  const windowBase = int(0, 24 * 60 - 1);
  const backupMinute = () => (windowBase + int(0, 45)) % (24 * 60);
  const databases: Database[] = [];
  const instances = int(1, 3);
  const clusters = int(1, 2);
  for (let i = 0; i < instances; i++)
    databases.push({ kind: 'instance', identifier: `app${i}-db`, engine: pick(INSTANCE_ENGINES), storageType: 'gp3', backupMinute: backupMinute() });
  for (let i = 0; i < clusters; i++)
    databases.push({
      kind: 'cluster',
      identifier: `ledger${i}-cluster`,
      engine: pick(CLUSTER_ENGINES),
      engineMode: 'provisioned',
      backupMinute: backupMinute(),
    });
  // One engine RDS cannot export, one database the configuration excludes.
  databases.push({ kind: 'instance', identifier: 'payroll-db', engine: 'sqlserver-ee', storageType: 'gp3', backupMinute: backupMinute() });
  const scratch: Database = { kind: 'instance', identifier: 'scratch-db', engine: 'postgres', storageType: 'gp3', backupMinute: backupMinute() };
  databases.push(scratch);

  const snapshots: PlannedSnapshot[] = [];
  const add = (database: Database, identifier: string, snapshotType: PlannedSnapshot['snapshotType'], createdAt: number, preExisting = false) => {
    const arn = stubSnapshotArn(database.kind, identifier, REGION, ACCOUNT);
    snapshots.push({ database, identifier, arn, snapshotType, createdAt, availableAt: createdAt + int(4, 40) * MINUTE, preExisting });
  };
  // A backlog the events never announced: snapshots of the last two days before the simulation.
  for (const database of databases) {
    if (random() < 0.6)
      add(
        database,
        `rds:${database.identifier}-${stamp(T0 - 2 * DAY + database.backupMinute * MINUTE)}`,
        'automated',
        T0 - 2 * DAY + database.backupMinute * MINUTE,
        true,
      );
  }
  // Foreign exports run on the excluded database's snapshots, one snapshot each.
  const foreign: ForeignExport[] = [];
  const foreignCount = int(0, 3);
  for (let i = 0; i < foreignCount; i++) {
    const identifier = `scratch-db-kept-${i}`;
    add(scratch, identifier, 'manual', T0 - 3 * DAY - i * HOUR, true);
    foreign.push({
      identifier: `ops-adhoc-export-${i}`,
      sourceArn: stubSnapshotArn('instance', identifier, REGION, ACCOUNT),
      startAt: T0 + int(0, days * 24 - 1) * HOUR + int(0, 11) * 5 * MINUTE,
      durationMs: int(1, 8) * HOUR,
    });
  }
  for (let day = 0; day < days; day++) {
    for (const database of databases) {
      const at = T0 + day * DAY + database.backupMinute * MINUTE;
      add(database, `rds:${database.identifier}-${stamp(at)}`, 'automated', at);
      if (random() < 0.2) {
        const manualAt = T0 + day * DAY + int(0, 24 * 60 - 1) * MINUTE;
        add(database, `${database.identifier}-manual-d${day}-${int(100, 999)}`, 'manual', manualAt);
      }
    }
  }

  // The storm: a few hours of faults (throttling is rarer: the SDK backs off five times longer
  // from it, in real time), and in some seeds a short outage in it, long enough for the SDK's five
  // attempts to run out, so invocations fail and Lambda retries them.
  // The storm covers one day's backup window, so the bursts of events meet the faults.
  const stormDay = int(0, days - 1);
  const stormStart = Math.max(T0 + HOUR, T0 + stormDay * DAY + windowBase * MINUTE - int(0, 12) * STEP_MS);
  const stormEnd = stormStart + int(1, 4) * HOUR;
  const severity = 0.5 + random();
  const outageStart = Math.max(stormStart, T0 + stormDay * DAY + windowBase * MINUTE + int(0, 9) * STEP_MS);
  const delayMs = int(5, 40);
  const outageEnd = Math.min(stormEnd, outageStart + int(3, 6) * STEP_MS);
  const outage =
    random() < 0.5 && outageEnd > outageStart
      ? { start: outageStart, end: outageEnd, rates: { throttle: 0.05, 'server-error': 0.2, unavailable: 0.2, reset: 0.25, delay: 0 } }
      : undefined;
  const storm: Storm = {
    start: stormStart,
    end: stormEnd,
    rates: { throttle: 0.02 * severity, 'server-error': 0.05 * severity, unavailable: 0.05 * severity, reset: 0.05 * severity, delay: 0.06 * severity },
    delayMs,
    ...(outage === undefined ? {} : { outage }),
  };
  const maxConcurrentExports = pick([2, 2, 3, 4, 5]);
  const maxExportAttempts = pick([2, 3, 3]);
  // As deployed by default, one invocation at a time; a third of the seeds run the function
  // unreserved (exporterReservedConcurrency: null), where only RDS's own limit of 5 holds.
  const reservedConcurrency = pick<1 | undefined>([1, 1, undefined]);
  const settings = {
    ARCHIVE_BUCKET: BUCKET,
    EXPORT_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/rds-archive-sim-export`,
    EXPORT_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    ARCHIVE_PREFIX,
    SNAPSHOT_TYPES: 'automated,manual',
    INCLUDE_DATABASES: '',
    EXCLUDE_DATABASES: EXCLUDE_PATTERN,
    NOTIFY_TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT}:rds-archive-sim-notifications`,
    ARCHIVE_NAME: 'rds-archive-sim',
    LOOKBACK_DAYS: String(LOOKBACK_DAYS),
    MAX_CONCURRENT_EXPORTS: String(maxConcurrentExports),
    MAX_EXPORT_ATTEMPTS: String(maxExportAttempts),
    ARCHIVE_POLICY: '',
    CATALOG_ENABLED: 'false',
  };
  return { seed, days, databases, snapshots, foreign, storm, maxConcurrentExports, maxExportAttempts, reservedConcurrency, settings };
}

/** The stub's view of a planned snapshot at a time. */
export function stubSnapshot(s: PlannedSnapshot, now: number): StubSnapshot {
  const d = s.database;
  return {
    kind: d.kind,
    identifier: s.identifier,
    arn: s.arn,
    databaseIdentifier: d.identifier,
    engine: d.engine,
    ...(d.engineMode === undefined ? {} : { engineMode: d.engineMode }),
    ...(d.storageType === undefined ? {} : { storageType: d.storageType }),
    snapshotType: s.snapshotType,
    status: now >= s.availableAt ? 'available' : 'creating',
    createdAt: new Date(s.createdAt),
  };
}

const globToRegex = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );

/** Whether the configuration selects the snapshot and RDS can export its engine (whatever its status). */
export function selectedByConfig(s: PlannedSnapshot): boolean {
  if (!['automated', 'manual'].includes(s.snapshotType)) return false;
  if (globToRegex(EXCLUDE_PATTERN).test(s.database.identifier)) return false;
  return engineExportable(stubSnapshot(s, Number.MAX_SAFE_INTEGER));
}

/**
 * Whether the archive must have exported the snapshot by `now` (default policy: every eligible
 * snapshot): selected, exportable, available, and inside the reconciliation's lookback window.
 */
export function mustBeExported(s: PlannedSnapshot, now: number): boolean {
  return selectedByConfig(s) && now >= s.availableAt && s.createdAt >= now - LOOKBACK_DAYS * DAY;
}

/**
 * How many attempts of a snapshot's export the world fails (RDS FAILED): most none, some the first,
 * a few the first two; never every attempt the archive may make, so every eligible snapshot can end exported.
 */
export function failedAttempts(world: World, snapshotArn: string): number {
  const roll = rngFor(world.seed, `flaky:${snapshotArn}`)();
  const wanted = roll < 0.8 ? 0 : roll < 0.95 ? 1 : 2;
  return Math.min(wanted, world.maxExportAttempts - 1);
}
