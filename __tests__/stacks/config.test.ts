import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig, resolveConfig } from '../../stacks/config';
import { configFrom } from '../support/synth';
import { PROJECT_ROOT } from '../support/paths';

function problemsOf(file: object, env: Record<string, string> = {}): string[] {
  try {
    configFrom(file, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration defaults', () => {
  it('needs no file and no environment', () => {
    expect(resolveConfig({ env: {} })).toEqual(DEFAULT_CONFIG);
  });

  it('loads without a config file in the working directory', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'archive-config-'));
    expect(loadConfig({}, empty)).toEqual(DEFAULT_CONFIG);
  });

  it('reconciles hourly over a week, within the export quota, three attempts a snapshot', () => {
    expect(DEFAULT_CONFIG.reconciliation).toEqual({ everyMinutes: 60, lookbackDays: 7, maxConcurrentExports: 5, maxExportAttempts: 3, maxLagHours: 48 });
    expect(DEFAULT_CONFIG.asyncRetryAttempts).toBe(2);
  });

  it('exports automated and manual snapshots, keeps logs a year, and uses local state by default', () => {
    expect(DEFAULT_CONFIG.snapshotTypes).toEqual(['automated', 'manual']);
    expect(DEFAULT_CONFIG.logRetentionDays).toBe(365);
    expect(DEFAULT_CONFIG.remoteState).toBeUndefined();
    expect(DEFAULT_CONFIG.objectLock).toBeUndefined();
  });
});

describe('configuration sources', () => {
  it('reads the file named by RDS_ARCHIVE_CONFIG', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'archive-config-'));
    writeFileSync(path.join(dir, 'prod.json'), JSON.stringify({ environment: 'prod', regions: ['eu-west-1', 'us-east-1'] }));
    const config = loadConfig({ RDS_ARCHIVE_CONFIG: 'prod.json' }, dir);
    expect(config.environment).toBe('prod');
    expect(config.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('reports a named config file that does not exist', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'archive-config-'));
    expect(() => loadConfig({ RDS_ARCHIVE_CONFIG: 'missing.json' }, dir)).toThrow(/RDS_ARCHIVE_CONFIG names .*missing\.json, which does not exist/);
  });

  it('lets the environment override the file', () => {
    const config = configFrom(
      { environment: 'staging', snapshotTypes: ['manual'] },
      { RDS_ARCHIVE_ENVIRONMENT: 'prod', RDS_ARCHIVE_SNAPSHOT_TYPES: 'automated, awsbackup', RDS_ARCHIVE_LOG_RETENTION_DAYS: '30' },
    );
    expect(config.environment).toBe('prod');
    expect(config.snapshotTypes).toEqual(['automated', 'awsbackup']);
    expect(config.logRetentionDays).toBe(30);
  });

  it('reads reconciliation and notification overrides from the environment', () => {
    const config = configFrom(
      {},
      { RDS_ARCHIVE_RECONCILE_EVERY_MINUTES: '30', RDS_ARCHIVE_LOOKBACK_DAYS: '14', RDS_ARCHIVE_NOTIFICATION_EMAILS: 'dba@example.com,oncall@example.com' },
    );
    expect(config.reconciliation).toMatchObject({ everyMinutes: 30, lookbackDays: 14 });
    expect(config.notificationEmails).toEqual(['dba@example.com', 'oncall@example.com']);
  });

  it('builds remote state from environment variables alone, defaulting key prefix and region', () => {
    const config = configFrom({ regions: ['eu-central-1'] }, { RDS_ARCHIVE_STATE_BUCKET: 'acme-terraform-state' });
    expect(config.remoteState).toEqual({ bucket: 'acme-terraform-state', keyPrefix: 'rds-snapshot-archive', region: 'eu-central-1' });
  });

  it('reads every setting from the file', () => {
    const config = configFrom({
      environment: 'prod',
      namePrefix: 'acme-rds',
      regions: ['us-east-1', 'eu-west-1'],
      existingBucketNames: { 'eu-west-1': 'acme-eu-archive' },
      existingKmsKeyArns: { 'eu-west-1': 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      archivePrefix: 'rds/exports',
      lifecycle: { transitionStorageClass: 'DEEP_ARCHIVE', transitionAfterDays: 90, expirationDays: 3650, noncurrentVersionExpirationDays: 30 },
      catalog: { allowUnqueryableStorage: true },
      snapshotTypes: ['automated', 'manual', 'awsbackup'],
      includeDatabases: ['orders-*', 'billing'],
      excludeDatabases: ['*-test'],
      exportOnly: ['orders.public'],
      logRetentionDays: 731,
      tags: { CostCenter: 'db-platform' },
      remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'platform/rds-archive', region: 'us-east-1' },
    });
    expect(config.namePrefix).toBe('acme-rds');
    expect(config.existingBucketNames).toEqual({ 'eu-west-1': 'acme-eu-archive' });
    expect(config.lifecycle).toEqual({
      transitionStorageClass: 'DEEP_ARCHIVE',
      transitionAfterDays: 90,
      expirationDays: 3650,
      noncurrentVersionExpirationDays: 30,
    });
    expect(config.includeDatabases).toEqual(['orders-*', 'billing']);
    expect(config.exportOnly).toEqual(['orders.public']);
    expect(config.tags).toEqual({ CostCenter: 'db-platform' });
    expect(config.remoteState?.keyPrefix).toBe('platform/rds-archive');
  });
});

describe('configuration validation names the setting and what is allowed', () => {
  const cases: Array<[string, object, Record<string, string>, RegExp]> = [
    ['file that is not JSON', { __raw: true }, {}, /archive\.config\.json is not valid JSON/],
    ['unknown setting', { enviroment: 'prod' }, {}, /unknown setting "enviroment"/],
    ['environment with capitals', { environment: 'Prod' }, {}, /environment must be lower-case letters, digits and single hyphens.*got "Prod"/],
    ['namePrefix with underscore', { namePrefix: 'rds_archive' }, {}, /namePrefix must be lower-case/],
    ['region that is not a region', { regions: ['us-east'] }, {}, /regions must be a list of AWS region names.*"us-east"/],
    ['no regions', { regions: [] }, {}, /regions must name at least one region/],
    ['a region twice', { regions: ['us-east-1', 'us-east-1'] }, {}, /regions lists a region twice/],
    [
      'names too long for a bucket',
      { namePrefix: 'a-very-long-prefix-for-names', environment: 'production-environment' },
      {},
      /bucket for us-east-1 would be named with \d+ characters, S3 allows 63/,
    ],
    [
      'existing bucket in another region',
      { existingBucketNames: { 'eu-west-1': 'acme' } },
      {},
      /existingBucketNames\.eu-west-1: eu-west-1 is not one of the configured regions/,
    ],
    ['invalid bucket name', { existingBucketNames: { 'us-east-1': 'Acme_Bucket' } }, {}, /existingBucketNames\.us-east-1 must be an S3 bucket name/],
    [
      'key from another region',
      { existingKmsKeyArns: { 'us-east-1': 'arn:aws:kms:eu-west-1:123456789012:key/abcd' } },
      {},
      /existingKmsKeyArns\.us-east-1 is a key in eu-west-1/,
    ],
    ['key that is not an ARN', { existingKmsKeyArns: { 'us-east-1': 'abcd-1234' } }, {}, /existingKmsKeyArns\.us-east-1 must be a KMS key ARN/],
    ['prefix with a leading slash', { archivePrefix: '/exports' }, {}, /archivePrefix must be S3 key characters/],
    [
      'unknown storage class',
      { lifecycle: { transitionStorageClass: 'COLD' } },
      {},
      /lifecycle\.transitionStorageClass must be one of "STANDARD_IA".*got "COLD"/,
    ],
    [
      'IA transition too early',
      { lifecycle: { transitionStorageClass: 'STANDARD_IA', transitionAfterDays: 7 } },
      {},
      /lifecycle\.transitionAfterDays must be at least 30 for STANDARD_IA/,
    ],
    ['negative transition days', { lifecycle: { transitionAfterDays: -1 } }, {}, /lifecycle\.transitionAfterDays must be a whole number of at least 0, got -1/],
    [
      'expiration before transition',
      { lifecycle: { transitionAfterDays: 30, expirationDays: 10 } },
      {},
      /lifecycle\.expirationDays \(10\) must be greater than lifecycle\.transitionAfterDays \(30\)/,
    ],
    ['object lock without days', { objectLock: { mode: 'GOVERNANCE' } }, {}, /objectLock\.days is required/],
    ['object lock with a bad mode', { objectLock: { mode: 'STRICT', days: 30 } }, {}, /objectLock\.mode must be one of "GOVERNANCE", "COMPLIANCE"/],
    [
      'object lock on an existing bucket',
      { objectLock: { mode: 'GOVERNANCE', days: 30 }, existingBucketNames: { 'us-east-1': 'acme-archive' } },
      {},
      /objectLock applies to buckets this stack creates/,
    ],
    [
      'unknown snapshot type',
      { snapshotTypes: ['automated', 'shared'] },
      {},
      /snapshotTypes must be a list of any of "automated", "manual", "awsbackup"; not allowed: "shared"/,
    ],
    ['no snapshot types', { snapshotTypes: [] }, {}, /snapshotTypes must name at least one/],
    ['database pattern with a comma', { includeDatabases: ['orders,billing'] }, {}, /includeDatabases must be a list of glob patterns.*"orders,billing"/],
    ['database pattern that is not a list', { excludeDatabases: 'test-*' }, {}, /excludeDatabases must be a list of glob patterns/],
    ['export-only item with a space', { exportOnly: ['orders public'] }, {}, /exportOnly must be a list of names/],
    ['log retention CloudWatch does not offer', { logRetentionDays: 100 }, {}, /logRetentionDays must be one of 1, 3, 5.*got 100/],
    ['tag with an aws: key', { tags: { 'aws:owner': 'me' } }, {}, /tags: the key "aws:owner" must have 1 to 128 characters and not start with "aws:"/],
    ['tag with a non-string value', { tags: { Team: 7 } }, {}, /tags\.Team must be a string/],
    ['remote state without a bucket', { remoteState: { region: 'us-east-1' } }, {}, /remoteState\.bucket is required/],
    [
      'remote state key prefix with a trailing slash',
      { remoteState: { bucket: 'acme-state', keyPrefix: 'rds/' } },
      {},
      /remoteState\.keyPrefix must be S3 key characters/,
    ],
    ['reconciliation too rare for its alarm', { reconciliation: { everyMinutes: 1440 } }, {}, /reconciliation\.everyMinutes must be at most 720/],
    ['reconciliation too often', { reconciliation: { everyMinutes: 1 } }, {}, /reconciliation\.everyMinutes must be a whole number of at least 5, got 1/],
    ['lookback beyond automated snapshot retention', { reconciliation: { lookbackDays: 90 } }, {}, /reconciliation\.lookbackDays must be at most 35/],
    [
      'more concurrent exports than RDS allows',
      { reconciliation: { maxConcurrentExports: 6 } },
      {},
      /reconciliation\.maxConcurrentExports must be at most 5 \(RDS runs 5 exports at once per account\), got 6/,
    ],
    ['no export attempts', { reconciliation: { maxExportAttempts: 0 } }, {}, /reconciliation\.maxExportAttempts must be a whole number of at least 1, got 0/],
    ['unknown reconciliation setting', { reconciliation: { every: 5 } }, {}, /unknown setting "reconciliation\.every"/],
    ['more async retries than Lambda allows', { asyncRetryAttempts: 3 }, {}, /asyncRetryAttempts must be 0, 1 or 2/],
    [
      'notification address that is not an e-mail address',
      { notificationEmails: ['dba-team'] },
      {},
      /notificationEmails must be a list of e-mail addresses; not allowed: "dba-team"/,
    ],
    [
      'lookback override that is not a number',
      {},
      { RDS_ARCHIVE_LOOKBACK_DAYS: 'seven' },
      /RDS_ARCHIVE_LOOKBACK_DAYS \(setting "reconciliation\.lookbackDays"\) must be a whole number/,
    ],
    ['environment override with capitals', {}, { RDS_ARCHIVE_ENVIRONMENT: 'PROD' }, /environment must be lower-case.*"PROD"/],
    [
      'log retention override that is not a number',
      {},
      { RDS_ARCHIVE_LOG_RETENTION_DAYS: 'a year' },
      /RDS_ARCHIVE_LOG_RETENTION_DAYS \(setting "logRetentionDays"\) must be a whole number, got "a year"/,
    ],
    ['region override that is not a region', {}, { RDS_ARCHIVE_REGIONS: 'us-east-1,mars-1' }, /regions must be a list of AWS region names.*"mars-1"/],
  ];

  it.each(cases)('%s', (_name, file, env, message) => {
    if ('__raw' in file) {
      expect(() => resolveConfig({ fileText: '{ environment: prod', fileName: 'archive.config.json', env })).toThrow(message);
      return;
    }
    const problems = problemsOf(file, env);
    expect(
      problems.some((p) => message.test(p)),
      `problems were:\n${problems.join('\n')}`,
    ).toBe(true);
  });

  it('lists every problem at once, one a line', () => {
    try {
      configFrom({ environment: 'Prod', logRetentionDays: 2 });
      expect.unreachable('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(/^Invalid rds-snapshot-archive configuration:\n {2}- environment must be/);
      expect(message).toMatch(/\n {2}- logRetentionDays must be one of/);
    }
  });
});

describe('the example config file', () => {
  it('is valid and sets what it shows', () => {
    const dir = PROJECT_ROOT;
    const config = loadConfig({ RDS_ARCHIVE_CONFIG: 'archive.config.example.json' }, dir);
    expect(config.environment).toBe('prod');
    expect(config.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.remoteState?.bucket).toBe('acme-terraform-state');
    expect(config.policy.rules).toEqual([{ databases: ['analytics-*'], cadence: 'monthly', manualSnapshots: 'always' }]);
    expect(config.reconciliation.maxLagHours).toBe(48);
  });
});

describe('archive policy, catalog and lag settings', () => {
  it('stops on a bad cadence rule with a message naming the rule', () => {
    expect(
      problemsOf({
        policy: {
          rules: [
            { databases: ['orders-*'], cadence: 'monthly' },
            { databases: ['ledger db'], cadence: 'fortnightly' },
          ],
        },
      }),
    ).toEqual([
      expect.stringMatching(/^policy\.rules\[1\]\.databases must hold glob patterns .*"ledger db"/),
      expect.stringMatching(/^policy\.rules\[1\]\.cadence must be one of "every", "daily", "weekly", "monthly", "yearly", got "fortnightly"/),
    ]);
  });

  it('reads the catalog and lag settings, with defaults', () => {
    expect(configFrom({}).catalog).toEqual({ enabled: true, bytesScannedCutoffPerQuery: 100 * 1024 ** 3, allowUnqueryableStorage: false });
    expect(configFrom({ catalog: { enabled: false }, reconciliation: { maxLagHours: 72 } })).toMatchObject({
      catalog: { enabled: false },
      reconciliation: { maxLagHours: 72 },
    });
  });

  it('refuses storage Athena cannot read while the catalog is on, naming both settings and the queryable classes', () => {
    for (const storageClass of ['GLACIER', 'DEEP_ARCHIVE']) {
      // Act
      const problems = problemsOf({ lifecycle: { transitionStorageClass: storageClass } });

      // Assess
      expect(problems).toEqual([
        `lifecycle.transitionStorageClass is ${storageClass}, which Athena cannot read (it skips such objects, so queries of the archive would silently miss rows), while catalog.enabled is true: choose one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, or set catalog.allowUnqueryableStorage to true to accept it, or catalog.enabled to false`,
      ]);
    }
  });

  it('accepts unqueryable storage when the catalog is off or the operator allows it, and every queryable class as it is', () => {
    expect(configFrom({ lifecycle: { transitionStorageClass: 'DEEP_ARCHIVE' }, catalog: { enabled: false } }).lifecycle.transitionStorageClass).toBe(
      'DEEP_ARCHIVE',
    );
    expect(configFrom({ lifecycle: { transitionStorageClass: 'GLACIER' }, catalog: { allowUnqueryableStorage: true } }).catalog.allowUnqueryableStorage).toBe(
      true,
    );
    for (const storageClass of ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR']) {
      expect(configFrom({ lifecycle: { transitionStorageClass: storageClass } }).lifecycle.transitionStorageClass).toBe(storageClass);
    }
    expect(problemsOf({ catalog: { allowUnqueryableStorage: 'yes' } })).toEqual(['catalog.allowUnqueryableStorage must be true or false, got "yes"']);
  });

  it('refuses a lag threshold shorter than two reconciliations, a scan cutoff under Athena minimum, and a non-boolean switch', () => {
    expect(problemsOf({ reconciliation: { everyMinutes: 720, maxLagHours: 12 }, catalog: { enabled: 'yes', bytesScannedCutoffPerQuery: 1000 } })).toEqual([
      'reconciliation.maxLagHours (12) must cover at least two reconciliation runs (2 × everyMinutes = 24 hours)',
      'catalog.enabled must be true or false, got "yes"',
      'catalog.bytesScannedCutoffPerQuery must be a whole number of at least 10485760, got 1000',
    ]);
  });
});
