import { describe, expect, it } from 'vitest';
import { readSettings, SettingsError } from '../../handler/settings';

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
      archivePrefix: '',
      snapshotTypes: ['automated', 'manual'],
      includeDatabases: [],
      excludeDatabases: [],
      exportOnly: [],
      notifyTopicArn: undefined,
      archiveName: 'rds-snapshot-archive',
      lookbackDays: 7,
      maxConcurrentExports: 5,
      maxExportAttempts: 3,
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
    ['ARCHIVE_BUCKET', { ARCHIVE_BUCKET: 'My_Bucket' }, /^ARCHIVE_BUCKET must be an S3 bucket name, got "My_Bucket"/],
    ['EXPORT_ROLE_ARN', { EXPORT_ROLE_ARN: '' }, /^EXPORT_ROLE_ARN is required: an IAM role ARN/],
    ['EXPORT_ROLE_ARN', { EXPORT_ROLE_ARN: 'arn:aws:iam::123456789012:user/bob' }, /^EXPORT_ROLE_ARN must be an IAM role ARN/],
    ['EXPORT_KMS_KEY_ARN', { EXPORT_KMS_KEY_ARN: '1111-2222' }, /^EXPORT_KMS_KEY_ARN must be a KMS key ARN/],
    ['ARCHIVE_PREFIX', { ARCHIVE_PREFIX: 'a//b' }, /^ARCHIVE_PREFIX must be S3 key characters/],
    ['SNAPSHOT_TYPES', { SNAPSHOT_TYPES: 'automated,shared' }, /^SNAPSHOT_TYPES must be a comma list of automated, manual, awsbackup; not allowed: shared/],
    ['INCLUDE_DATABASES', { INCLUDE_DATABASES: 'orders db' }, /^INCLUDE_DATABASES must be comma-separated glob patterns/],
    ['NOTIFY_TOPIC_ARN', { NOTIFY_TOPIC_ARN: 'ops-topic' }, /^NOTIFY_TOPIC_ARN must be an SNS topic ARN/],
    ['MAX_CONCURRENT_EXPORTS', { MAX_CONCURRENT_EXPORTS: '9' }, /^MAX_CONCURRENT_EXPORTS must be a whole number from 1 to 5, got "9"/],
    ['LOOKBACK_DAYS', { LOOKBACK_DAYS: 'week' }, /^LOOKBACK_DAYS must be a whole number/],
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
