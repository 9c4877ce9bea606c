import { describe, expect, it } from 'vitest';
import { Testing } from 'cdktf';
import { ArchiveStack } from '../stacks/archive-stack';
import { isAllowed, type IdentityStatement } from './support/iam-policy';
import { asList, configFrom, onlyResource, resources, statement, statementsOf, synthStack, type Statement } from './support/synth';

const defaults = synthStack();
const ref = (type: string, stack = defaults) => {
  const ids = Object.keys(stack.resource[type] ?? {});
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return `${type}.${ids[0]}`;
};
const keyArn = `\${${ref('aws_kms_key')}.arn}`;
const bucketArn = `\${${ref('aws_s3_bucket')}.arn}`;
const account = '${data.aws_caller_identity.account.account_id}';
const partition = '${data.aws_partition.partition.partition}';
const dnsSuffix = '${data.aws_partition.partition.dns_suffix}';

/** The resource of a type whose `name` ends with `suffix`, and its Terraform address. */
function named(stack: typeof defaults, type: string, suffix: string): { address: string; resource: Record<string, unknown> } {
  const entries = Object.entries(stack.resource[type] ?? {}).filter(([, r]) => String(r.name).endsWith(suffix));
  if (entries.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${entries.length}`);
  return { address: `${type}.${entries[0]![0]}`, resource: entries[0]![1] };
}
const eventsTopic = named(defaults, 'aws_sns_topic', '-snapshot-events');
const eventsTopicArn = `\${${eventsTopic.address}.arn}`;
const notificationsTopic = named(defaults, 'aws_sns_topic', '-notifications');
const notificationsTopicArn = `\${${notificationsTopic.address}.arn}`;

function roleNamed(stack: typeof defaults, suffix: string): { id: string; role: Record<string, unknown> } {
  const entries = Object.entries(stack.resource.aws_iam_role ?? {}).filter(([, r]) => String(r.name).endsWith(suffix));
  if (entries.length !== 1) throw new Error(`expected one role named *${suffix}`);
  return { id: entries[0]![0], role: entries[0]![1] };
}
function policyOfRole(stack: typeof defaults, roleId: string): Statement[] {
  const policies = resources(stack, 'aws_iam_role_policy').filter((p) => p.role === `\${aws_iam_role.${roleId}.name}`);
  expect(policies).toHaveLength(1);
  return statementsOf(policies[0]!.policy);
}
const exportRole = roleNamed(defaults, '-export');
const exporterRole = roleNamed(defaults, '-exporter');

describe('KMS key', () => {
  const key = onlyResource(defaults, 'aws_kms_key');
  const policy = statementsOf(key.policy);

  it('rotates and has an alias', () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(onlyResource(defaults, 'aws_kms_alias')).toMatchObject({ name: 'alias/rds-archive-dev', target_key_id: `\${${ref('aws_kms_key')}.key_id}` });
  });

  it('keeps the account in control', () => {
    expect(statement(policy, 'AccountControlsTheKey')).toMatchObject({ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` } });
  });

  it('lets the exporter create grants for AWS resources only', () => {
    expect(statement(policy, 'ExporterGrantsToRdsOnly')).toMatchObject({
      Principal: { AWS: `\${aws_iam_role.${exporterRole.id}.arn}` },
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  it("lets RDS's event service publish to the encrypted topic, for this account only", () => {
    expect(statement(policy, 'RdsEventsPublishToEncryptedTopic')).toMatchObject({
      Principal: { Service: 'events.rds.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
  });

  it('lets the export role encrypt exports', () => {
    const s = statement(policy, 'ExportRoleEncryptsExports');
    expect(s.Principal).toEqual({ AWS: `\${aws_iam_role.${exportRole.id}.arn}` });
    expect(s.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Encrypt']));
  });

  it('lets CloudWatch alarms publish to the encrypted notifications topic, for this account only', () => {
    expect(statement(policy, 'CloudWatchAlarmsPublishToEncryptedTopic')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
  });

  it('grants no one else', () => {
    expect(policy.map((s) => s.Sid).sort()).toEqual(
      [
        'AccountControlsTheKey',
        'CloudWatchAlarmsPublishToEncryptedTopic',
        'ExportRoleEncryptsExports',
        'ExporterGrantsToRdsOnly',
        'RdsEventsPublishToEncryptedTopic',
      ].sort(),
    );
  });

  it('is not created when an existing key is configured, and that key is used everywhere', () => {
    const existing = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const stack = synthStack(configFrom({ existingKmsKeyArns: { 'us-east-1': existing } }));
    expect(resources(stack, 'aws_kms_key')).toHaveLength(0);
    for (const topic of resources(stack, 'aws_sns_topic')) expect(topic.kms_master_key_id).toBe(existing);
    expect(onlyResource(stack, 'aws_sqs_queue').kms_master_key_id).toBe(existing);
    const fn = onlyResource(stack, 'aws_lambda_function') as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.EXPORT_KMS_KEY_ARN).toBe(existing);
  });
});

describe('archive bucket', () => {
  it('is named per account and region and never force-destroyed', () => {
    const bucket = onlyResource(defaults, 'aws_s3_bucket');
    expect(bucket.bucket).toBe(`rds-archive-dev-${account}-us-east-1`);
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.object_lock_enabled).toBe(false);
  });

  it('encrypts with the archive key and bucket keys', () => {
    expect(onlyResource(defaults, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true },
    ]);
  });

  it('is versioned, blocks all public access and enforces object ownership', () => {
    expect(onlyResource(defaults, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(defaults, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(defaults, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('denies every request without TLS', () => {
    const [deny, ...others] = statementsOf(onlyResource(defaults, 'aws_s3_bucket_policy').policy);
    expect(others).toHaveLength(0);
    expect(deny).toEqual({
      Sid: 'DenyRequestsWithoutTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('applies the default lifecycle and aborts incomplete uploads', () => {
    const [rule] = onlyResource(defaults, 'aws_s3_bucket_lifecycle_configuration').rule as Record<string, unknown>[];
    expect(rule).toMatchObject({
      id: 'archive-exports',
      status: 'Enabled',
      transition: [{ days: 30, storage_class: 'GLACIER_IR' }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    expect(rule).not.toHaveProperty('expiration');
  });

  it("moves only the archive prefix's objects to the archive storage class", () => {
    // Prepare
    const lifecycleRules = (stack: typeof defaults) => onlyResource(stack, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    // Act
    const withoutPrefix = synthStack(configFrom({ archivePrefix: '' }));
    // Assess
    expect(lifecycleRules(defaults)[0]!.filter).toEqual([{ prefix: 'exports/' }]);
    expect(lifecycleRules(withoutPrefix)[0]!.filter).toEqual([{ prefix: '' }]);
  });

  it('expires Athena query results after 30 days and never moves them to another storage class', () => {
    // Prepare
    const rules = onlyResource(defaults, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    // Act
    const results = rules.filter((r) => r.id === 'athena-query-results');
    // Assess
    expect(results).toEqual([
      {
        id: 'athena-query-results',
        status: 'Enabled',
        filter: [{ prefix: 'athena-results/' }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 1 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
  });

  it('has no rule for query results when the catalog is disabled', () => {
    const stack = synthStack(configFrom({ catalog: { enabled: false } }));
    const rules = onlyResource(stack, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rules.map((r) => r.id)).toEqual(['archive-exports']);
  });

  it('applies a configured lifecycle with expiration', () => {
    const stack = synthStack(
      configFrom({
        lifecycle: { transitionStorageClass: 'DEEP_ARCHIVE', transitionAfterDays: 180, expirationDays: 3650, noncurrentVersionExpirationDays: 7 },
        catalog: { enabled: false },
      }),
    );
    const [rule] = onlyResource(stack, 'aws_s3_bucket_lifecycle_configuration').rule as Record<string, unknown>[];
    expect(rule).toMatchObject({
      transition: [{ days: 180, storage_class: 'DEEP_ARCHIVE' }],
      expiration: [{ days: 3650 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
  });

  it('has no Object Lock unless configured, and the configured retention when it is', () => {
    expect(resources(defaults, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(0);
    const stack = synthStack(configFrom({ objectLock: { mode: 'COMPLIANCE', days: 400 } }));
    expect(onlyResource(stack, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(onlyResource(stack, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 400 } });
  });

  it('is not created when an existing bucket is configured; exports and permissions go to that bucket', () => {
    const stack = synthStack(configFrom({ existingBucketNames: { 'us-east-1': 'acme-rds-archive' } }));
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration']) {
      expect(resources(stack, type)).toHaveLength(0);
    }
    const fn = onlyResource(stack, 'aws_lambda_function') as { environment: { variables: Record<string, string> } };
    expect(fn.environment.variables.ARCHIVE_BUCKET).toBe('acme-rds-archive');
    const role = roleNamed(stack, '-export');
    const list = statement(policyOfRole(stack, role.id), 'ListArchiveBucket');
    expect(list.Resource).toBe(`arn:${partition}:s3:::acme-rds-archive`);
  });
});

describe('export role', () => {
  const statements = policyOfRole(defaults, exportRole.id);

  it('is trusted only by the RDS export service, for this account', () => {
    expect(statementsOf(exportRole.role.assume_role_policy)).toEqual([
      {
        Sid: 'RdsExportServiceOnly',
        Effect: 'Allow',
        Principal: { Service: 'export.rds.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ]);
  });

  it('reaches only the archive bucket and its prefix', () => {
    expect(statement(statements, 'ListArchiveBucket').Resource).toBe(bucketArn);
    expect(statement(statements, 'WriteExportObjects').Resource).toBe(`${bucketArn}/exports/*`);
  });

  it('writes the whole bucket when no prefix is configured', () => {
    const stack = synthStack(configFrom({ archivePrefix: '' }));
    const role = roleNamed(stack, '-export');
    expect(statement(policyOfRole(stack, role.id), 'WriteExportObjects').Resource).toBe(`\${${ref('aws_s3_bucket', stack)}.arn}/*`);
  });

  it('cannot delete object versions', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions).not.toContain('s3:DeleteObjectVersion');
    expect(actions).toContain('s3:PutObject');
  });

  it('uses only the archive key', () => {
    expect(statement(statements, 'EncryptExportObjects').Resource).toBe(keyArn);
  });
});

describe('exporter role', () => {
  const statements = policyOfRole(defaults, exporterRole.id);
  const logGroup = ref('aws_cloudwatch_log_group');

  it('is assumed by Lambda', () => {
    const [trust] = statementsOf(exporterRole.role.assume_role_policy);
    expect(trust).toMatchObject({ Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });
  });

  it('writes only to its own log group', () => {
    const logs = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `\${${logGroup}.arn}:*` })]);
  });

  it('has exactly the RDS actions the exporter needs', () => {
    const rdsActions = statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith('rds:'));
    expect(rdsActions.sort()).toEqual(['rds:DescribeDBClusterSnapshots', 'rds:DescribeDBSnapshots', 'rds:DescribeExportTasks', 'rds:StartExportTask']);
    const describe = statement(statements, 'DescribeSnapshots');
    for (const resource of asList(describe.Resource)) {
      expect(resource).toMatch(
        /^arn:\$\{data\.aws_partition\.partition\.partition\}:rds:us-east-1:\$\{data\.aws_caller_identity\.account\.account_id\}:(snapshot|cluster-snapshot|db|cluster):\*$/,
      );
    }
  });

  it('passes only the export role', () => {
    expect(statement(statements, 'PassExportRoleOnly')).toMatchObject({ Action: 'iam:PassRole', Resource: `\${aws_iam_role.${exportRole.id}.arn}` });
  });

  it('creates key grants for AWS resources only, on the archive key only', () => {
    expect(statement(statements, 'GrantKeyToRdsOnly')).toEqual({
      Sid: 'GrantKeyToRdsOnly',
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(statement(statements, 'DescribeKey').Resource).toBe(keyArn);
  });
});

describe('exporter permissions: least privilege, checked request by request', () => {
  const statements = policyOfRole(defaults, exporterRole.id) as unknown as IdentityStatement[];
  const exportFolder = `${bucketArn}/exports/orders-db/orders-db-2026-11-25-abcdef0123`;
  const glue = `arn:${partition}:glue:us-east-1:${account}`;
  const rds = `arn:${partition}:rds:us-east-1:${account}`;
  const viaS3 = { 'kms:ViaService': `s3.us-east-1.${dnsSuffix}` };

  it('writes manifests in export folders', () => {
    expect(isAllowed(statements, 's3:PutObject', `${exportFolder}/archive-manifest.json`)).toBe(true);
  });

  it('does not write export data', () => {
    expect(isAllowed(statements, 's3:PutObject', `${exportFolder}/orders/public.orders/1/part-00000-0.gz.parquet`)).toBe(false);
  });

  it("does not write RDS's metadata files", () => {
    expect(isAllowed(statements, 's3:PutObject', `${exportFolder}/export_info_orders-db-2026-11-25-abcdef0123.json`)).toBe(false);
  });

  it('does not write manifests outside the archive prefix', () => {
    expect(isAllowed(statements, 's3:PutObject', `${bucketArn}/elsewhere/orders-db/x/archive-manifest.json`)).toBe(false);
    expect(isAllowed(statements, 's3:PutObject', `${bucketArn}/archive-manifest.json`)).toBe(false);
  });

  it('deletes nothing in S3', () => {
    const deletes = statements.flatMap((s) => asList(s.Action as string | string[])).filter((a) => /^s3:(\*|Delete)/i.test(a));
    expect(deletes).toEqual([]);
    expect(isAllowed(statements, 's3:DeleteObject', `${exportFolder}/archive-manifest.json`)).toBe(false);
  });

  it("reads RDS's metadata files and the manifests", () => {
    for (const key of [
      'export_info_orders-db-2026-11-25-abcdef0123.json',
      'export_tables_info_orders-db-2026-11-25-abcdef0123_from_1_to_3.json',
      'archive-manifest.json',
    ]) {
      expect(isAllowed(statements, 's3:GetObject', `${exportFolder}/${key}`), key).toBe(true);
    }
  });

  it('does not read the exported data', () => {
    expect(isAllowed(statements, 's3:GetObject', `${exportFolder}/orders/public.orders/1/part-00000-0.gz.parquet`)).toBe(false);
  });

  it('lists the archive prefix only', () => {
    expect(isAllowed(statements, 's3:ListBucket', bucketArn, { 's3:prefix': 'exports/orders-db/orders-db-2026-11-25-abcdef0123/' })).toBe(true);
    expect(isAllowed(statements, 's3:ListBucket', bucketArn, { 's3:prefix': 'athena-results/' })).toBe(false);
  });

  it('lists the whole bucket when no archive prefix is configured', () => {
    const stack = synthStack(configFrom({ archivePrefix: '' }));
    const list = statement(policyOfRole(stack, roleNamed(stack, '-exporter').id), 'ListArchivePrefix');
    expect(list).toEqual({ Sid: 'ListArchivePrefix', Effect: 'Allow', Action: 's3:ListBucket', Resource: `\${${ref('aws_s3_bucket', stack)}.arn}` });
  });

  it('starts exports of its own account and region snapshots', () => {
    expect(isAllowed(statements, 'rds:StartExportTask', `${rds}:snapshot:rds:orders-db-2026-11-25-03-10`)).toBe(true);
    expect(isAllowed(statements, 'rds:StartExportTask', `${rds}:cluster-snapshot:ledger-manual-1`)).toBe(true);
  });

  it("does not start exports of another account's or region's snapshots", () => {
    expect(isAllowed(statements, 'rds:StartExportTask', `arn:${partition}:rds:us-east-1:999999999999:snapshot:shared-1`)).toBe(false);
    expect(isAllowed(statements, 'rds:StartExportTask', `arn:${partition}:rds:eu-west-1:${account}:snapshot:orders-1`)).toBe(false);
  });

  it('describes export tasks in their own statement, the only RDS action on "*"', () => {
    expect(statement(statements as unknown as Statement[], 'DescribeExports')).toEqual({
      Sid: 'DescribeExports',
      Effect: 'Allow',
      Action: 'rds:DescribeExportTasks',
      Resource: '*',
    });
  });

  it('uses the archive key for data only through S3, SNS and SQS', () => {
    for (const service of ['s3', 'sns', 'sqs']) {
      expect(isAllowed(statements, 'kms:Decrypt', keyArn, { 'kms:ViaService': `${service}.us-east-1.${dnsSuffix}` }), service).toBe(true);
    }
    expect(isAllowed(statements, 'kms:Decrypt', keyArn, {})).toBe(false);
    expect(isAllowed(statements, 'kms:GenerateDataKey', keyArn, { 'kms:ViaService': `lambda.us-east-1.${dnsSuffix}` })).toBe(false);
    expect(isAllowed(statements, 'kms:Decrypt', keyArn, { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' })).toBe(false);
  });

  it('has no statement that decrypts or makes data keys without the ViaService condition', () => {
    const unconditioned = (statements as unknown as Statement[])
      .filter((s) => asList(s.Action).some((a) => a === 'kms:Decrypt' || a === 'kms:GenerateDataKey'))
      .filter((s) => s.Condition?.StringEquals?.['kms:ViaService'] === undefined)
      .map((s) => s.Sid);
    expect(unconditioned).toEqual([]);
  });

  it("registers in Glue only this archive's databases and tables", () => {
    expect(isAllowed(statements, 'glue:CreateTable', `${glue}:table/rds_archive_dev_orders_db/t_orders_public_orders`)).toBe(true);
    expect(isAllowed(statements, 'glue:CreatePartition', `${glue}:database/rds_archive_dev_orders_db`)).toBe(true);
    expect(isAllowed(statements, 'glue:CreateDatabase', `${glue}:catalog`)).toBe(true);
    expect(isAllowed(statements, 'glue:CreateTable', `${glue}:table/billing_prod_ledger/t_entries`)).toBe(false);
    expect(isAllowed(statements, 'glue:GetTable', `arn:${partition}:glue:eu-west-1:${account}:table/rds_archive_dev_orders_db/t_orders`)).toBe(false);
  });

  it('grants no Glue wildcard action', () => {
    const glueActions = statements.flatMap((s) => asList(s.Action as string | string[])).filter((a) => a.startsWith('glue:'));
    expect(glueActions.filter((a) => a.includes('*'))).toEqual([]);
    expect(glueActions.sort()).toEqual(
      ['glue:CreateDatabase', 'glue:CreatePartition', 'glue:CreateTable', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetTable', 'glue:UpdateTable'].sort(),
    );
  });

  it('deletes nothing in Glue', () => {
    const glueActions = statements.flatMap((s) => asList(s.Action as string | string[])).filter((a) => a.startsWith('glue:'));
    expect(glueActions.filter((a) => /delete/i.test(a))).toEqual([]);
    expect(isAllowed(statements, 'glue:DeleteTable', `${glue}:table/rds_archive_dev_orders_db/t_orders`)).toBe(false);
  });

  it('has no Glue permissions when the catalog is disabled', () => {
    const stack = synthStack(configFrom({ catalog: { enabled: false } }));
    const actions = policyOfRole(stack, roleNamed(stack, '-exporter').id).flatMap((s) => asList(s.Action));
    expect(actions.filter((a) => a.startsWith('glue:'))).toEqual([]);
  });

  it('names the KMS services with the partition DNS suffix, so China regions work', () => {
    expect(statement(statements as unknown as Statement[], 'UseKeyThroughS3AndSns').Condition).toEqual({
      StringEquals: { 'kms:ViaService': [`s3.us-east-1.${dnsSuffix}`, `sns.us-east-1.${dnsSuffix}`] },
    });
    expect(isAllowed(statements, 'kms:GenerateDataKey', keyArn, viaS3)).toBe(true);
  });
});

/** The id of the managed policy whose name ends in `-<purpose>`. */
const managedPolicyId = (purpose: string) => Object.entries(defaults.resource.aws_iam_policy ?? {}).find(([, p]) => String(p.name).endsWith(`-${purpose}`))![0];

describe('operator policy', () => {
  const policy = defaults.resource.aws_iam_policy![managedPolicyId('operator')]!;
  const operator = statementsOf(policy.policy);
  const exporter = policyOfRole(defaults, exporterRole.id);
  const exporterOnly = ['WriteOwnLogs', 'SendDeadLetters', 'UseKeyThroughSqs'];

  it('names its IAM roles and policy per region, so two regions of one account can both deploy', () => {
    // Prepare
    const config = configFrom({ regions: ['us-east-1', 'eu-west-1'] });

    // Act
    const names = config.regions.map((region) =>
      [...resources(synthStack(config, region), 'aws_iam_role'), ...resources(synthStack(config, region), 'aws_iam_policy')].map((r) => String(r.name)),
    );

    // Assess
    expect(names[0]).toEqual(
      expect.arrayContaining([
        'rds-archive-dev-us-east-1-export',
        'rds-archive-dev-us-east-1-exporter',
        'rds-archive-dev-us-east-1-operator',
        'rds-archive-dev-us-east-1-reader',
      ]),
    );
    expect(names[0]!.filter((name) => names[1]!.includes(name))).toEqual([]);
  });

  it('is named after the deployment and says what it is for', () => {
    expect(policy.name).toBe('rds-archive-dev-us-east-1-operator');
    expect(String(policy.description)).toMatch(/npm run archive/);
  });

  it('holds every statement the exporter shares with operators, unchanged', () => {
    const shared = exporter.filter((s) => !exporterOnly.includes(s.Sid));
    expect(shared.length).toBeGreaterThan(10);
    for (const s of shared) expect(operator, s.Sid).toContainEqual(s);
  });

  it("adds reading the exporter's configuration and listing functions, and nothing else", () => {
    const extra = operator.filter((s) => !exporter.some((e) => e.Sid === s.Sid));
    expect(extra).toEqual([
      { Sid: 'ReadExporterConfiguration', Effect: 'Allow', Action: 'lambda:GetFunctionConfiguration', Resource: `\${${ref('aws_lambda_function')}.arn}` },
      { Sid: 'ListExporterFunctions', Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' },
    ]);
  });

  it("has none of the exporter's own logs, dead-letter or SQS key permissions", () => {
    expect(operator.map((s) => s.Sid).filter((sid) => exporterOnly.includes(sid))).toEqual([]);
  });
});

describe('Athena workgroup', () => {
  const workgroup = onlyResource(defaults, 'aws_athena_workgroup');

  it('is named after the deployment and never force-destroyed', () => {
    expect(workgroup).toMatchObject({ name: 'rds-archive-dev', force_destroy: false });
  });

  it('writes results to the archive bucket, encrypted with the archive key', () => {
    expect((workgroup.configuration as Record<string, unknown>).result_configuration).toEqual({
      output_location: `s3://\${${ref('aws_s3_bucket')}.bucket}/athena-results/`,
      encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: keyArn },
    });
  });

  it('pins Athena engine version 3, which the typed views are written for', () => {
    expect(workgroup.configuration).toMatchObject({ engine_version: { selected_engine_version: 'Athena engine version 3' } });
  });

  it('enforces its configuration, publishes metrics and limits the bytes a query scans', () => {
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: 107_374_182_400,
    });
    const stack = synthStack(configFrom({ catalog: { bytesScannedCutoffPerQuery: 10_737_418_240 } }));
    expect(onlyResource(stack, 'aws_athena_workgroup').configuration).toMatchObject({ bytes_scanned_cutoff_per_query: 10_737_418_240 });
  });

  it('is not created when the catalog is disabled', () => {
    expect(resources(synthStack(configFrom({ catalog: { enabled: false } })), 'aws_athena_workgroup')).toHaveLength(0);
  });
});

describe('archive health alarms', () => {
  const alarms = resources(defaults, 'aws_cloudwatch_metric_alarm');
  const lag = alarms.find((a) => a.alarm_name === 'rds-archive-dev-archive-lag')!;
  const incomplete = alarms.find((a) => a.alarm_name === 'rds-archive-dev-exports-incomplete')!;

  it("watch the archive's overall lag, the maximum over one reconciliation period", () => {
    expect(lag).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ArchiveLagHours',
      dimensions: { Archive: 'rds-archive-dev' },
      statistic: 'Maximum',
      period: 3600,
      evaluation_periods: 1,
    });
  });

  it('fire on a lag above maxLagHours, and leave missing data to the reconciliation-silent alarm', () => {
    expect(lag).toMatchObject({ threshold: 48, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
  });

  it('follow the configured reconciliation period and maximum lag', () => {
    const stack = synthStack(configFrom({ reconciliation: { everyMinutes: 15, maxLagHours: 6 } }));
    const configured = resources(stack, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === 'rds-archive-dev-archive-lag');
    expect(configured).toMatchObject({ period: 900, threshold: 6 });
  });

  it('fire on any incomplete export in a period', () => {
    expect(incomplete).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ExportsIncomplete',
      dimensions: { Archive: 'rds-archive-dev' },
      statistic: 'Sum',
      period: 3600,
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
    });
  });

  it('notify the notifications topic when they fire and when they clear', () => {
    for (const alarm of [lag, incomplete]) expect(alarm).toMatchObject({ alarm_actions: [notificationsTopicArn], ok_actions: [notificationsTopicArn] });
  });
});

describe('no wildcards where IAM offers better', () => {
  const allowStatements: Array<{ where: string; s: Statement }> = [];
  for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
    for (const policy of resources(defaults, type)) {
      for (const s of statementsOf(policy.policy)) allowStatements.push({ where: String(policy.name), s });
    }
  }
  for (const [type, attribute] of [
    ['aws_sns_topic_policy', 'policy'],
    ['aws_kms_key', 'policy'],
  ] as const) {
    for (const r of resources(defaults, type)) for (const s of statementsOf(r[attribute])) allowStatements.push({ where: type, s });
  }

  it('grants no wildcard action, except the account-control statement AWS requires in key policies', () => {
    const wildcards = allowStatements
      .filter(({ s }) => s.Effect === 'Allow' && asList(s.Action).some((a) => a.includes('*')))
      .map(({ where, s }) => `${where}/${s.Sid}`);
    expect(wildcards).toEqual(['aws_kms_key/AccountControlsTheKey']);
  });

  it('uses Resource "*" in IAM policies only for the actions IAM cannot scope (DescribeExportTasks, ListFunctions)', () => {
    const starred = allowStatements
      .filter(({ where, s }) => where !== 'aws_kms_key' && asList(s.Resource).includes('*'))
      .map(({ where, s }) => `${where}/${s.Sid}: ${asList(s.Action).join(',')}`);
    expect(starred.sort()).toEqual(
      [
        'export-snapshots/DescribeExports: rds:DescribeExportTasks',
        'rds-archive-dev-us-east-1-operator/DescribeExports: rds:DescribeExportTasks',
        'rds-archive-dev-us-east-1-operator/ListExporterFunctions: lambda:ListFunctions',
      ].sort(),
    );
  });
});

describe('snapshot events', () => {
  it('go to a topic encrypted with the archive key', () => {
    expect(eventsTopic.resource).toMatchObject({ name: 'rds-archive-dev-snapshot-events', kms_master_key_id: keyArn });
  });

  it("are published by RDS's event service for this account only", () => {
    const topic = eventsTopicArn;
    const topicPolicy = resources(defaults, 'aws_sns_topic_policy').find((p) => p.arn === eventsTopicArn)!;
    const publish = statement(statementsOf(topicPolicy.policy), 'RdsEventsPublishForThisAccount');
    expect(publish).toEqual({
      Sid: 'RdsEventsPublishForThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'events.rds.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topic,
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
  });

  it('come from instance snapshots (creation) and Aurora cluster snapshots (backup), with export outcomes (notification)', () => {
    const topic = eventsTopicArn;
    const subscriptions = resources(defaults, 'aws_db_event_subscription').map((s) => ({
      source_type: s.source_type,
      event_categories: s.event_categories,
      sns_topic: s.sns_topic,
    }));
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { source_type: 'db-snapshot', event_categories: ['creation', 'notification'], sns_topic: topic },
        { source_type: 'db-cluster-snapshot', event_categories: ['backup', 'notification'], sns_topic: topic },
      ]),
    );
    expect(subscriptions).toHaveLength(2);
  });
});

describe('exporter function', () => {
  const fn = onlyResource(defaults, 'aws_lambda_function') as Record<string, unknown> & { environment: { variables: Record<string, string> } };

  it('runs the bundled handler on nodejs22.x, arm64, from a zip asset', () => {
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', role: `\${aws_iam_role.${exporterRole.id}.arn}` });
    expect(fn.filename).toMatch(/^assets\/exporter_code_[0-9A-F]+\/[0-9A-F]+\/exporter\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${String(fn.filename)}")}`);
  });

  it('runs one invocation at a time by default, so its quota check and start are one step; unreserved when configured so', () => {
    expect(fn).toMatchObject({ reserved_concurrent_executions: 1, memory_size: 512, timeout: 300 });
    const unreserved = onlyResource(synthStack(configFrom({ exporterReservedConcurrency: null })), 'aws_lambda_function');
    expect(unreserved.reserved_concurrent_executions).toBeUndefined();
    expect(onlyResource(synthStack(configFrom({ exporterReservedConcurrency: 3 })), 'aws_lambda_function').reserved_concurrent_executions).toBe(3);
  });

  it('gets the handler environment from the config and the deployed resources', () => {
    expect(fn.environment.variables).toEqual({
      ARCHIVE_BUCKET: `\${${ref('aws_s3_bucket')}.bucket}`,
      EXPORT_ROLE_ARN: `\${aws_iam_role.${exportRole.id}.arn}`,
      EXPORT_KMS_KEY_ARN: keyArn,
      ARCHIVE_PREFIX: 'exports',
      SNAPSHOT_TYPES: 'automated,manual',
      NOTIFY_TOPIC_ARN: notificationsTopicArn,
      ARCHIVE_NAME: 'rds-archive-dev',
      LOOKBACK_DAYS: '7',
      MAX_CONCURRENT_EXPORTS: '5',
      MAX_EXPORT_ATTEMPTS: '3',
      ARCHIVE_POLICY: '{}',
      CATALOG_ENABLED: 'true',
    });
    const configured = synthStack(
      configFrom({
        snapshotTypes: ['awsbackup'],
        includeDatabases: ['orders-*', 'billing'],
        excludeDatabases: ['*-test'],
        exportOnly: ['orders.public', 'billing'],
      }),
    );
    const variables = (onlyResource(configured, 'aws_lambda_function') as typeof fn).environment.variables;
    expect(variables).toMatchObject({
      SNAPSHOT_TYPES: 'awsbackup',
      INCLUDE_DATABASES: 'orders-*,billing',
      EXCLUDE_DATABASES: '*-test',
      EXPORT_ONLY: 'orders.public,billing',
    });
  });

  it('logs to its own log group with the configured retention', () => {
    expect(onlyResource(defaults, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/lambda/rds-archive-dev-exporter', retention_in_days: 365 });
    expect(fn.depends_on).toContain(ref('aws_cloudwatch_log_group'));
    const configured = synthStack(configFrom({ logRetentionDays: 30 }));
    expect(onlyResource(configured, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
  });

  it('is subscribed to the snapshot events topic, which alone (with the schedule) may invoke it', () => {
    const topic = eventsTopicArn;
    expect(onlyResource(defaults, 'aws_sns_topic_subscription')).toMatchObject({
      topic_arn: topic,
      protocol: 'lambda',
      endpoint: `\${${ref('aws_lambda_function')}.arn}`,
    });
    const permissions = resources(defaults, 'aws_lambda_permission').map((p) => ({
      principal: p.principal,
      source_arn: p.source_arn,
      action: p.action,
      function_name: p.function_name,
    }));
    const functionName = `\${${ref('aws_lambda_function')}.function_name}`;
    expect(permissions).toEqual(
      expect.arrayContaining([
        { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', source_arn: topic, function_name: functionName },
        {
          action: 'lambda:InvokeFunction',
          principal: 'events.amazonaws.com',
          source_arn: `\${${ref('aws_cloudwatch_event_rule')}.arn}`,
          function_name: functionName,
        },
      ]),
    );
    expect(permissions).toHaveLength(2);
  });
});

describe('never miss a snapshot: schedule, dead letters, alarms, notifications', () => {
  const fn = onlyResource(defaults, 'aws_lambda_function') as Record<string, unknown>;
  const queue = onlyResource(defaults, 'aws_sqs_queue');
  const queueAddress = ref('aws_sqs_queue');
  const alarms = resources(defaults, 'aws_cloudwatch_metric_alarm');
  const alarm = (suffix: string) => {
    const found = alarms.filter((a) => String(a.alarm_name).endsWith(suffix));
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('reconciles on a schedule, hourly by default and as configured', () => {
    expect(onlyResource(defaults, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(60 minutes)');
    expect(onlyResource(defaults, 'aws_cloudwatch_event_target')).toMatchObject({ arn: `\${${ref('aws_lambda_function')}.arn}` });
    const stack = synthStack(configFrom({ reconciliation: { everyMinutes: 15 } }));
    expect(onlyResource(stack, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(15 minutes)');
  });

  it('retries failed asynchronous invocations a bounded number of times, then dead-letters them', () => {
    expect(onlyResource(defaults, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 2 });
    expect(fn.dead_letter_config).toEqual({ target_arn: `\${${queueAddress}.arn}` });
    const stack = synthStack(configFrom({ asyncRetryAttempts: 0 }));
    expect(onlyResource(stack, 'aws_lambda_function_event_invoke_config').maximum_retry_attempts).toBe(0);
  });

  it('keeps dead letters 14 days, encrypted with the archive key', () => {
    expect(queue).toMatchObject({ name: 'rds-archive-dev-dead-letters', kms_master_key_id: keyArn, message_retention_seconds: 1_209_600 });
  });

  it('alarms on dead letters, function errors, a silent reconciliation, archive lag and incomplete exports, to the notifications topic', () => {
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      [
        'rds-archive-dev-archive-lag',
        'rds-archive-dev-dead-letters',
        'rds-archive-dev-exporter-errors',
        'rds-archive-dev-exports-incomplete',
        'rds-archive-dev-reconciliation-silent',
      ].sort(),
    );
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([notificationsTopicArn]);
      expect(a.ok_actions).toEqual([notificationsTopicArn]);
    }
    expect(alarm('-dead-letters')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: `\${${queueAddress}.name}` },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarm('-exporter-errors')).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: `\${${ref('aws_lambda_function')}.function_name}` },
      threshold: 0,
    });
    expect(alarm('-reconciliation-silent')).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ReconciliationSucceeded',
      dimensions: { Archive: 'rds-archive-dev' },
      period: 3600,
      evaluation_periods: 2,
      threshold: 1,
      comparison_operator: 'LessThanThreshold',
      treat_missing_data: 'breaching',
    });
  });

  it('notifies through an encrypted topic CloudWatch may publish to, with the configured e-mail subscriptions', () => {
    expect(notificationsTopic.resource).toMatchObject({ name: 'rds-archive-dev-notifications', kms_master_key_id: keyArn });
    const topicPolicy = resources(defaults, 'aws_sns_topic_policy').find((p) => p.arn === notificationsTopicArn)!;
    expect(statement(statementsOf(topicPolicy.policy), 'CloudWatchAlarmsPublish')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
    const stack = synthStack(configFrom({ notificationEmails: ['dba@example.com', 'oncall@example.com'] }));
    const emails = resources(stack, 'aws_sns_topic_subscription')
      .filter((s) => s.protocol === 'email')
      .map((s) => s.endpoint);
    expect(emails).toEqual(['dba@example.com', 'oncall@example.com']);
  });

  it('lets the exporter notify and dead-letter, with the key through SQS for the dead letters', () => {
    const statements = policyOfRole(defaults, exporterRole.id);
    expect(statement(statements, 'NotifyOperators')).toMatchObject({ Action: 'sns:Publish', Resource: notificationsTopicArn });
    expect(statement(statements, 'SendDeadLetters')).toMatchObject({ Action: 'sqs:SendMessage', Resource: `\${${queueAddress}.arn}` });
    expect(statement(statements, 'UseKeyThroughSqs')).toEqual({
      Sid: 'UseKeyThroughSqs',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `sqs.us-east-1.${dnsSuffix}` } },
    });
  });
});

describe('state backend', () => {
  it('is local beside the project when no remote state is configured', () => {
    expect(defaults.terraform.backend).toEqual({ local: { path: '../../../terraform.rds-archive-dev-us-east-1.tfstate' } });
  });

  it('is S3 with encryption and S3-native locking, one key per stack', () => {
    const config = configFrom({
      regions: ['us-east-1', 'eu-west-1'],
      remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'platform/rds-archive', region: 'us-east-1' },
    });
    const keys = config.regions.map((region) => {
      const backend = (synthStack(config, region).terraform.backend as { s3: Record<string, unknown> }).s3;
      expect(backend).toMatchObject({ bucket: 'acme-terraform-state', region: 'us-east-1', encrypt: true, use_lockfile: true });
      return backend.key;
    });
    expect(keys).toEqual(['platform/rds-archive/rds-archive-dev-us-east-1.tfstate', 'platform/rds-archive/rds-archive-dev-eu-west-1.tfstate']);
  });
});

describe('stack', () => {
  it('outputs the bucket, key, export role, topics, function, operator and reader policies and workgroup', () => {
    expect(Object.keys(defaults.output).sort()).toEqual([
      'archive-bucket',
      'athena-workgroup',
      'dead-letter-queue-url',
      'export-role-arn',
      'exporter-function-name',
      'kms-key-arn',
      'notifications-topic-arn',
      'operator-policy-arn',
      'reader-policy-arn',
      'snapshot-events-topic-arn',
    ]);
    expect(defaults.output['exporter-function-name']!.value).toBe('rds-archive-dev-exporter');
    expect(defaults.output['kms-key-arn']!.value).toBe(keyArn);
  });

  it('outputs the operator policy ARN, saying who to attach it to', () => {
    expect(defaults.output['operator-policy-arn']).toEqual({
      value: `\${aws_iam_policy.${managedPolicyId('operator')}.arn}`,
      description: 'IAM policy to attach to the roles or users that run `npm run archive`',
    });
  });

  it('outputs the reader policy ARN, holding the reader statements of the deployed bucket, key and workgroup', () => {
    // Prepare
    const reader = defaults.resource.aws_iam_policy![managedPolicyId('reader')]!;

    // Assess
    expect(defaults.output['reader-policy-arn']!.value).toBe(`\${aws_iam_policy.${managedPolicyId('reader')}.arn}`);
    expect(reader.name).toBe('rds-archive-dev-us-east-1-reader');
    const sids = statementsOf(reader.policy).map((s) => s.Sid);
    expect(sids).toEqual(['ListArchive', 'ReadExports', 'UseKeyThroughS3', 'QueryInArchiveWorkgroup', 'BrowseDataCatalog', 'ReadCatalog', 'WriteQueryResults']);
    expect(statementsOf(reader.policy).find((s) => s.Sid === 'QueryInArchiveWorkgroup')!.Resource).toMatch(
      /:workgroup\/\$\{aws_athena_workgroup\.\S+\.name\}$/,
    );
  });

  it('outputs the Athena workgroup name only when the catalog is enabled', () => {
    expect(defaults.output['athena-workgroup']!.value).toBe(`\${${ref('aws_athena_workgroup')}.name}`);
    const stack = synthStack(configFrom({ catalog: { enabled: false } }));
    expect(Object.keys(stack.output)).not.toContain('athena-workgroup');
  });

  it('tags every resource through the provider', () => {
    const stack = synthStack(configFrom({ environment: 'prod', tags: { CostCenter: 'db' } }));
    expect(stack.provider.aws).toEqual([
      { region: 'us-east-1', default_tags: [{ tags: { CostCenter: 'db', Application: 'rds-snapshot-archive', Environment: 'prod' } }] },
    ]);
  });

  it('synthesizes one stack per region, each with its own provider region', () => {
    const config = configFrom({ regions: ['us-east-1', 'eu-west-1'] });
    const app = Testing.app();
    const stacks = config.regions.map((region) => new ArchiveStack(app, `rds-archive-dev-${region}`, { config, region }));
    const regions = stacks.map((s) => (JSON.parse(Testing.synth(s)) as typeof defaults).provider.aws![0]);
    expect(regions).toEqual([expect.objectContaining({ region: 'us-east-1' }), expect.objectContaining({ region: 'eu-west-1' })]);
  });

  it('matches the reviewed snapshot (asset hashes scrubbed)', () => {
    const scrubbed = JSON.stringify(defaults, null, 2).replace(/assets\/exporter_code_[0-9A-F]+\/[0-9A-F]+\//g, 'assets/<asset>/');
    expect(scrubbed).toMatchSnapshot();
  });
});
