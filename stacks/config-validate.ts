// Checks every setting of the configuration and records a problem, naming the setting and what
// is allowed, for each bad one: all problems are reported at once.
import {
  ACCOUNT_ID,
  type Format,
  BUCKET_NAME,
  DATABASE_PATTERN,
  EXPORT_ONLY_ITEM,
  KMS_KEY_ARN,
  NAME_PART,
  ROLE_ARN,
  S3_PREFIX,
  SNAPSHOT_TYPES,
  type SnapshotType,
  validatePolicy,
} from '../handler/contract';
import {
  type ArchiveConfig,
  DEFAULT_CONFIG,
  LOG_RETENTION_DAYS,
  OBJECT_LOCK_MODES,
  type ObjectLockConfig,
  type ReconciliationConfig,
  type RemoteStateConfig,
  QUERYABLE_STORAGE_CLASSES,
  type VaultConfig,
  type VaultSourceAccount,
  STORAGE_CLASSES,
} from './config-types';
import { regionProblem } from './regions';

export type Json = unknown;
export type JsonObject = Record<string, Json>;

export function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REGION_NAME: Format = { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, shape: 'AWS region names such as "us-east-1"' };
const STATE_KEY_PREFIX: Format = {
  pattern: /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
  shape: 'S3 key characters separated by single slashes, not empty, no leading or trailing slash',
};
const EMAIL_ADDRESS: Format = { pattern: /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/, shape: 'e-mail addresses' };
// A created bucket is named <prefix>-<environment>-<account id>-<region>; S3 allows 63 characters.
const BUCKET_NAME_OVERHEAD = '-'.length * 3 + 12;
/** A vault also creates its access-log bucket, named <prefix>-<environment>-logs-<account id>-<region> (stacks/vault-names.ts). */
const LOG_BUCKET_NAME_EXTRA = '-logs'.length;

/** Checks every setting, records a problem for each bad one, and returns the typed settings. */
export function validateConfig(input: JsonObject, problems: string[]): ArchiveConfig {
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
    'policy',
    'catalog',
    'exporterReservedConcurrency',
    'asyncRetryAttempts',
    'notificationEmails',
    'tags',
    'remoteState',
    'vault',
    '$schema',
  ]);
  const d = DEFAULT_CONFIG;
  const environment = v.string('environment', input.environment, d.environment, NAME_PART);
  const namePrefix = v.string('namePrefix', input.namePrefix, d.namePrefix, NAME_PART);
  const regions = v.list('regions', input.regions, d.regions, REGION_NAME);
  if (regions.length === 0) v.problem('regions must name at least one region');
  if (new Set(regions).size !== regions.length) v.problem(`regions lists a region twice: ${JSON.stringify(regions)}`);
  for (const region of regions) {
    const problem = regionProblem('regions', region);
    if (problem !== undefined) v.problem(problem);
  }

  const existingBucketNames = v.regionMap('existingBucketNames', input.existingBucketNames, regions, BUCKET_NAME);
  const existingKmsKeyArns = v.regionMap('existingKmsKeyArns', input.existingKmsKeyArns, regions, KMS_KEY_ARN);
  for (const [region, arn] of Object.entries(existingKmsKeyArns)) {
    const keyRegion = KMS_KEY_ARN.pattern.exec(arn)?.[1];
    if (keyRegion !== undefined && keyRegion !== region) {
      v.problem(`existingKmsKeyArns.${region} is a key in ${keyRegion}; an export needs a key in the snapshot's region (${region})`);
    }
  }
  for (const region of regions) {
    // IAM role names (<namePrefix>-<environment>-<region>-exporter) allow 64 characters.
    const iamLength = `${namePrefix}-${environment}-${region}-exporter`.length;
    if (iamLength > 64)
      v.problem(`namePrefix and environment are too long: the exporter role for ${region} would be named with ${iamLength} characters, IAM allows 64`);
    if (existingBucketNames[region] !== undefined) continue;
    const length = namePrefix.length + environment.length + region.length + BUCKET_NAME_OVERHEAD;
    if (length > 63) {
      v.problem(`namePrefix and environment are too long: the bucket for ${region} would be named with ${length} characters, S3 allows 63`);
    }
  }

  const archivePrefix = v.string('archivePrefix', input.archivePrefix, d.archivePrefix, S3_PREFIX);

  const lifecycleInput = v.object('lifecycle', input.lifecycle);
  v.unknownKeys('lifecycle.', lifecycleInput, ['transitionStorageClass', 'transitionAfterDays', 'expirationDays', 'noncurrentVersionExpirationDays']);
  const transitionStorageClass = v.oneOf(
    'lifecycle.transitionStorageClass',
    lifecycleInput.transitionStorageClass,
    d.lifecycle.transitionStorageClass,
    STORAGE_CLASSES,
  );
  const transitionAfterDays = v.integer('lifecycle.transitionAfterDays', lifecycleInput.transitionAfterDays, d.lifecycle.transitionAfterDays, 0);
  if ((transitionStorageClass === 'STANDARD_IA' || transitionStorageClass === 'ONEZONE_IA') && transitionAfterDays < 30) {
    v.problem(`lifecycle.transitionAfterDays must be at least 30 for ${transitionStorageClass} (an S3 rule), got ${transitionAfterDays}`);
  }
  const expirationDays = v.optionalInteger('lifecycle.expirationDays', lifecycleInput.expirationDays, 1);
  if (expirationDays !== undefined && expirationDays <= transitionAfterDays) {
    v.problem(`lifecycle.expirationDays (${expirationDays}) must be greater than lifecycle.transitionAfterDays (${transitionAfterDays})`);
  }
  const noncurrentVersionExpirationDays = v.integer(
    'lifecycle.noncurrentVersionExpirationDays',
    lifecycleInput.noncurrentVersionExpirationDays,
    d.lifecycle.noncurrentVersionExpirationDays,
    1,
  );

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

  const snapshotTypes = v.list('snapshotTypes', input.snapshotTypes, d.snapshotTypes, {
    pattern: new RegExp(`^(${SNAPSHOT_TYPES.join('|')})$`),
    shape: `any of ${SNAPSHOT_TYPES.map((t) => `"${t}"`).join(', ')}`,
  }) as SnapshotType[];
  if (snapshotTypes.length === 0) v.problem(`snapshotTypes must name at least one of ${SNAPSHOT_TYPES.join(', ')}; with none, nothing would ever be archived`);
  const includeDatabases = v.list('includeDatabases', input.includeDatabases, d.includeDatabases, DATABASE_PATTERN);
  const excludeDatabases = v.list('excludeDatabases', input.excludeDatabases, d.excludeDatabases, DATABASE_PATTERN);
  const exportOnly = v.list('exportOnly', input.exportOnly, d.exportOnly, EXPORT_ONLY_ITEM);

  const logRetentionDays = v.integer('logRetentionDays', input.logRetentionDays, d.logRetentionDays, 1);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    v.problem(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs' retention periods), got ${logRetentionDays}`);
  }

  const reconcileInput = v.object('reconciliation', input.reconciliation);
  v.unknownKeys('reconciliation.', reconcileInput, ['everyMinutes', 'lookbackDays', 'maxConcurrentExports', 'maxExportAttempts', 'maxLagHours']);
  const dr = d.reconciliation;
  const reconciliation: ReconciliationConfig = {
    everyMinutes: v.integer('reconciliation.everyMinutes', reconcileInput.everyMinutes, dr.everyMinutes, 5),
    lookbackDays: v.integer('reconciliation.lookbackDays', reconcileInput.lookbackDays, dr.lookbackDays, 1),
    maxConcurrentExports: v.integer('reconciliation.maxConcurrentExports', reconcileInput.maxConcurrentExports, dr.maxConcurrentExports, 1),
    maxExportAttempts: v.integer('reconciliation.maxExportAttempts', reconcileInput.maxExportAttempts, dr.maxExportAttempts, 1),
    maxLagHours: v.integer('reconciliation.maxLagHours', reconcileInput.maxLagHours, dr.maxLagHours, 1),
  };
  // The lag is measured once per reconciliation; an alarm tighter than two runs would fire on timing alone.
  if (reconciliation.maxLagHours * 60 < 2 * reconciliation.everyMinutes) {
    v.problem(
      `reconciliation.maxLagHours (${reconciliation.maxLagHours}) must cover at least two reconciliation runs (2 × everyMinutes = ${(2 * reconciliation.everyMinutes) / 60} hours)`,
    );
  }
  const policy = validatePolicy(input.policy, problems);

  const catalogInput = v.object('catalog', input.catalog);
  v.unknownKeys('catalog.', catalogInput, ['enabled', 'bytesScannedCutoffPerQuery', 'allowUnqueryableStorage']);
  const catalog = {
    enabled: v.boolean('catalog.enabled', catalogInput.enabled, d.catalog.enabled),
    // Athena's smallest per-query limit is 10 MB.
    bytesScannedCutoffPerQuery: v.integer(
      'catalog.bytesScannedCutoffPerQuery',
      catalogInput.bytesScannedCutoffPerQuery,
      d.catalog.bytesScannedCutoffPerQuery,
      10_485_760,
    ),
    allowUnqueryableStorage: v.boolean('catalog.allowUnqueryableStorage', catalogInput.allowUnqueryableStorage, d.catalog.allowUnqueryableStorage),
  };
  if (catalog.enabled && !catalog.allowUnqueryableStorage && !QUERYABLE_STORAGE_CLASSES.includes(transitionStorageClass)) {
    v.problem(
      `lifecycle.transitionStorageClass is ${transitionStorageClass}, which Athena cannot read (it skips such objects, so queries of the archive would silently miss rows), while catalog.enabled is true: choose one of ${QUERYABLE_STORAGE_CLASSES.join(', ')}, or set catalog.allowUnqueryableStorage to true to accept it, or catalog.enabled to false`,
    );
  }
  // The "reconciliation has not run" alarm looks back two periods; CloudWatch allows one day.
  if (reconciliation.everyMinutes > 720) v.problem(`reconciliation.everyMinutes must be at most 720 (12 hours), got ${reconciliation.everyMinutes}`);
  if (reconciliation.lookbackDays > 35)
    v.problem(`reconciliation.lookbackDays must be at most 35 (RDS keeps automated snapshots 35 days at most), got ${reconciliation.lookbackDays}`);
  if (reconciliation.maxConcurrentExports > 5)
    v.problem(`reconciliation.maxConcurrentExports must be at most 5 (RDS runs 5 exports at once per account), got ${reconciliation.maxConcurrentExports}`);
  if (reconciliation.maxExportAttempts > 10) v.problem(`reconciliation.maxExportAttempts must be at most 10, got ${reconciliation.maxExportAttempts}`);
  const exporterReservedConcurrency =
    input.exporterReservedConcurrency === null
      ? null
      : v.integer('exporterReservedConcurrency', input.exporterReservedConcurrency, d.exporterReservedConcurrency ?? 1, 1);
  const asyncRetryAttempts = v.integer('asyncRetryAttempts', input.asyncRetryAttempts, d.asyncRetryAttempts, 0);
  if (asyncRetryAttempts > 2) v.problem(`asyncRetryAttempts must be 0, 1 or 2 (Lambda's limit for asynchronous retries), got ${asyncRetryAttempts}`);
  const notificationEmails = v.list('notificationEmails', input.notificationEmails, d.notificationEmails, EMAIL_ADDRESS);

  const tags = v.tags(input.tags);

  let remoteState: RemoteStateConfig | undefined;
  if (input.remoteState !== undefined && input.remoteState !== null) {
    const state = v.object('remoteState', input.remoteState);
    v.unknownKeys('remoteState.', state, ['bucket', 'keyPrefix', 'region']);
    if (state.bucket === undefined) v.problem('remoteState.bucket is required when remoteState is set (or set RDS_ARCHIVE_STATE_BUCKET)');
    remoteState = {
      bucket: v.string('remoteState.bucket', state.bucket, 'missing', BUCKET_NAME),
      keyPrefix: v.string('remoteState.keyPrefix', state.keyPrefix, 'rds-snapshot-archive', STATE_KEY_PREFIX),
      region: v.string('remoteState.region', state.region, regions[0] ?? 'us-east-1', REGION_NAME),
    };
    const stateRegionProblem = regionProblem('remoteState.region', remoteState.region);
    if (stateRegionProblem !== undefined) v.problem(stateRegionProblem);
  }

  const vault = input.vault === undefined || input.vault === null ? undefined : validateVault(v, input.vault, input);
  if (vault !== undefined) {
    for (const region of regions) {
      const length = namePrefix.length + environment.length + region.length + BUCKET_NAME_OVERHEAD + LOG_BUCKET_NAME_EXTRA;
      if (length > 63) {
        v.problem(
          `namePrefix and environment are too long: the vault's access-log bucket for ${region} would be named with ${length} characters, S3 allows 63`,
        );
      }
    }
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
    policy,
    catalog,
    exporterReservedConcurrency,
    asyncRetryAttempts,
    notificationEmails,
    tags,
    remoteState,
    ...(vault !== undefined ? { vault } : {}),
  };
}

/**
 * The vault setting: the vault's account and optional Terraform role, its Object Lock retention
 * and the source accounts. A role must be of the account it is given for (the stacks assume it
 * to write into that account); settings the vault replaces are refused rather than ignored.
 */
function validateVault(v: Validator, value: Json, input: JsonObject): VaultConfig | undefined {
  if (!isObject(value)) {
    v.problem(`vault must be an object with accountId, objectLock and sourceAccounts, got ${JSON.stringify(value)}`);
    return undefined;
  }
  v.unknownKeys('vault.', value, ['accountId', 'roleArn', 'objectLock', 'sourceAccounts']);
  if (value.accountId === undefined) v.problem(`vault.accountId is required when vault is set: ${ACCOUNT_ID.shape}`);
  const accountId = accountIdOf(v, 'vault.accountId', value.accountId);
  const roleArn = accountRole(v, 'vault', value.roleArn, accountId);

  let objectLock: VaultConfig['objectLock'] = { mode: 'COMPLIANCE', days: 1 };
  if (value.objectLock === undefined || value.objectLock === null) {
    v.problem('vault.objectLock is required when vault is set: {"mode": "COMPLIANCE" or "GOVERNANCE", "days": a whole number of at least 1}');
  } else {
    const lock = v.object('vault.objectLock', value.objectLock);
    v.unknownKeys('vault.objectLock.', lock, ['mode', 'days']);
    if (lock.mode === undefined) v.problem('vault.objectLock.mode is required: one of "GOVERNANCE", "COMPLIANCE"');
    if (lock.days === undefined) v.problem('vault.objectLock.days is required: a whole number of days, at least 1');
    objectLock = {
      mode: v.oneOf('vault.objectLock.mode', lock.mode, 'COMPLIANCE', OBJECT_LOCK_MODES),
      days: v.integer('vault.objectLock.days', lock.days, 1, 1),
    };
  }

  const sourceAccounts: VaultSourceAccount[] = [];
  if (!Array.isArray(value.sourceAccounts) || value.sourceAccounts.length === 0) {
    v.problem(`vault.sourceAccounts must list at least one source account, e.g. [{"accountId": "222222222222"}], got ${JSON.stringify(value.sourceAccounts)}`);
  } else {
    value.sourceAccounts.forEach((item: Json, index: number) => {
      const name = `vault.sourceAccounts[${index}]`;
      if (!isObject(item)) {
        v.problem(`${name} must be an object with accountId and an optional roleArn, got ${JSON.stringify(item)}`);
        return;
      }
      v.unknownKeys(`${name}.`, item, ['accountId', 'roleArn']);
      if (item.accountId === undefined) v.problem(`${name}.accountId is required: ${ACCOUNT_ID.shape}`);
      const sourceId = accountIdOf(v, `${name}.accountId`, item.accountId);
      if (sourceId !== '' && sourceId === accountId) {
        v.problem(`${name}.accountId is the vault's own account (${accountId}): a source must be another account, or the vault would not be apart from it`);
      }
      if (sourceId !== '' && sourceAccounts.some((s) => s.accountId === sourceId)) v.problem(`${name}.accountId lists ${sourceId} a second time`);
      const sourceRole = accountRole(v, name, item.roleArn, sourceId);
      if (sourceId !== '') sourceAccounts.push({ accountId: sourceId, ...(sourceRole !== undefined ? { roleArn: sourceRole } : {}) });
    });
  }

  // The vault creates the bucket and its key in the vault account; these settings would name others.
  if (input.objectLock !== undefined && input.objectLock !== null) {
    v.problem('objectLock and vault are both set: with a vault, the retention is vault.objectLock; remove the top-level objectLock');
  }
  for (const setting of ['existingBucketNames', 'existingKmsKeyArns'] as const) {
    const map = input[setting];
    if (isObject(map) && Object.keys(map).length > 0) {
      v.problem(
        `${setting} and vault are both set: the vault stack creates the bucket and its key in account ${accountId || '(vault.accountId)'}; remove ${setting}`,
      );
    }
  }
  return { accountId, ...(roleArn !== undefined ? { roleArn } : {}), objectLock, sourceAccounts };
}

/** An account id, or '' after recording what is wrong with it. */
function accountIdOf(v: Validator, name: string, value: Json): string {
  if (typeof value === 'number') {
    // JSON numbers drop leading zeros, and account ids may have them.
    v.problem(`${name} must be ${ACCOUNT_ID.shape} written as a string in quotes, got the number ${value}`);
    return '';
  }
  return v.string(name, value, '', ACCOUNT_ID);
}

/** An optional Terraform role ARN that must belong to `accountId`. */
function accountRole(v: Validator, owner: string, value: Json, accountId: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  const name = `${owner}.roleArn`;
  const arn = v.string(name, value, '', ROLE_ARN);
  if (arn === '') return undefined;
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
  if (accountId !== '' && roleAccount !== accountId) {
    v.problem(
      `${name} is a role of account ${roleAccount}, not of ${accountId}: the stacks of ${accountId} assume it to deploy there; name a role of that account`,
    );
    return undefined;
  }
  return arn;
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

  string(name: string, value: Json, fallback: string, format: Format): string {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !format.pattern.test(value)) {
      this.problem(`${name} must be ${format.shape}, got ${JSON.stringify(value)}`);
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

  boolean(name: string, value: Json, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.problem(`${name} must be true or false, got ${JSON.stringify(value)}`);
      return fallback;
    }
    return value;
  }

  optionalInteger(name: string, value: Json, minimum: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    const result = this.integer(name, value, Number.NaN, minimum);
    return Number.isNaN(result) ? undefined : result;
  }

  list(name: string, value: Json, fallback: readonly string[], format: Format): string[] {
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value)) {
      this.problem(`${name} must be a list of ${format.shape}, got ${JSON.stringify(value)}`);
      return [...fallback];
    }
    const bad = value.filter((item) => typeof item !== 'string' || !format.pattern.test(item));
    if (bad.length > 0) {
      this.problem(`${name} must be a list of ${format.shape}; not allowed: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
      return [...fallback];
    }
    return value as string[];
  }

  regionMap(name: string, value: Json, regions: readonly string[], format: Format): Record<string, string> {
    const map = this.object(name, value);
    const result: Record<string, string> = {};
    for (const [region, item] of Object.entries(map)) {
      if (!regions.includes(region)) {
        this.problem(`${name}.${region}: ${region} is not one of the configured regions (${regions.join(', ')})`);
      } else if (typeof item !== 'string' || !format.pattern.test(item)) {
        this.problem(`${name}.${region} must be ${format.shape}, got ${JSON.stringify(item)}`);
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
