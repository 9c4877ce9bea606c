// The archive's settings: defaults, the optional config file, environment overrides, and the
// validation that turns a bad value into a message naming the setting and what is allowed.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Snapshot types RDS reports in `SnapshotType`, and the ones this archive can export. */
export const SNAPSHOT_TYPES = ['automated', 'manual', 'awsbackup'] as const;
export type SnapshotType = (typeof SNAPSHOT_TYPES)[number];

/** S3 storage classes a lifecycle rule may move exports to. */
export const STORAGE_CLASSES = [
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** S3 Object Lock retention modes. */
export const OBJECT_LOCK_MODES = ['GOVERNANCE', 'COMPLIANCE'] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];

/** What happens to exported objects as they age. */
export interface LifecycleConfig {
  /** Storage class exports move to. @default "GLACIER_IR" */
  readonly transitionStorageClass: StorageClass;
  /** Days after creation before the move. @default 30 */
  readonly transitionAfterDays: number;
  /** Days after creation before exports are deleted; undefined keeps them. @default undefined */
  readonly expirationDays?: number;
  /** Days an overwritten or deleted object version is kept. @default 90 */
  readonly noncurrentVersionExpirationDays: number;
}

/** Write-once retention for exported objects. */
export interface ObjectLockConfig {
  readonly mode: ObjectLockMode;
  readonly days: number;
}

/** Where Terraform keeps state. One key per stack below `keyPrefix`. */
export interface RemoteStateConfig {
  readonly bucket: string;
  /** @default "rds-snapshot-archive" */
  readonly keyPrefix: string;
  /** Region of the state bucket. @default the first archive region */
  readonly region: string;
}

/** The scheduled reconciliation that catches missed events, quota overflows and failed exports. */
export interface ReconciliationConfig {
  /** Minutes between runs. @default 60 */
  readonly everyMinutes: number;
  /** Snapshots created this many days back are considered. @default 7 */
  readonly lookbackDays: number;
  /** Exports this archive lets run at once (RDS allows 5 per account). @default 5 */
  readonly maxConcurrentExports: number;
  /** Attempts per snapshot before it is reported and left alone. @default 3 */
  readonly maxExportAttempts: number;
}

/** The validated settings of one deployment. */
export interface ArchiveConfig {
  /** Environment name, part of every resource name. @default "dev" */
  readonly environment: string;
  /** Prefix of every resource name. @default "rds-archive" */
  readonly namePrefix: string;
  /** Regions to archive; one stack each, since an export needs a bucket in the snapshot's region. @default ["us-east-1"] */
  readonly regions: readonly string[];
  /** Per region, an existing bucket to export into instead of creating one. @default {} */
  readonly existingBucketNames: Readonly<Record<string, string>>;
  /** Per region, an existing KMS key ARN to encrypt with instead of creating one. @default {} */
  readonly existingKmsKeyArns: Readonly<Record<string, string>>;
  /** S3 prefix under which each database's exports sit. @default "exports" */
  readonly archivePrefix: string;
  readonly lifecycle: LifecycleConfig;
  /** @default undefined (no Object Lock) */
  readonly objectLock?: ObjectLockConfig;
  /** Snapshot types to export. @default ["automated", "manual"] */
  readonly snapshotTypes: readonly SnapshotType[];
  /** Glob patterns over DB instance and cluster identifiers; empty exports all. @default [] */
  readonly includeDatabases: readonly string[];
  /** Glob patterns over DB instance and cluster identifiers never exported. @default [] */
  readonly excludeDatabases: readonly string[];
  /** Databases, schemas or tables to export (StartExportTask ExportOnly); empty exports all. @default [] */
  readonly exportOnly: readonly string[];
  /** Days the exporter's logs are kept. @default 365 */
  readonly logRetentionDays: number;
  readonly reconciliation: ReconciliationConfig;
  /** Retries of a failed asynchronous invocation before its event goes to the dead-letter queue (0-2). @default 2 */
  readonly asyncRetryAttempts: number;
  /** E-mail addresses subscribed to the notifications topic (alarms, failed exports). @default [] */
  readonly notificationEmails: readonly string[];
  /** Tags for every resource, beside Application and Environment. @default {} */
  readonly tags: Readonly<Record<string, string>>;
  /** @default undefined (local state, with a notice) */
  readonly remoteState?: RemoteStateConfig;
}

/** The settings used where neither the config file nor the environment says otherwise. */
export const DEFAULT_CONFIG: ArchiveConfig = {
  environment: 'dev',
  namePrefix: 'rds-archive',
  regions: ['us-east-1'],
  existingBucketNames: {},
  existingKmsKeyArns: {},
  archivePrefix: 'exports',
  lifecycle: {
    transitionStorageClass: 'GLACIER_IR',
    transitionAfterDays: 30,
    noncurrentVersionExpirationDays: 90,
  },
  snapshotTypes: ['automated', 'manual'],
  includeDatabases: [],
  excludeDatabases: [],
  exportOnly: [],
  logRetentionDays: 365,
  reconciliation: { everyMinutes: 60, lookbackDays: 7, maxConcurrentExports: 5, maxExportAttempts: 3 },
  asyncRetryAttempts: 2,
  notificationEmails: [],
  tags: {},
};

/** The config file read when RDS_ARCHIVE_CONFIG does not name another. */
export const DEFAULT_CONFIG_FILE = 'archive.config.json';

/** Raised when the settings are invalid; its message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid rds-snapshot-archive configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Json = unknown;
type JsonObject = Record<string, Json>;

/** How an environment variable overrides a setting: which setting, and how to read the text. */
interface EnvOverride {
  readonly setting: string;
  readonly kind: 'string' | 'list' | 'integer';
}

/** Environment variables that override settings (they win over the config file). */
export const ENV_OVERRIDES: Readonly<Record<string, EnvOverride>> = {
  RDS_ARCHIVE_ENVIRONMENT: { setting: 'environment', kind: 'string' },
  RDS_ARCHIVE_NAME_PREFIX: { setting: 'namePrefix', kind: 'string' },
  RDS_ARCHIVE_REGIONS: { setting: 'regions', kind: 'list' },
  RDS_ARCHIVE_S3_PREFIX: { setting: 'archivePrefix', kind: 'string' },
  RDS_ARCHIVE_SNAPSHOT_TYPES: { setting: 'snapshotTypes', kind: 'list' },
  RDS_ARCHIVE_INCLUDE_DATABASES: { setting: 'includeDatabases', kind: 'list' },
  RDS_ARCHIVE_EXCLUDE_DATABASES: { setting: 'excludeDatabases', kind: 'list' },
  RDS_ARCHIVE_EXPORT_ONLY: { setting: 'exportOnly', kind: 'list' },
  RDS_ARCHIVE_LOG_RETENTION_DAYS: { setting: 'logRetentionDays', kind: 'integer' },
  RDS_ARCHIVE_RECONCILE_EVERY_MINUTES: { setting: 'reconciliation.everyMinutes', kind: 'integer' },
  RDS_ARCHIVE_LOOKBACK_DAYS: { setting: 'reconciliation.lookbackDays', kind: 'integer' },
  RDS_ARCHIVE_NOTIFICATION_EMAILS: { setting: 'notificationEmails', kind: 'list' },
  RDS_ARCHIVE_STATE_BUCKET: { setting: 'remoteState.bucket', kind: 'string' },
  RDS_ARCHIVE_STATE_KEY_PREFIX: { setting: 'remoteState.keyPrefix', kind: 'string' },
  RDS_ARCHIVE_STATE_REGION: { setting: 'remoteState.region', kind: 'string' },
};

/** Where the settings come from: the config file's text (if any) and the environment. */
export interface ConfigSources {
  /** The config file's contents, or undefined when there is none. */
  readonly fileText?: string;
  /** The file's name, for messages. */
  readonly fileName?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads the config file (RDS_ARCHIVE_CONFIG, else archive.config.json in `cwd`; absent is
 * fine) and the environment, and returns validated settings or throws a ConfigError.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ArchiveConfig {
  const named = env.RDS_ARCHIVE_CONFIG;
  const file = path.resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  if (named !== undefined && !existsSync(file)) {
    throw new ConfigError([`RDS_ARCHIVE_CONFIG names ${file}, which does not exist`]);
  }
  const fileText = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  return resolveConfig({ fileText, fileName: path.basename(file), env });
}

/** Merges defaults, file and environment, and validates the result. Pure. */
export function resolveConfig(sources: ConfigSources): ArchiveConfig {
  const problems: string[] = [];
  let fromFile: JsonObject = {};
  if (sources.fileText !== undefined) {
    const fileName = sources.fileName ?? DEFAULT_CONFIG_FILE;
    try {
      const parsed: Json = JSON.parse(sources.fileText);
      if (!isObject(parsed)) problems.push(`${fileName} must hold a JSON object`);
      else fromFile = parsed;
    } catch (error) {
      problems.push(`${fileName} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const merged = structuredClone(fromFile);
  for (const [variable, override] of Object.entries(ENV_OVERRIDES)) {
    const text = sources.env[variable];
    if (text === undefined || (text.trim() === '' && override.kind !== 'list')) continue;
    const value = parseEnvValue(variable, override, text, problems);
    if (value !== undefined) setPath(merged, override.setting, value);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = validate(merged, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseEnvValue(variable: string, override: EnvOverride, text: string, problems: string[]): Json {
  switch (override.kind) {
    case 'string':
      return text.trim();
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'integer': {
      if (!/^\d+$/.test(text.trim())) {
        problems.push(`${variable} (setting "${override.setting}") must be a whole number, got "${text}"`);
        return undefined;
      }
      return Number(text.trim());
    }
  }
}

function setPath(target: JsonObject, dotted: string, value: Json): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]!] = value;
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NAME_PART = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;
// Identifiers of DB instances and clusters: letters, digits, hyphens; patterns add * and ?.
const DATABASE_PATTERN = /^[A-Za-z0-9*?-]+$/;
const EXPORT_ONLY_ITEM = /^[^,\s]+$/;
// A created bucket is named <prefix>-<environment>-<account id>-<region>; S3 allows 63 characters.
const BUCKET_NAME_OVERHEAD = '-'.length * 3 + 12;

/** Checks every setting, records a problem for each bad one, and returns the typed settings. */
function validate(input: JsonObject, problems: string[]): ArchiveConfig {
  const v = new Validator(problems);
  v.unknownKeys('', input, [
    'environment',
    'namePrefix',
    'regions',
    'existingBucketNames',
    'existingKmsKeyArns',
    'archivePrefix',
    'lifecycle',
    'objectLock',
    'snapshotTypes',
    'includeDatabases',
    'excludeDatabases',
    'exportOnly',
    'logRetentionDays',
    'reconciliation',
    'asyncRetryAttempts',
    'notificationEmails',
    'tags',
    'remoteState',
    '$schema',
  ]);
  const d = DEFAULT_CONFIG;
  const environment = v.string('environment', input.environment, d.environment, NAME_PART, 'lower-case letters, digits and single hyphens, starting with a letter');
  const namePrefix = v.string('namePrefix', input.namePrefix, d.namePrefix, NAME_PART, 'lower-case letters, digits and single hyphens, starting with a letter');
  const regions = v.list('regions', input.regions, d.regions, REGION, 'AWS region names such as "us-east-1"');
  if (regions.length === 0) v.problem('regions must name at least one region');
  if (new Set(regions).size !== regions.length) v.problem(`regions lists a region twice: ${JSON.stringify(regions)}`);

  const existingBucketNames = v.regionMap('existingBucketNames', input.existingBucketNames, regions, BUCKET_NAME, 'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)');
  const existingKmsKeyArns = v.regionMap('existingKmsKeyArns', input.existingKmsKeyArns, regions, KMS_KEY_ARN, 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');
  for (const [region, arn] of Object.entries(existingKmsKeyArns)) {
    const keyRegion = KMS_KEY_ARN.exec(arn)?.[1];
    if (keyRegion !== undefined && keyRegion !== region) {
      v.problem(`existingKmsKeyArns.${region} is a key in ${keyRegion}; an export needs a key in the snapshot's region (${region})`);
    }
  }
  for (const region of regions) {
    if (existingBucketNames[region] !== undefined) continue;
    const length = namePrefix.length + environment.length + region.length + BUCKET_NAME_OVERHEAD;
    if (length > 63) {
      v.problem(`namePrefix and environment are too long: the bucket for ${region} would be named with ${length} characters, S3 allows 63`);
    }
  }

  const archivePrefix = v.string('archivePrefix', input.archivePrefix, d.archivePrefix, /^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/, 'S3 key characters separated by single slashes, no leading or trailing slash');

  const lifecycleInput = v.object('lifecycle', input.lifecycle);
  v.unknownKeys('lifecycle.', lifecycleInput, ['transitionStorageClass', 'transitionAfterDays', 'expirationDays', 'noncurrentVersionExpirationDays']);
  const transitionStorageClass = v.oneOf('lifecycle.transitionStorageClass', lifecycleInput.transitionStorageClass, d.lifecycle.transitionStorageClass, STORAGE_CLASSES);
  const transitionAfterDays = v.integer('lifecycle.transitionAfterDays', lifecycleInput.transitionAfterDays, d.lifecycle.transitionAfterDays, 0);
  if ((transitionStorageClass === 'STANDARD_IA' || transitionStorageClass === 'ONEZONE_IA') && transitionAfterDays < 30) {
    v.problem(`lifecycle.transitionAfterDays must be at least 30 for ${transitionStorageClass} (an S3 rule), got ${transitionAfterDays}`);
  }
  const expirationDays = v.optionalInteger('lifecycle.expirationDays', lifecycleInput.expirationDays, 1);
  if (expirationDays !== undefined && expirationDays <= transitionAfterDays) {
    v.problem(`lifecycle.expirationDays (${expirationDays}) must be greater than lifecycle.transitionAfterDays (${transitionAfterDays})`);
  }
  const noncurrentVersionExpirationDays = v.integer('lifecycle.noncurrentVersionExpirationDays', lifecycleInput.noncurrentVersionExpirationDays, d.lifecycle.noncurrentVersionExpirationDays, 1);

  let objectLock: ObjectLockConfig | undefined;
  if (input.objectLock !== undefined && input.objectLock !== null) {
    const lock = v.object('objectLock', input.objectLock);
    v.unknownKeys('objectLock.', lock, ['mode', 'days']);
    if (lock.mode === undefined) v.problem('objectLock.mode is required when objectLock is set: one of "GOVERNANCE", "COMPLIANCE"');
    if (lock.days === undefined) v.problem('objectLock.days is required when objectLock is set: a whole number of days, at least 1');
    const mode = v.oneOf('objectLock.mode', lock.mode, 'GOVERNANCE', OBJECT_LOCK_MODES);
    const days = v.integer('objectLock.days', lock.days, 1, 1);
    objectLock = { mode, days };
    for (const region of regions) {
      if (existingBucketNames[region] !== undefined) {
        v.problem(`objectLock applies to buckets this stack creates; existingBucketNames.${region} is managed elsewhere, so configure its Object Lock there`);
      }
    }
  }

  const snapshotTypes = v.list('snapshotTypes', input.snapshotTypes, d.snapshotTypes, new RegExp(`^(${SNAPSHOT_TYPES.join('|')})$`), `any of ${SNAPSHOT_TYPES.map((t) => `"${t}"`).join(', ')}`) as SnapshotType[];
  if (snapshotTypes.length === 0) v.problem(`snapshotTypes must name at least one of ${SNAPSHOT_TYPES.join(', ')}; with none, nothing would ever be archived`);
  const includeDatabases = v.list('includeDatabases', input.includeDatabases, d.includeDatabases, DATABASE_PATTERN, 'glob patterns of letters, digits, hyphens, * and ?');
  const excludeDatabases = v.list('excludeDatabases', input.excludeDatabases, d.excludeDatabases, DATABASE_PATTERN, 'glob patterns of letters, digits, hyphens, * and ?');
  const exportOnly = v.list('exportOnly', input.exportOnly, d.exportOnly, EXPORT_ONLY_ITEM, 'names such as "database", "database.schema" or "database.schema.table", without commas or spaces');

  const logRetentionDays = v.integer('logRetentionDays', input.logRetentionDays, d.logRetentionDays, 1);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    v.problem(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs' retention periods), got ${logRetentionDays}`);
  }

  const reconcileInput = v.object('reconciliation', input.reconciliation);
  v.unknownKeys('reconciliation.', reconcileInput, ['everyMinutes', 'lookbackDays', 'maxConcurrentExports', 'maxExportAttempts']);
  const dr = d.reconciliation;
  const reconciliation: ReconciliationConfig = {
    everyMinutes: v.integer('reconciliation.everyMinutes', reconcileInput.everyMinutes, dr.everyMinutes, 5),
    lookbackDays: v.integer('reconciliation.lookbackDays', reconcileInput.lookbackDays, dr.lookbackDays, 1),
    maxConcurrentExports: v.integer('reconciliation.maxConcurrentExports', reconcileInput.maxConcurrentExports, dr.maxConcurrentExports, 1),
    maxExportAttempts: v.integer('reconciliation.maxExportAttempts', reconcileInput.maxExportAttempts, dr.maxExportAttempts, 1),
  };
  // The "reconciliation has not run" alarm looks back two periods; CloudWatch allows one day.
  if (reconciliation.everyMinutes > 720) v.problem(`reconciliation.everyMinutes must be at most 720 (12 hours), got ${reconciliation.everyMinutes}`);
  if (reconciliation.lookbackDays > 35) v.problem(`reconciliation.lookbackDays must be at most 35 (RDS keeps automated snapshots 35 days at most), got ${reconciliation.lookbackDays}`);
  if (reconciliation.maxConcurrentExports > 5) v.problem(`reconciliation.maxConcurrentExports must be at most 5 (RDS runs 5 exports at once per account), got ${reconciliation.maxConcurrentExports}`);
  if (reconciliation.maxExportAttempts > 10) v.problem(`reconciliation.maxExportAttempts must be at most 10, got ${reconciliation.maxExportAttempts}`);
  const asyncRetryAttempts = v.integer('asyncRetryAttempts', input.asyncRetryAttempts, d.asyncRetryAttempts, 0);
  if (asyncRetryAttempts > 2) v.problem(`asyncRetryAttempts must be 0, 1 or 2 (Lambda's limit for asynchronous retries), got ${asyncRetryAttempts}`);
  const notificationEmails = v.list('notificationEmails', input.notificationEmails, d.notificationEmails, /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/, 'e-mail addresses');

  const tags = v.tags(input.tags);

  let remoteState: RemoteStateConfig | undefined;
  if (input.remoteState !== undefined && input.remoteState !== null) {
    const state = v.object('remoteState', input.remoteState);
    v.unknownKeys('remoteState.', state, ['bucket', 'keyPrefix', 'region']);
    if (state.bucket === undefined) v.problem('remoteState.bucket is required when remoteState is set (or set RDS_ARCHIVE_STATE_BUCKET)');
    remoteState = {
      bucket: v.string('remoteState.bucket', state.bucket, 'missing', BUCKET_NAME, 'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)'),
      keyPrefix: v.string('remoteState.keyPrefix', state.keyPrefix, 'rds-snapshot-archive', /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'S3 key characters separated by single slashes, no leading or trailing slash'),
      region: v.string('remoteState.region', state.region, regions[0] ?? 'us-east-1', REGION, 'an AWS region name such as "us-east-1"'),
    };
  }

  return {
    environment,
    namePrefix,
    regions,
    existingBucketNames,
    existingKmsKeyArns,
    archivePrefix,
    lifecycle: { transitionStorageClass, transitionAfterDays, expirationDays, noncurrentVersionExpirationDays },
    objectLock,
    snapshotTypes,
    includeDatabases,
    excludeDatabases,
    exportOnly,
    logRetentionDays,
    reconciliation,
    asyncRetryAttempts,
    notificationEmails,
    tags,
    remoteState,
  };
}

/** Reads one value at a time, falls back to its default, and records what is wrong with it. */
class Validator {
  constructor(private readonly problems: string[]) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  unknownKeys(prefix: string, input: JsonObject, known: readonly string[]): void {
    for (const key of Object.keys(input)) {
      if (!known.includes(key)) {
        this.problem(`unknown setting "${prefix}${key}"; known settings here: ${known.filter((k) => k !== '$schema').join(', ')}`);
      }
    }
  }

  object(name: string, value: Json): JsonObject {
    if (value === undefined) return {};
    if (isObject(value)) return value;
    this.problem(`${name} must be an object, got ${JSON.stringify(value)}`);
    return {};
  }

  string(name: string, value: Json, fallback: string, pattern: RegExp, allowed: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.problem(`${name} must be ${allowed}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, value: Json, fallback: T, allowed: readonly T[]): T {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.problem(`${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value as T;
  }

  integer(name: string, value: Json, fallback: number, minimum: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
      this.problem(`${name} must be a whole number of at least ${minimum}, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  optionalInteger(name: string, value: Json, minimum: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const result = this.integer(name, value, Number.NaN, minimum);
    return Number.isNaN(result) ? undefined : result;
  }

  list(name: string, value: Json, fallback: readonly string[], itemPattern: RegExp, allowed: string): string[] {
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value)) {
      this.problem(`${name} must be a list of ${allowed}, got ${JSON.stringify(value)}`);
      return [...fallback];
    }
    const bad = value.filter((item) => typeof item !== 'string' || !itemPattern.test(item));
    if (bad.length > 0) {
      this.problem(`${name} must be a list of ${allowed}; not allowed: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
      return [...fallback];
    }
    return value as string[];
  }

  regionMap(name: string, value: Json, regions: readonly string[], pattern: RegExp, allowed: string): Record<string, string> {
    const map = this.object(name, value);
    const result: Record<string, string> = {};
    for (const [region, item] of Object.entries(map)) {
      if (!regions.includes(region)) {
        this.problem(`${name}.${region}: ${region} is not one of the configured regions (${regions.join(', ')})`);
      } else if (typeof item !== 'string' || !pattern.test(item)) {
        this.problem(`${name}.${region} must be ${allowed}, got ${JSON.stringify(item)}`);
      } else {
        result[region] = item;
      }
    }
    return result;
  }

  tags(value: Json): Record<string, string> {
    const map = this.object('tags', value);
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(map)) {
      if (key.length === 0 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
        this.problem(`tags: the key ${JSON.stringify(key)} must have 1 to 128 characters and not start with "aws:"`);
      } else if (typeof item !== 'string' || item.length > 256) {
        this.problem(`tags.${key} must be a string of at most 256 characters, got ${JSON.stringify(item)}`);
      } else {
        result[key] = item;
      }
    }
    return result;
  }
}

/** The name shared by a deployment's resources in one region's stack, e.g. "rds-archive-dev". */
export function resourceBaseName(config: ArchiveConfig): string {
  return `${config.namePrefix}-${config.environment}`;
}

/** The Terraform stack name for a region, e.g. "rds-archive-dev-us-east-1". */
export function stackName(config: ArchiveConfig, region: string): string {
  return `${resourceBaseName(config)}-${region}`;
}
