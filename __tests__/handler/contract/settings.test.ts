import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CADENCES, DEFAULT_POLICY } from '../../../handler/contract/policy';
import { readSettings, SETTING_VARIABLES, type Settings, SettingsError, SNAPSHOT_TYPES, writeSettings } from '../../../handler/contract/settings';

const valid = {
  ARCHIVE_BUCKET: 'rds-archive-dev-123456789012-us-east-1',
  EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:role/rds-archive-dev-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
};

describe('readSettings', () => {
  it('needs only the three required variables and defaults the rest', () => {
    expect(readSettings(valid)).toEqual({
      archiveBucket: valid.ARCHIVE_BUCKET,
      exportRoleArn: valid.EXPORT_ROLE_ARN,
      exportKmsKeyArn: valid.EXPORT_KMS_KEY_ARN,
      archivePrefix: 'exports',
      snapshotTypes: ['automated', 'manual'],
      includeDatabases: [],
      excludeDatabases: [],
      exportOnly: [],
      notifyTopicArn: undefined,
      archiveName: 'rds-snapshot-archive',
      lookbackDays: 7,
      maxConcurrentExports: 5,
      maxExportAttempts: 3,
      policy: DEFAULT_POLICY,
      catalogEnabled: true,
    });
  });

  it('reads the optional variables', () => {
    const settings = readSettings({
      ...valid,
      ARCHIVE_PREFIX: '/exports/',
      SNAPSHOT_TYPES: 'manual, awsbackup',
      INCLUDE_DATABASES: 'orders-*,billing',
      EXCLUDE_DATABASES: '*-test',
      EXPORT_ONLY: 'orders.public, billing',
      NOTIFY_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications',
      ARCHIVE_NAME: 'rds-archive-dev',
      LOOKBACK_DAYS: '14',
      MAX_CONCURRENT_EXPORTS: '2',
      MAX_EXPORT_ATTEMPTS: '5',
    });
    expect(settings).toMatchObject({
      archivePrefix: 'exports',
      snapshotTypes: ['manual', 'awsbackup'],
      includeDatabases: ['orders-*', 'billing'],
      excludeDatabases: ['*-test'],
      exportOnly: ['orders.public', 'billing'],
      notifyTopicArn: 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications',
      archiveName: 'rds-archive-dev',
      lookbackDays: 14,
      maxConcurrentExports: 2,
      maxExportAttempts: 5,
    });
  });

  it.each([
    ['ARCHIVE_BUCKET', { ARCHIVE_BUCKET: undefined }, /^ARCHIVE_BUCKET is required/],
    [
      'ARCHIVE_BUCKET',
      { ARCHIVE_BUCKET: 'My_Bucket' },
      /^ARCHIVE_BUCKET must be an S3 bucket name \(3-63 lower-case letters, digits, dots, hyphens\), got "My_Bucket"/,
    ],
    ['EXPORT_ROLE_ARN', { EXPORT_ROLE_ARN: '' }, /^EXPORT_ROLE_ARN is required: an IAM role ARN/],
    ['EXPORT_ROLE_ARN', { EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:user/bob' }, /^EXPORT_ROLE_ARN must be an IAM role ARN/],
    ['EXPORT_KMS_KEY_ARN', { EXPORT_KMS_KEY_ARN: '1111-2222' }, /^EXPORT_KMS_KEY_ARN must be a KMS key ARN/],
    ['ARCHIVE_PREFIX', { ARCHIVE_PREFIX: 'a//b' }, /^ARCHIVE_PREFIX must be S3 key characters/],
    ['SNAPSHOT_TYPES', { SNAPSHOT_TYPES: 'automated,shared' }, /^SNAPSHOT_TYPES must be a comma list of automated, manual, awsbackup; not allowed: shared/],
    ['INCLUDE_DATABASES', { INCLUDE_DATABASES: 'orders db' }, /^INCLUDE_DATABASES must be a comma list of glob patterns/],
    ['NOTIFY_TOPIC_ARN', { NOTIFY_TOPIC_ARN: 'ops-topic' }, /^NOTIFY_TOPIC_ARN must be an SNS topic ARN/],
    ['MAX_CONCURRENT_EXPORTS', { MAX_CONCURRENT_EXPORTS: '9' }, /^MAX_CONCURRENT_EXPORTS must be a whole number from 1 to 5, got "9"/],
    ['LOOKBACK_DAYS', { LOOKBACK_DAYS: 'week' }, /^LOOKBACK_DAYS must be a whole number/],
    [
      'ARCHIVE_POLICY',
      { ARCHIVE_POLICY: '{"rules":[{"databases":["orders-*"],"cadence":"fortnightly"}]}' },
      /^ARCHIVE_POLICY is not a valid archive policy: policy\.rules\[0\]\.cadence must be one of/,
    ],
    ['CATALOG_ENABLED', { CATALOG_ENABLED: 'yes' }, /^CATALOG_ENABLED must be "true" or "false", got "yes"/],
  ])('names %s when it is missing or malformed', (variable, change, message) => {
    try {
      readSettings({ ...valid, ...change });
      expect.unreachable('expected a SettingsError');
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).variable).toBe(variable);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('the settings contract', () => {
  it('reports every missing and malformed variable at once', () => {
    // Act
    let error: unknown;
    try {
      readSettings({ EXPORT_ROLE_ARN: 'nope', MAX_EXPORT_ATTEMPTS: '0' });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).problems.map((p) => p.variable)).toEqual([
      'ARCHIVE_BUCKET',
      'EXPORT_ROLE_ARN',
      'EXPORT_KMS_KEY_ARN',
      'MAX_EXPORT_ATTEMPTS',
    ]);
    expect((error as Error).message).toMatch(/^4 settings are wrong:\n {2}- ARCHIVE_BUCKET is required/);
  });

  it('writes the bucket root as "/" (Lambda keeps no empty variable) and reads it back as the root', () => {
    const root = readSettings({ ...valid, ARCHIVE_PREFIX: '/' });
    expect(root.archivePrefix).toBe('');
    expect(writeSettings(root).ARCHIVE_PREFIX).toBe('/');
  });

  it('writes every setting the reader knows, under the variables it reads', () => {
    const written = writeSettings({
      ...readSettings(valid),
      includeDatabases: ['a'],
      excludeDatabases: ['b'],
      exportOnly: ['c'],
      notifyTopicArn: 'arn:aws:sns:us-east-1:123456789012:t',
      vaultAccountId: '111111111111',
    });
    expect(Object.keys(written).sort()).toEqual([...SETTING_VARIABLES].sort());
  });

  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
  const pattern = fc.stringMatching(/^[A-Za-z0-9*?-]{1,12}$/);
  const settingsArbitrary: fc.Arbitrary<Settings> = fc.record(
    {
      archiveBucket: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{1,20}[a-z0-9]$/),
      exportRoleArn: word.map((name) => `arn:aws:iam::123456789012:role/${name}`),
      exportKmsKeyArn: fc.uuid().map((id) => `arn:aws:kms:eu-west-1:123456789012:key/${id}`),
      archivePrefix: fc.constantFrom('', 'exports', 'archive/rds', 'a.b/c_d'),
      snapshotTypes: fc.uniqueArray(fc.constantFrom(...SNAPSHOT_TYPES), { minLength: 1 }),
      includeDatabases: fc.array(pattern, { maxLength: 3 }),
      excludeDatabases: fc.array(pattern, { maxLength: 3 }),
      exportOnly: fc.array(fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6}){0,2}$/), { maxLength: 3 }),
      notifyTopicArn: fc.option(
        word.map((name) => `arn:aws:sns:eu-west-1:123456789012:${name}`),
        { nil: undefined },
      ),
      archiveName: word,
      lookbackDays: fc.integer({ min: 1, max: 35 }),
      maxConcurrentExports: fc.integer({ min: 1, max: 5 }),
      maxExportAttempts: fc.integer({ min: 1, max: 10 }),
      policy: fc.record({
        defaultCadence: fc.constantFrom(...CADENCES),
        rules: fc.array(
          fc.record({
            databases: fc.array(
              pattern.map((p) => `db${p}`),
              { minLength: 1, maxLength: 2 },
            ),
            cadence: fc.constantFrom(...CADENCES),
            manualSnapshots: fc.constantFrom('always' as const, 'cadence' as const),
          }),
          { maxLength: 2 },
        ),
        exportPricePerGb: fc.constantFrom(0.01, 0.0125, 0.02),
      }),
      catalogEnabled: fc.boolean(),
    },
    {
      requiredKeys: [
        'archiveBucket',
        'exportRoleArn',
        'exportKmsKeyArn',
        'archivePrefix',
        'snapshotTypes',
        'includeDatabases',
        'excludeDatabases',
        'exportOnly',
        'archiveName',
        'lookbackDays',
        'maxConcurrentExports',
        'maxExportAttempts',
        'policy',
        'catalogEnabled',
      ],
    },
  );

  it('write then read gives back the same settings, for generated configurations', () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        // Act
        const env = writeSettings(settings);
        const read = readSettings(env);

        // Assess: no empty variable is written, and nothing is lost or changed.
        expect(Object.values(env).every((value) => value !== '')).toBe(true);
        expect(read).toEqual({ ...settings, notifyTopicArn: settings.notifyTopicArn });
      }),
      { numRuns: 300 },
    );
  });
});
