// The whole stack: what no construct shows alone. Each construct gets the deployed resources it is
// wired to; the settings reach their constructs; least privilege and no wildcards across every
// policy; names per region; outputs; tags; one stack per region; the reviewed snapshot. Each
// configuration is synthesized once and shared by the tests that read it.
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ArchiveStack } from '../../stacks/archive-stack';
import {
  addressOf,
  asList,
  configFrom,
  named,
  onlyResource,
  resources,
  rolePolicyStatements,
  statement,
  statementsOf,
  synthStack,
  type Statement,
  type SynthesizedStack,
} from '../support/synth';

const EXISTING_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Every setting left at its default. */
const defaults = synthStack();
/** The catalog turned off. */
const catalogOff = synthStack(configFrom({ catalog: { enabled: false } }));
/** An existing key and an existing bucket instead of the stack's own. */
const existing = synthStack(configFrom({ existingKmsKeyArns: { 'us-east-1': EXISTING_KEY }, existingBucketNames: { 'us-east-1': 'acme-rds-archive' } }));
/** Every setting a construct reads changed from its default, to see each arrive. */
const configured = synthStack(
  configFrom({
    environment: 'prod',
    tags: { CostCenter: 'db' },
    archivePrefix: '',
    lifecycle: { transitionStorageClass: 'STANDARD_IA', transitionAfterDays: 180, expirationDays: 3650, noncurrentVersionExpirationDays: 7 },
    objectLock: { mode: 'COMPLIANCE', days: 400 },
    snapshotTypes: ['awsbackup'],
    includeDatabases: ['orders-*', 'billing'],
    excludeDatabases: ['*-test'],
    exportOnly: ['orders.public', 'billing'],
    logRetentionDays: 30,
    reconciliation: { everyMinutes: 15, maxLagHours: 6 },
    catalog: { bytesScannedCutoffPerQuery: 10_737_418_240 },
    exporterReservedConcurrency: null,
    asyncRetryAttempts: 0,
    notificationEmails: ['dba@example.com', 'oncall@example.com'],
  }),
);
/** Two regions of one account with remote state, synthesized as main.ts does: one app, one stack per region. */
const twoRegionsConfig = configFrom({
  regions: ['us-east-1', 'eu-west-1'],
  remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'platform/rds-archive', region: 'us-east-1' },
});
const twoRegions = (() => {
  const app = Testing.app();
  const stacks = twoRegionsConfig.regions.map((region) => new ArchiveStack(app, `rds-archive-dev-${region}`, { config: twoRegionsConfig, region }));
  return stacks.map((s) => JSON.parse(Testing.synth(s)) as SynthesizedStack);
})();

const account = '${data.aws_caller_identity.account.account_id}';
const partition = '${data.aws_partition.partition.partition}';
const dnsSuffix = '${data.aws_partition.partition.dns_suffix}';
const arnOf = (synthesized: SynthesizedStack, type: string) => `\${${addressOf(synthesized, type)}.arn}`;
const keyArn = arnOf(defaults, 'aws_kms_key');
const bucketArn = arnOf(defaults, 'aws_s3_bucket');
const exportRoleArn = `\${${named(defaults, 'aws_iam_role', '-export').address}.arn}`;
const exporterRoleArn = `\${${named(defaults, 'aws_iam_role', '-exporter').address}.arn}`;
const eventsTopicArn = `\${${named(defaults, 'aws_sns_topic', '-snapshot-events').address}.arn}`;
const notificationsTopicArn = `\${${named(defaults, 'aws_sns_topic', '-notifications').address}.arn}`;
const functionAddress = addressOf(defaults, 'aws_lambda_function');
const exporter = rolePolicyStatements(defaults, '-exporter');
type LambdaFunction = Record<string, unknown> & { environment: { variables: Record<string, string> } };
const functionOf = (synthesized: SynthesizedStack) => onlyResource(synthesized, 'aws_lambda_function') as LambdaFunction;
const lifecycleRules = (synthesized: SynthesizedStack) =>
  onlyResource(synthesized, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
const alarmNamed = (synthesized: SynthesizedStack, name: string) => named(synthesized, 'aws_cloudwatch_metric_alarm', name, 'alarm_name').resource;
/** The id of the managed policy whose name ends in `-<purpose>`. */
const managedPolicyId = (purpose: string) => Object.entries(defaults.resource.aws_iam_policy ?? {}).find(([, p]) => String(p.name).endsWith(`-${purpose}`))![0];

describe('the stack wires its constructs to each other', () => {
  it('names the export role and the exporter role in the key policy', () => {
    const policy = statementsOf(onlyResource(defaults, 'aws_kms_key').policy);
    expect(statement(policy, 'ExporterGrantsToRdsOnly').Principal).toEqual({ AWS: exporterRoleArn });
    expect(statement(policy, 'ExportRoleEncryptsExports').Principal).toEqual({ AWS: exportRoleArn });
    expect(statement(policy, 'AccountControlsTheKey').Principal).toEqual({ AWS: `arn:${partition}:iam::${account}:root` });
  });

  it('names the bucket per account and region and encrypts it, its topics, queue and query results with the archive key', () => {
    expect(onlyResource(defaults, 'aws_s3_bucket').bucket).toBe(`rds-archive-dev-${account}-us-east-1`);
    expect(onlyResource(defaults, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true },
    ]);
    expect(named(defaults, 'aws_sns_topic', '-snapshot-events').resource).toMatchObject({ name: 'rds-archive-dev-snapshot-events', kms_master_key_id: keyArn });
    expect(named(defaults, 'aws_sns_topic', '-notifications').resource).toMatchObject({ name: 'rds-archive-dev-notifications', kms_master_key_id: keyArn });
    expect(onlyResource(defaults, 'aws_sqs_queue')).toMatchObject({ name: 'rds-archive-dev-dead-letters', kms_master_key_id: keyArn });
    expect((onlyResource(defaults, 'aws_athena_workgroup').configuration as Record<string, unknown>).result_configuration).toEqual({
      output_location: `s3://\${${addressOf(defaults, 'aws_s3_bucket')}.bucket}/athena-results/`,
      encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: keyArn },
    });
  });

  it('lets the export role write into the archive bucket and prefix with the archive key', () => {
    const statements = rolePolicyStatements(defaults, '-export');
    expect(statement(statements, 'ListArchiveBucket').Resource).toBe(bucketArn);
    expect(statement(statements, 'WriteExportObjects').Resource).toBe(`${bucketArn}/exports/*`);
    expect(statement(statements, 'EncryptExportObjects').Resource).toBe(keyArn);
  });

  it("gives the exporter role the stack's account, region, export role, key, topic and queue", () => {
    const queueArn = arnOf(defaults, 'aws_sqs_queue');
    expect(statement(exporter, 'PassExportRoleOnly')).toMatchObject({ Action: 'iam:PassRole', Resource: exportRoleArn });
    expect(statement(exporter, 'GrantKeyToRdsOnly').Resource).toBe(keyArn);
    expect(statement(exporter, 'DescribeKey').Resource).toBe(keyArn);
    expect(statement(exporter, 'NotifyOperators')).toMatchObject({ Action: 'sns:Publish', Resource: notificationsTopicArn });
    expect(statement(exporter, 'SendDeadLetters')).toMatchObject({ Action: 'sqs:SendMessage', Resource: queueArn });
    expect(statement(exporter, 'WriteOwnLogs').Resource).toBe(`${arnOf(defaults, 'aws_cloudwatch_log_group')}:*`);
    expect(statement(exporter, 'WriteManifestsOnly').Resource).toBe(`${bucketArn}/exports/*/archive-manifest.json`);
    for (const resource of asList(statement(exporter, 'DescribeSnapshots').Resource)) {
      expect(resource).toMatch(
        /^arn:\$\{data\.aws_partition\.partition\.partition\}:rds:us-east-1:\$\{data\.aws_caller_identity\.account\.account_id\}:(snapshot|cluster-snapshot|db|cluster):\*$/,
      );
    }
  });

  it('names the KMS services with the partition DNS suffix, so China regions work', () => {
    expect(statement(exporter, 'UseKeyThroughS3AndSns').Condition).toEqual({
      StringEquals: { 'kms:ViaService': [`s3.us-east-1.${dnsSuffix}`, `sns.us-east-1.${dnsSuffix}`] },
    });
    expect(statement(exporter, 'UseKeyThroughSqs').Condition).toEqual({ StringEquals: { 'kms:ViaService': `sqs.us-east-1.${dnsSuffix}` } });
  });

  it("lets RDS's event service publish to the events topic, for this account only", () => {
    const topicPolicy = resources(defaults, 'aws_sns_topic_policy').find((p) => p.arn === eventsTopicArn)!;
    expect(statement(statementsOf(topicPolicy.policy), 'RdsEventsPublishForThisAccount')).toMatchObject({
      Resource: eventsTopicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
    for (const subscription of resources(defaults, 'aws_db_event_subscription')) expect(subscription.sns_topic).toBe(eventsTopicArn);
  });

  it('lets CloudWatch alarms of this account publish to the notifications topic, which every alarm notifies', () => {
    const topicPolicy = resources(defaults, 'aws_sns_topic_policy').find((p) => p.arn === notificationsTopicArn)!;
    expect(statement(statementsOf(topicPolicy.policy), 'CloudWatchAlarmsPublish')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': account } },
    });
    const alarms = resources(defaults, 'aws_cloudwatch_metric_alarm');
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
    expect(alarmNamed(defaults, '-exporter-errors').dimensions).toEqual({ FunctionName: `\${${functionAddress}.function_name}` });
    expect(alarmNamed(defaults, '-dead-letters').dimensions).toEqual({ QueueName: `\${${addressOf(defaults, 'aws_sqs_queue')}.name}` });
  });

  it('runs the exporter as its role, dead-letters to the queue and logs to its log group', () => {
    const fn = functionOf(defaults);
    expect(fn.role).toBe(exporterRoleArn);
    expect(fn.dead_letter_config).toEqual({ target_arn: arnOf(defaults, 'aws_sqs_queue') });
    expect(fn.depends_on).toContain(addressOf(defaults, 'aws_cloudwatch_log_group'));
  });

  it('gets the handler environment from the config and the deployed resources', () => {
    expect(functionOf(defaults).environment.variables).toEqual({
      ARCHIVE_BUCKET: `\${${addressOf(defaults, 'aws_s3_bucket')}.bucket}`,
      EXPORT_ROLE_ARN: exportRoleArn,
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
  });

  it('subscribes the exporter to the snapshot events topic, which alone (with the schedule) may invoke it', () => {
    expect(onlyResource(defaults, 'aws_sns_topic_subscription')).toMatchObject({
      topic_arn: eventsTopicArn,
      protocol: 'lambda',
      endpoint: `\${${functionAddress}.arn}`,
    });
    expect(onlyResource(defaults, 'aws_cloudwatch_event_target')).toMatchObject({ arn: `\${${functionAddress}.arn}` });
    const permissions = resources(defaults, 'aws_lambda_permission').map((p) => ({
      principal: p.principal,
      source_arn: p.source_arn,
      action: p.action,
      function_name: p.function_name,
    }));
    const functionName = `\${${functionAddress}.function_name}`;
    expect(permissions).toEqual(
      expect.arrayContaining([
        { action: 'lambda:InvokeFunction', principal: 'sns.amazonaws.com', source_arn: eventsTopicArn, function_name: functionName },
        {
          action: 'lambda:InvokeFunction',
          principal: 'events.amazonaws.com',
          source_arn: arnOf(defaults, 'aws_cloudwatch_event_rule'),
          function_name: functionName,
        },
      ]),
    );
    expect(permissions).toHaveLength(2);
  });
});

describe('the default settings reach their constructs', () => {
  it('runs one exporter invocation at a time, retries twice, keeps its logs a year and reconciles hourly', () => {
    expect(functionOf(defaults)).toMatchObject({ reserved_concurrent_executions: 1, memory_size: 512, timeout: 300 });
    expect(onlyResource(defaults, 'aws_lambda_function_event_invoke_config')).toMatchObject({ maximum_retry_attempts: 2 });
    expect(onlyResource(defaults, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/lambda/rds-archive-dev-exporter', retention_in_days: 365 });
    expect(onlyResource(defaults, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(60 minutes)');
    expect(alarmNamed(defaults, '-archive-lag')).toMatchObject({ period: 3600, threshold: 48 });
    expect(alarmNamed(defaults, '-reconciliation-silent')).toMatchObject({ period: 3600 });
  });

  it('moves exports below the prefix to Glacier Instant Retrieval after 30 days, expires query results, locks nothing', () => {
    expect(lifecycleRules(defaults).map((r) => [r.id, r.filter])).toEqual([
      ['archive-exports', [{ prefix: 'exports/' }]],
      ['athena-query-results', [{ prefix: 'athena-results/' }]],
    ]);
    expect(lifecycleRules(defaults)[0]).toMatchObject({
      transition: [{ days: 30, storage_class: 'GLACIER_IR' }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
    });
    expect(onlyResource(defaults, 'aws_s3_bucket').object_lock_enabled).toBe(false);
    expect(resources(defaults, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(0);
  });

  it('limits an Athena query to 100 GiB scanned and subscribes no one to the notifications', () => {
    expect(onlyResource(defaults, 'aws_athena_workgroup').configuration).toMatchObject({ bytes_scanned_cutoff_per_query: 107_374_182_400 });
    expect(resources(defaults, 'aws_sns_topic_subscription').filter((s) => s.protocol === 'email')).toEqual([]);
  });
});

describe('configured settings reach their constructs', () => {
  it('leaves the exporter unreserved when configured so, with the configured retries and log retention', () => {
    expect(functionOf(configured).reserved_concurrent_executions).toBeUndefined();
    expect(onlyResource(configured, 'aws_lambda_function_event_invoke_config').maximum_retry_attempts).toBe(0);
    expect(onlyResource(configured, 'aws_cloudwatch_log_group').retention_in_days).toBe(30);
  });

  it('gives the handler the configured snapshot types, database filters and prefix', () => {
    expect(functionOf(configured).environment.variables).toMatchObject({
      SNAPSHOT_TYPES: 'awsbackup',
      INCLUDE_DATABASES: 'orders-*,billing',
      EXCLUDE_DATABASES: '*-test',
      EXPORT_ONLY: 'orders.public,billing',
      // "/" is the settings contract's "no prefix": Lambda drops an empty variable.
      ARCHIVE_PREFIX: '/',
      ARCHIVE_NAME: 'rds-archive-prod',
    });
  });

  it('reconciles, alarms on silence and on lag at the configured period, with the configured maximum lag', () => {
    expect(onlyResource(configured, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(15 minutes)');
    expect(alarmNamed(configured, '-reconciliation-silent')).toMatchObject({ period: 900 });
    expect(alarmNamed(configured, '-archive-lag')).toMatchObject({ period: 900, threshold: 6 });
    expect(alarmNamed(configured, '-exports-incomplete')).toMatchObject({ period: 900 });
  });

  it('writes the whole bucket without an archive prefix: lifecycle, export role and exporter alike', () => {
    const bucket = arnOf(configured, 'aws_s3_bucket');
    expect(lifecycleRules(configured)[0]!.filter).toEqual([{ prefix: '' }]);
    expect(statement(rolePolicyStatements(configured, '-export'), 'WriteExportObjects').Resource).toBe(`${bucket}/*`);
    expect(statement(rolePolicyStatements(configured, '-exporter'), 'ListArchivePrefix')).toEqual({
      Sid: 'ListArchivePrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
    });
  });

  it('applies the configured lifecycle and Object Lock to the bucket', () => {
    expect(lifecycleRules(configured)[0]).toMatchObject({
      transition: [{ days: 180, storage_class: 'STANDARD_IA' }],
      expiration: [{ days: 3650 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
    expect(onlyResource(configured, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(onlyResource(configured, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 400 } });
  });

  it('subscribes the configured addresses and limits queries to the configured bytes', () => {
    const emails = resources(configured, 'aws_sns_topic_subscription')
      .filter((s) => s.protocol === 'email')
      .map((s) => s.endpoint);
    expect(emails).toEqual(['dba@example.com', 'oncall@example.com']);
    expect(onlyResource(configured, 'aws_athena_workgroup').configuration).toMatchObject({ bytes_scanned_cutoff_per_query: 10_737_418_240 });
  });
});

describe('with the catalog disabled', () => {
  it('creates no Athena workgroup and outputs none', () => {
    expect(resources(catalogOff, 'aws_athena_workgroup')).toHaveLength(0);
    expect(Object.keys(catalogOff.output)).not.toContain('athena-workgroup');
  });

  it('has no rule for query results', () => {
    expect(lifecycleRules(catalogOff).map((r) => r.id)).toEqual(['archive-exports']);
  });

  it('grants no Glue or Athena permissions to the exporter, operators or readers', () => {
    const actions = [
      ...rolePolicyStatements(catalogOff, '-exporter'),
      ...resources(catalogOff, 'aws_iam_policy').flatMap((p) => statementsOf(p.policy)),
    ].flatMap((s) => asList(s.Action));
    expect(actions.filter((a) => a.startsWith('glue:') || a.startsWith('athena:'))).toEqual([]);
    expect(functionOf(catalogOff).environment.variables.CATALOG_ENABLED).toBe('false');
  });
});

describe('with an existing key and bucket', () => {
  it('creates no key, and uses the existing one everywhere', () => {
    expect(resources(existing, 'aws_kms_key')).toHaveLength(0);
    expect(resources(existing, 'aws_kms_alias')).toHaveLength(0);
    for (const topic of resources(existing, 'aws_sns_topic')) expect(topic.kms_master_key_id).toBe(EXISTING_KEY);
    expect(onlyResource(existing, 'aws_sqs_queue').kms_master_key_id).toBe(EXISTING_KEY);
    expect(functionOf(existing).environment.variables.EXPORT_KMS_KEY_ARN).toBe(EXISTING_KEY);
  });

  it('creates no bucket; exports and permissions go to the existing one', () => {
    for (const type of ['aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration']) {
      expect(resources(existing, type)).toHaveLength(0);
    }
    expect(functionOf(existing).environment.variables.ARCHIVE_BUCKET).toBe('acme-rds-archive');
    expect(statement(rolePolicyStatements(existing, '-export'), 'ListArchiveBucket').Resource).toBe(`arn:${partition}:s3:::acme-rds-archive`);
  });
});

describe('least privilege across every policy', () => {
  const operator = statementsOf(defaults.resource.aws_iam_policy![managedPolicyId('operator')]!.policy);
  const exporterOnly = ['WriteOwnLogs', 'SendDeadLetters', 'UseKeyThroughSqs'];

  it('gives operators every statement the exporter shares with them, unchanged', () => {
    const shared = exporter.filter((s) => !exporterOnly.includes(s.Sid));
    expect(shared.length).toBeGreaterThan(10);
    for (const s of shared) expect(operator, s.Sid).toContainEqual(s);
  });

  it("gives operators reading the deployed exporter's configuration, listing functions and doctor's reads beyond that, and none of the exporter's own", () => {
    const extra = operator.filter((s) => !exporter.some((e) => e.Sid === s.Sid));
    expect(extra.slice(0, 2)).toEqual([
      { Sid: 'ReadExporterConfiguration', Effect: 'Allow', Action: 'lambda:GetFunctionConfiguration', Resource: `\${${functionAddress}.arn}` },
      { Sid: 'ListExporterFunctions', Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' },
    ]);
    expect(extra.slice(2).every((s) => s.Sid.startsWith('DoctorReads'))).toBe(true);
    expect(operator.map((s) => s.Sid).filter((sid) => exporterOnly.includes(sid))).toEqual([]);
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

    it('uses Resource "*" in IAM policies only for the actions IAM cannot scope (DescribeExportTasks, ListFunctions, GetMetricStatistics)', () => {
      const starred = allowStatements
        .filter(({ where, s }) => where !== 'aws_kms_key' && asList(s.Resource).includes('*'))
        .map(({ where, s }) => `${where}/${s.Sid}: ${asList(s.Action).join(',')}`);
      expect(starred.sort()).toEqual(
        [
          'export-snapshots/DescribeExports: rds:DescribeExportTasks',
          'rds-archive-dev-us-east-1-operator/DescribeExports: rds:DescribeExportTasks',
          'rds-archive-dev-us-east-1-operator/DoctorReadsHeartbeat: cloudwatch:GetMetricStatistics',
          'rds-archive-dev-us-east-1-operator/ListExporterFunctions: lambda:ListFunctions',
        ].sort(),
      );
    });
  });
});

describe('regions and state', () => {
  it('names its IAM roles and policies per region, so two regions of one account can both deploy', () => {
    // Act
    const names = twoRegions.map((stack) => [...resources(stack, 'aws_iam_role'), ...resources(stack, 'aws_iam_policy')].map((r) => String(r.name)));

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

  it('synthesizes one stack per region, each with its own provider region', () => {
    const regions = twoRegions.map((stack) => stack.provider.aws![0]);
    expect(regions).toEqual([expect.objectContaining({ region: 'us-east-1' }), expect.objectContaining({ region: 'eu-west-1' })]);
  });

  it('keeps state locally beside the project when no remote state is configured', () => {
    expect(defaults.terraform.backend).toEqual({ local: { path: '../../../terraform.rds-archive-dev-us-east-1.tfstate' } });
  });

  it('keeps state in S3 with encryption and S3-native locking, one key per stack', () => {
    const keys = twoRegions.map((stack) => {
      const backend = (stack.terraform.backend as { s3: Record<string, unknown> }).s3;
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
    expect(sids).toEqual([
      'ListArchive',
      'ReadExports',
      'ReadDeploymentSettings',
      'UseKeyThroughS3',
      'QueryInArchiveWorkgroup',
      'BrowseDataCatalog',
      'ReadCatalog',
      'WriteQueryResults',
    ]);
    expect(statementsOf(reader.policy).find((s) => s.Sid === 'QueryInArchiveWorkgroup')!.Resource).toMatch(
      /:workgroup\/\$\{aws_athena_workgroup\.\S+\.name\}$/,
    );
  });

  it('outputs the Athena workgroup name only when the catalog is enabled', () => {
    expect(defaults.output['athena-workgroup']!.value).toBe(`\${${addressOf(defaults, 'aws_athena_workgroup')}.name}`);
    expect(Object.keys(catalogOff.output)).not.toContain('athena-workgroup');
  });

  it('tags every resource through the provider', () => {
    expect(configured.provider.aws).toEqual([
      { region: 'us-east-1', default_tags: [{ tags: { CostCenter: 'db', Application: 'rds-snapshot-archive', Environment: 'prod' } }] },
    ]);
  });

  it('matches the reviewed snapshot (asset hashes scrubbed)', () => {
    const scrubbed = JSON.stringify(defaults, null, 2).replace(/assets\/exporter_code_[0-9A-F]+\/[0-9A-F]+\//g, 'assets/<asset>/');
    expect(scrubbed).toMatchSnapshot();
  });
});
