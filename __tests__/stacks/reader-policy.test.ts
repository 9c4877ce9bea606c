// The reader policy alone: what IAM would decide for each request a reader makes (the test
// evaluator of support/iam-policy.ts, with request contexts for the conditions), and the
// construct synthesized on its own.
import { Testing, type TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ReaderPolicy, readerStatements, type ReaderAccessInputs } from '../../stacks/reader-policy';
import { isAllowed, type IdentityStatement } from '../support/iam-policy';

const ACCOUNT = '111122223333';
const BUCKET = 'arn:aws:s3:::rds-archive-prod-111122223333-eu-west-1';
const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const GLUE = `arn:aws:glue:eu-west-1:${ACCOUNT}`;
const EXPORTER = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:rds-archive-prod-exporter`;
const INPUTS: ReaderAccessInputs = {
  scope: { partition: 'aws', accountId: ACCOUNT, region: 'eu-west-1', dnsSuffix: 'amazonaws.com' },
  bucketArn: BUCKET,
  archivePrefix: 'exports',
  kmsKeyArn: KEY,
  exporterFunctionArn: EXPORTER,
  catalog: { workgroupName: 'rds-archive-prod', queryResultsPrefix: 'athena-results/', archiveName: 'rds-archive-prod' },
};
const statements = readerStatements(INPUTS) as unknown as IdentityStatement[];
const viaS3 = { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' };
const allowed = (action: string, resource: string, context: Record<string, string> = {}) => isAllowed(statements, action, resource, context);

describe('the reader policy, as IAM evaluates it', () => {
  it('lets a reader query the archive in its workgroup and read its catalog and data', () => {
    expect(allowed('athena:StartQueryExecution', `arn:aws:athena:eu-west-1:${ACCOUNT}:workgroup/rds-archive-prod`)).toBe(true);
    expect(allowed('athena:GetQueryResults', `arn:aws:athena:eu-west-1:${ACCOUNT}:workgroup/rds-archive-prod`)).toBe(true);
    expect(allowed('glue:GetDatabase', `${GLUE}:database/default`)).toBe(true);
    expect(allowed('glue:GetTable', `${GLUE}:table/rds_archive_prod_orders_db/orders_public_orders_typed`)).toBe(true);
    expect(allowed('glue:GetPartitions', `${GLUE}:table/rds_archive_prod_orders_db/orders_public_orders`)).toBe(true);
    expect(allowed('s3:ListBucket', BUCKET, { 's3:prefix': 'exports/orders-db/' })).toBe(true);
    expect(allowed('s3:GetObject', `${BUCKET}/exports/orders-db/orders-db-2026-11-20/orders/public.orders/1/part-00000-x-c000.gz.parquet`)).toBe(true);
    expect(allowed('s3:PutObject', `${BUCKET}/athena-results/7f3c.csv`)).toBe(true);
    expect(allowed('kms:Decrypt', KEY, viaS3)).toBe(true);
    expect(allowed('kms:GenerateDataKey', KEY, viaS3)).toBe(true);
    // The CLI (restore) reads the deployment's settings from the exporter, and may change nothing there.
    expect(allowed('lambda:GetFunctionConfiguration', EXPORTER)).toBe(true);
    expect(allowed('lambda:UpdateFunctionConfiguration', EXPORTER)).toBe(false);
    expect(allowed('lambda:GetFunctionConfiguration', `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:payroll`)).toBe(false);
  });

  it('lets a reader write no export, delete nothing, change no catalog and use no other workgroup', () => {
    expect(allowed('s3:PutObject', `${BUCKET}/exports/orders-db/orders-db-2026-11-20/archive-manifest.json`)).toBe(false);
    expect(allowed('s3:DeleteObject', `${BUCKET}/exports/orders-db/orders-db-2026-11-20/export_info_x.json`)).toBe(false);
    expect(allowed('s3:DeleteObjectVersion', `${BUCKET}/athena-results/7f3c.csv`)).toBe(false);
    expect(allowed('s3:PutBucketPolicy', BUCKET)).toBe(false);
    for (const action of ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable', 'glue:CreatePartition', 'glue:CreateDatabase']) {
      expect(allowed(action, `${GLUE}:table/rds_archive_prod_orders_db/orders_public_orders`)).toBe(false);
    }
    expect(allowed('athena:StartQueryExecution', `arn:aws:athena:eu-west-1:${ACCOUNT}:workgroup/primary`)).toBe(false);
    expect(allowed('glue:GetTable', `${GLUE}:table/payroll/salaries`)).toBe(false);
  });

  it('lets a reader read no other bucket and use the key only through S3', () => {
    expect(allowed('s3:GetObject', 'arn:aws:s3:::another-bucket/exports/x.parquet')).toBe(false);
    expect(allowed('s3:ListBucket', 'arn:aws:s3:::another-bucket', { 's3:prefix': 'exports/' })).toBe(false);
    expect(allowed('s3:ListBucket', BUCKET, { 's3:prefix': 'private/' })).toBe(false);
    expect(allowed('kms:Decrypt', KEY, { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' })).toBe(false);
    expect(allowed('kms:Decrypt', KEY)).toBe(false);
  });

  it('keeps S3 read only without the catalog: no Athena, no Glue, no query results', () => {
    const s3Only = readerStatements({ ...INPUTS, catalog: undefined }) as unknown as IdentityStatement[];
    expect(isAllowed(s3Only, 's3:GetObject', `${BUCKET}/exports/orders-db/x/1/part.parquet`, {})).toBe(true);
    expect(isAllowed(s3Only, 'athena:StartQueryExecution', `arn:aws:athena:eu-west-1:${ACCOUNT}:workgroup/rds-archive-prod`, {})).toBe(false);
    expect(isAllowed(s3Only, 'glue:GetTable', `${GLUE}:table/rds_archive_prod_orders_db/orders_public_orders`, {})).toBe(false);
    expect(isAllowed(s3Only, 's3:PutObject', `${BUCKET}/athena-results/x.csv`, {})).toBe(false);
  });
});

describe('ReaderPolicy', () => {
  it('synthesizes one managed policy holding exactly the reader statements', () => {
    // Act
    const synthesized = JSON.parse(
      Testing.synthScope((scope) => {
        new ReaderPolicy(scope as TerraformStack, 'reader', { ...INPUTS, baseName: 'rds-archive-prod', policyName: 'rds-archive-prod-eu-west-1-reader' });
      }),
    ) as { resource: { aws_iam_policy: Record<string, { name: string; policy: string }> } };

    // Assess
    const policies = Object.values(synthesized.resource.aws_iam_policy);
    expect(policies).toHaveLength(1);
    expect(policies[0]!.name).toBe('rds-archive-prod-eu-west-1-reader');
    expect(JSON.parse(policies[0]!.policy).Statement).toEqual(readerStatements(INPUTS));
  });
});
