// The exporter Lambda alone: how it runs, what invokes it, where its failures go, and its role,
// whose permissions (what operating the archive takes, stacks/archive-access.ts, and its own
// logs and dead letters) are checked request by request with the test evaluator of
// support/iam-policy.ts.
import { describe, expect, it } from 'vitest';
import { archiveAccessStatements, type ArchiveAccessInputs } from '../../stacks/archive-access';
import { ExporterFunction, type ExporterFunctionProps, type ExporterWiring } from '../../stacks/exporter-function';
import { isAllowed, type IdentityStatement } from '../support/iam-policy';
import {
  addressOf,
  asList,
  onlyResource,
  resources,
  rolePolicyStatements,
  statement,
  statementsOf,
  synthConstruct,
  TEST_SCOPE,
  type Statement,
  type SynthesizedResources,
} from '../support/synthesized';

const ACCOUNT = TEST_SCOPE.accountId;
const BUCKET_ARN = `arn:aws:s3:::rds-archive-dev-${ACCOUNT}-us-east-1`;
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const EXPORT_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/rds-archive-dev-us-east-1-export`;
const EVENTS_TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:rds-archive-dev-snapshot-events`;
const NOTIFICATIONS_TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:rds-archive-dev-notifications`;
const DEAD_LETTER_QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:rds-archive-dev-dead-letters`;
const ENVIRONMENT = { ARCHIVE_BUCKET: `rds-archive-dev-${ACCOUNT}-us-east-1`, ARCHIVE_PREFIX: 'exports', ARCHIVE_NAME: 'rds-archive-dev' };

const ARCHIVE: ArchiveAccessInputs = {
  scope: TEST_SCOPE,
  exportRoleArn: EXPORT_ROLE_ARN,
  kmsKeyArn: KEY_ARN,
  bucketArn: BUCKET_ARN,
  archivePrefix: 'exports',
  notificationsTopicArn: NOTIFICATIONS_TOPIC_ARN,
  catalogArchiveName: 'rds-archive-dev',
};
const PROPS: ExporterFunctionProps = {
  scope: TEST_SCOPE,
  functionName: 'rds-archive-dev-exporter',
  roleName: 'rds-archive-dev-us-east-1-exporter',
  logRetentionDays: 365,
};
const WIRING: Omit<ExporterWiring, 'archiveAccess'> = {
  kmsKeyArn: KEY_ARN,
  topicArn: EVENTS_TOPIC_ARN,
  deadLetterQueueArn: DEAD_LETTER_QUEUE_ARN,
  asyncRetryAttempts: 2,
  reservedConcurrency: 1,
  environment: ENVIRONMENT,
};

/** The exporter deployed with the given changes to the stack's default settings. */
function exporterWith(
  changes: { props?: Partial<ExporterFunctionProps>; archive?: Partial<ArchiveAccessInputs>; wiring?: Partial<ExporterWiring> } = {},
): SynthesizedResources {
  return synthConstruct((scope) => {
    new ExporterFunction(scope, 'exporter', { ...PROPS, ...changes.props }).deploy({
      archiveAccess: archiveAccessStatements({ ...ARCHIVE, ...changes.archive }),
      ...WIRING,
      ...changes.wiring,
    });
  });
}
const functionOf = (synthesized: SynthesizedResources) =>
  onlyResource(synthesized, 'aws_lambda_function') as Record<string, unknown> & { environment: { variables: Record<string, string> } };

const defaults = exporterWith();
const fn = functionOf(defaults);
const role = addressOf(defaults, 'aws_iam_role');
const logGroup = addressOf(defaults, 'aws_cloudwatch_log_group');
const statements = rolePolicyStatements(defaults, '-exporter');

describe('ExporterFunction', () => {
  it('runs the bundled handler on nodejs22.x, arm64, from a zip asset', () => {
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', role: `\${${role}.arn}` });
    expect(fn.filename).toMatch(/^assets\/exporter_code_[0-9A-F]+\/[0-9A-F]+\/exporter\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${String(fn.filename)}")}`);
  });

  it('runs as many invocations at once as it is given (one by default), and unreserved without a number', () => {
    expect(fn).toMatchObject({ reserved_concurrent_executions: 1, memory_size: 512, timeout: 300 });
    expect(functionOf(exporterWith({ wiring: { reservedConcurrency: undefined } })).reserved_concurrent_executions).toBeUndefined();
    expect(functionOf(exporterWith({ wiring: { reservedConcurrency: 3 } })).reserved_concurrent_executions).toBe(3);
  });

  it('gives the handler the environment it is given', () => {
    expect(fn.environment.variables).toEqual(ENVIRONMENT);
  });

  it('logs to its own log group with the given retention', () => {
    expect(onlyResource(defaults, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/lambda/rds-archive-dev-exporter', retention_in_days: 365 });
    expect(fn.depends_on).toContain(logGroup);
    expect(onlyResource(exporterWith({ props: { logRetentionDays: 30 } }), 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
  });

  it('is subscribed to the snapshot events topic, which alone may invoke it', () => {
    const functionAddress = addressOf(defaults, 'aws_lambda_function');
    expect(onlyResource(defaults, 'aws_sns_topic_subscription')).toMatchObject({
      topic_arn: EVENTS_TOPIC_ARN,
      protocol: 'lambda',
      endpoint: `\${${functionAddress}.arn}`,
    });
    const permissions = resources(defaults, 'aws_lambda_permission').map((p) => ({
      principal: p.principal,
      source_arn: p.source_arn,
      action: p.action,
      function_name: p.function_name,
    }));
    expect(permissions).toEqual([
      { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', source_arn: EVENTS_TOPIC_ARN, function_name: `\${${functionAddress}.function_name}` },
    ]);
  });

  it('retries failed asynchronous invocations the given number of times, then dead-letters them', () => {
    expect(onlyResource(defaults, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 2 });
    expect(fn.dead_letter_config).toEqual({ target_arn: DEAD_LETTER_QUEUE_ARN });
    const noRetries = exporterWith({ wiring: { asyncRetryAttempts: 0 } });
    expect(onlyResource(noRetries, 'aws_lambda_function_event_invoke_config').maximum_retry_attempts).toBe(0);
  });
});

describe('the exporter role', () => {
  it('is assumed by Lambda', () => {
    const [trust] = statementsOf(onlyResource(defaults, 'aws_iam_role').assume_role_policy);
    expect(trust).toMatchObject({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
  });

  it('writes only to its own log group', () => {
    const logs = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${${logGroup}.arn}:*` })]);
  });

  it('has exactly the RDS actions the exporter needs', () => {
    const rdsActions = statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('rds:'));
    expect(rdsActions.sort()).toEqual(['rds:DescribeDBClusterSnapshots', 'rds:DescribeDBSnapshots', 'rds:DescribeExportTasks', 'rds:StartExportTask']);
    const describeSnapshots = statement(statements, 'DescribeSnapshots');
    for (const resource of asList(describeSnapshots.Resource)) {
      expect(resource).toMatch(/^arn:aws:rds:us-east-1:123456789012:(snapshot|cluster-snapshot|db|cluster):\*$/);
    }
  });

  it('passes only the export role', () => {
    expect(statement(statements, 'PassExportRoleOnly')).toMatchObject({ Action: 'iam:PassRole', Resource: EXPORT_ROLE_ARN });
  });

  it('creates key grants for AWS resources only, on the archive key only', () => {
    expect(statement(statements, 'GrantKeyToRdsOnly')).toEqual({
      Sid: 'GrantKeyToRdsOnly',
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: KEY_ARN,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(statement(statements, 'DescribeKey').Resource).toBe(KEY_ARN);
  });

  it('lets the exporter notify and dead-letter, with the key through SQS for the dead letters', () => {
    expect(statement(statements, 'NotifyOperators')).toMatchObject({ Action: 'sns:Publish', Resource: NOTIFICATIONS_TOPIC_ARN });
    expect(statement(statements, 'SendDeadLetters')).toMatchObject({ Action: 'sqs:SendMessage', Resource: DEAD_LETTER_QUEUE_ARN });
    expect(statement(statements, 'UseKeyThroughSqs')).toEqual({
      Sid: 'UseKeyThroughSqs',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: KEY_ARN,
      Condition: { StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } },
    });
  });
});

describe('exporter permissions: least privilege, checked request by request', () => {
  const identity = statements as unknown as IdentityStatement[];
  const allowed = (action: string, resource: string, context?: Record<string, string>) => isAllowed(identity, action, resource, context);
  const exportFolder = `${BUCKET_ARN}/exports/orders-db/orders-db-2026-11-25-abcdef0123`;
  const glue = `arn:aws:glue:us-east-1:${ACCOUNT}`;
  const rds = `arn:aws:rds:us-east-1:${ACCOUNT}`;
  const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
  const actionsOf = (list: Statement[]) => list.flatMap((s) => asList(s.Action));

  it('writes manifests in export folders', () => {
    expect(allowed('s3:PutObject', `${exportFolder}/archive-manifest.json`)).toBe(true);
  });

  it('does not write export data', () => {
    expect(allowed('s3:PutObject', `${exportFolder}/orders/public.orders/1/part-00000-0.gz.parquet`)).toBe(false);
  });

  it("does not write RDS's metadata files", () => {
    expect(allowed('s3:PutObject', `${exportFolder}/export_info_orders-db-2026-11-25-abcdef0123.json`)).toBe(false);
  });

  it('does not write manifests outside the archive prefix', () => {
    expect(allowed('s3:PutObject', `${BUCKET_ARN}/elsewhere/orders-db/x/archive-manifest.json`)).toBe(false);
    expect(allowed('s3:PutObject', `${BUCKET_ARN}/archive-manifest.json`)).toBe(false);
  });

  it('deletes nothing in S3', () => {
    expect(actionsOf(statements).filter((a) => /^s3:(\*|Delete)/i.test(a))).toEqual([]);
    expect(allowed('s3:DeleteObject', `${exportFolder}/archive-manifest.json`)).toBe(false);
  });

  it("reads RDS's metadata files and the manifests", () => {
    for (const key of [
      'export_info_orders-db-2026-11-25-abcdef0123.json',
      'export_tables_info_orders-db-2026-11-25-abcdef0123_from_1_to_3.json',
      'archive-manifest.json',
    ]) {
      expect(allowed('s3:GetObject', `${exportFolder}/${key}`), key).toBe(true);
    }
  });

  it('does not read the exported data', () => {
    expect(allowed('s3:GetObject', `${exportFolder}/orders/public.orders/1/part-00000-0.gz.parquet`)).toBe(false);
  });

  it('lists the archive prefix only', () => {
    expect(allowed('s3:ListBucket', BUCKET_ARN, { 's3:prefix': 'exports/orders-db/orders-db-2026-11-25-abcdef0123/' })).toBe(true);
    expect(allowed('s3:ListBucket', BUCKET_ARN, { 's3:prefix': 'athena-results/' })).toBe(false);
  });

  it('lists the whole bucket when no archive prefix is configured', () => {
    const withoutPrefix = rolePolicyStatements(exporterWith({ archive: { archivePrefix: '' } }), '-exporter');
    expect(statement(withoutPrefix, 'ListArchivePrefix')).toEqual({ Sid: 'ListArchivePrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET_ARN });
  });

  it('starts exports of its own account and region snapshots', () => {
    expect(allowed('rds:StartExportTask', `${rds}:snapshot:rds:orders-db-2026-11-25-03-10`)).toBe(true);
    expect(allowed('rds:StartExportTask', `${rds}:cluster-snapshot:ledger-manual-1`)).toBe(true);
  });

  it("does not start exports of another account's or region's snapshots", () => {
    expect(allowed('rds:StartExportTask', 'arn:aws:rds:us-east-1:999999999999:snapshot:shared-1')).toBe(false);
    expect(allowed('rds:StartExportTask', `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:orders-1`)).toBe(false);
  });

  it('describes export tasks in their own statement, the only RDS action on "*"', () => {
    expect(statement(statements, 'DescribeExports')).toEqual({ Sid: 'DescribeExports', Effect: 'Allow', Action: 'rds:DescribeExportTasks', Resource: '*' });
  });

  it('uses the archive key for data only through S3, SNS and SQS', () => {
    for (const service of ['s3', 'sns', 'sqs']) {
      expect(allowed('kms:Decrypt', KEY_ARN, { 'kms:ViaService': `${service}.us-east-1.amazonaws.com` }), service).toBe(true);
    }
    expect(allowed('kms:Decrypt', KEY_ARN, {})).toBe(false);
    expect(allowed('kms:GenerateDataKey', KEY_ARN, { 'kms:ViaService': 'lambda.us-east-1.amazonaws.com' })).toBe(false);
    expect(allowed('kms:Decrypt', KEY_ARN, { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' })).toBe(false);
  });

  it('has no statement that decrypts or makes data keys without the ViaService condition', () => {
    const unconditioned = statements
      .filter((s) => asList(s.Action).some((a) => a === 'kms:Decrypt' || a === 'kms:GenerateDataKey'))
      .filter((s) => s.Condition?.StringEquals?.['kms:ViaService'] === undefined)
      .map((s) => s.Sid);
    expect(unconditioned).toEqual([]);
  });

  it("registers in Glue only this archive's databases and tables", () => {
    expect(allowed('glue:CreateTable', `${glue}:table/rds_archive_dev_orders_db/t_orders_public_orders`)).toBe(true);
    expect(allowed('glue:CreatePartition', `${glue}:database/rds_archive_dev_orders_db`)).toBe(true);
    expect(allowed('glue:CreateDatabase', `${glue}:catalog`)).toBe(true);
    expect(allowed('glue:CreateTable', `${glue}:table/billing_prod_ledger/t_entries`)).toBe(false);
    expect(allowed('glue:GetTable', `arn:aws:glue:eu-west-1:${ACCOUNT}:table/rds_archive_dev_orders_db/t_orders`)).toBe(false);
  });

  it('grants no Glue wildcard action', () => {
    const glueActions = actionsOf(statements).filter((a) => a.startsWith('glue:'));
    expect(glueActions.filter((a) => a.includes('*'))).toEqual([]);
    expect(glueActions.sort()).toEqual(
      ['glue:CreateDatabase', 'glue:CreatePartition', 'glue:CreateTable', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetTable', 'glue:UpdateTable'].sort(),
    );
  });

  it('deletes nothing in Glue', () => {
    const glueActions = actionsOf(statements).filter((a) => a.startsWith('glue:'));
    expect(glueActions.filter((a) => /delete/i.test(a))).toEqual([]);
    expect(allowed('glue:DeleteTable', `${glue}:table/rds_archive_dev_orders_db/t_orders`)).toBe(false);
  });

  it('has no Glue permissions when the catalog is disabled', () => {
    const withoutCatalog = rolePolicyStatements(exporterWith({ archive: { catalogArchiveName: undefined } }), '-exporter');
    expect(actionsOf(withoutCatalog).filter((a) => a.startsWith('glue:'))).toEqual([]);
  });

  it('names the KMS services with the partition DNS suffix, so China regions work', () => {
    // Prepare
    const china = { partition: 'aws-cn', accountId: ACCOUNT, region: 'cn-north-1', dnsSuffix: 'amazonaws.com.cn' };

    // Act
    const chinese = rolePolicyStatements(exporterWith({ props: { scope: china }, archive: { scope: china } }), '-exporter');

    // Assess
    expect(statement(statements, 'UseKeyThroughS3AndSns').Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sns.us-east-1.amazonaws.com'] },
    });
    expect(allowed('kms:GenerateDataKey', KEY_ARN, viaS3)).toBe(true);
    expect(statement(chinese, 'UseKeyThroughS3AndSns').Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['s3.cn-north-1.amazonaws.com.cn', 'sns.cn-north-1.amazonaws.com.cn'] },
    });
  });
});
