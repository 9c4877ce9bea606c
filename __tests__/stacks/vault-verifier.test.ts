// The vault verifier alone: its entry in the bundle, what invokes it (S3 for new handovers of each
// source), and a role that reads metadata and handovers, writes manifests and records, and nothing else.
import { describe, expect, it } from 'vitest';
import { VAULT_VERIFIER_HANDLER } from '../../handler/contract';
import { VaultVerifier, type VaultVerifierProps } from '../../stacks/vault-verifier';
import { asList, onlyResource, resources, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const BUCKET_ARN = 'arn:aws:s3:::rds-archive-dev-123456789012-us-east-1';
const PROPS: VaultVerifierProps = {
  scope: TEST_SCOPE,
  functionName: 'rds-archive-dev-vault-verifier',
  roleName: 'rds-archive-dev-us-east-1-verifier',
  logRetentionDays: 365,
  bucketName: 'rds-archive-dev-123456789012-us-east-1',
  bucketArn: BUCKET_ARN,
  archivePrefix: 'exports',
  handoverPrefixes: ['exports/222222222222/_archive/handovers/', 'exports/333333333333/_archive/handovers/'],
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  notificationsTopicArn: 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:rds-archive-dev-vault-dead-letters',
  asyncRetryAttempts: 2,
  catalogArchiveName: 'rds-archive-dev',
  environment: { ARCHIVE_BUCKET: 'rds-archive-dev-123456789012-us-east-1', SOURCE_ACCOUNT_IDS: '222222222222,333333333333' },
};
const synthesized = synthConstruct((scope) => new VaultVerifier(scope, 'verifier', PROPS));
const fn = onlyResource(synthesized, 'aws_lambda_function');
const policy = statementsOf(onlyResource(synthesized, 'aws_iam_role_policy').policy);

describe('VaultVerifier', () => {
  it('runs vault-record.handler of the same zip as the exporter, with the settings it is given', () => {
    expect(VAULT_VERIFIER_HANDLER).toBe('vault-record.handler');
    expect(fn).toMatchObject({ handler: 'vault-record.handler', runtime: 'nodejs22.x', environment: { variables: PROPS.environment } });
    expect(String(fn.filename)).toMatch(/exporter\.zip$/);
  });

  it('is invoked by S3 for each new JSON under each source’s handover folder, and only the vault bucket may invoke it', () => {
    const notification = onlyResource(synthesized, 'aws_s3_bucket_notification');
    expect(notification.bucket).toBe(PROPS.bucketName);
    expect((notification.lambda_function as Array<Record<string, unknown>>).map((f) => [f.filter_prefix, f.filter_suffix, f.events])).toEqual([
      ['exports/222222222222/_archive/handovers/', '.json', ['s3:ObjectCreated:*']],
      ['exports/333333333333/_archive/handovers/', '.json', ['s3:ObjectCreated:*']],
    ]);
    expect(onlyResource(synthesized, 'aws_lambda_permission')).toMatchObject({
      principal: 's3.amazonaws.com',
      source_arn: BUCKET_ARN,
      source_account: '123456789012',
    });
  });

  it('reads handovers and export metadata, never the data, and writes manifests and records only', () => {
    expect(asList(statement(policy, 'ReadHandoversAndExportMetadata').Resource)).toEqual([
      `${BUCKET_ARN}/exports/*/_archive/handovers/*`,
      `${BUCKET_ARN}/exports/*/export_info_*.json`,
      `${BUCKET_ARN}/exports/*/export_tables_info_*.json`,
      `${BUCKET_ARN}/exports/*/archive-manifest.json`,
    ]);
    expect(statement(policy, 'WriteManifestsOnly').Resource).toBe(`${BUCKET_ARN}/exports/*/archive-manifest.json`);
    expect(asList(statement(policy, 'ReadWriteRecords').Resource)).toEqual([
      `${BUCKET_ARN}/exports/*/_archive/verified-exports.json`,
      `${BUCKET_ARN}/exports/_archive/vault-cursor.json`,
    ]);
    const writes = policy.filter((s) => asList(s.Action).some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete')));
    expect(writes.map((s) => s.Sid)).toEqual(['WriteManifestsOnly', 'ReadWriteRecords']);
  });

  it('registers in Glue only with the catalog on, and uses the key only through S3, SNS and SQS', () => {
    expect(statement(policy, 'RegisterInCatalog').Resource).toContain('arn:aws:glue:us-east-1:123456789012:database/rds_archive_dev_*');
    const off = synthConstruct((scope) => new VaultVerifier(scope, 'verifier', { ...PROPS, catalogArchiveName: undefined }));
    expect(statementsOf(onlyResource(off, 'aws_iam_role_policy').policy).map((s) => s.Sid)).not.toContain('RegisterInCatalog');
    expect(statement(policy, 'UseKeyThroughS3SnsAndSqs').Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sns.us-east-1.amazonaws.com', 'sqs.us-east-1.amazonaws.com'] },
    });
  });

  it('alarms on its errors', () => {
    expect(resources(synthesized, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name)).toEqual(['rds-archive-dev-vault-verifier-errors']);
  });
});
