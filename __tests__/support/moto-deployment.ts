// A single-account deployment built in moto with the SDK, from the stack's own policy functions
// (key, trust, role, topic and bucket policies) and names, for `archive doctor` tests. Every
// deployment gets its own base name, so tests can break one piece each in one moto.
import { CloudWatchClient, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateEventSubscriptionCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ARCHIVE_DIMENSION, DEFAULT_POLICY, METRICS_NAMESPACE, RECONCILIATION_SUCCEEDED, writeSettings } from '../../handler/contract';
import { archiveBucketPolicy } from '../../stacks/archive-bucket';
import { archiveKeyPolicy } from '../../stacks/archive-key';
import { deterministicZip } from '../../stacks/deterministic-zip';
import { exportRolePolicy, exportTrustPolicy } from '../../stacks/export-role';
import { deadLetterQueueName } from '../../stacks/failure-routing';
import { policyDocument, type AwsScope, type PolicyStatement } from '../../stacks/policy';
import { eventSubscriptionName, SNAPSHOT_EVENT_SUBSCRIPTIONS, snapshotTopicName, snapshotTopicPolicy } from '../../stacks/snapshot-events';
import type { DoctorClients } from '../../cli/doctor/clients';
import { MOTO_CLIENT_CONFIG } from './moto';

/** moto's account. */
export const MOTO_ACCOUNT = '123456789012';

const SCOPE: AwsScope = { partition: 'aws', accountId: MOTO_ACCOUNT, region: MOTO_CLIENT_CONFIG.region, dnsSuffix: 'amazonaws.com' };

/** Minutes between reconciliations in the test deployments. */
export const RECONCILE_EVERY_MINUTES = 15;

/** The alarm names the stack gives a deployment (stacks/failure-routing.ts, stacks/archive-alarms.ts). */
const ALARM_SUFFIXES = ['archive-lag', 'exports-incomplete', 'dead-letters', 'exporter-errors'] as const;

/** What a test deployment is made of. */
export interface MotoDeployment {
  readonly baseName: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly exportRoleArn: string;
  readonly keyArn: string;
  readonly bucket: string;
  readonly topicArn: string;
  readonly queueUrl: string;
}

/** Every client doctor uses, pointed at moto. */
export function motoDoctorClients(endpoint: string): DoctorClients {
  const config = { ...MOTO_CLIENT_CONFIG, endpoint };
  return {
    lambda: new LambdaClient(config),
    rds: new RDSClient(config),
    sns: new SNSClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    cloudwatch: new CloudWatchClient(config),
    sqs: new SQSClient(config),
  };
}

/** What a test may change in an otherwise healthy deployment. */
export interface DeploymentVariant {
  /** The key policy's statements, from the stack's. */
  readonly keyPolicy?: (statements: PolicyStatement[]) => PolicyStatement[];
  /** Event subscriptions created disabled, by their idSuffix. */
  readonly disabledSubscriptions?: readonly string[];
  /** Minutes since the last reconciliation heartbeat. @default 2 */
  readonly heartbeatMinutesAgo?: number;
}

/**
 * Creates a healthy deployment named `baseName` (with `variant` applied): the export and exporter
 * roles, the key, the bucket, the event topic and subscriptions, the exporter, the dead-letter
 * queue, the alarms, and a reconciliation heartbeat (two minutes ago unless the variant says otherwise).
 */
export async function createMotoDeployment(endpoint: string, baseName: string, variant: DeploymentVariant = {}): Promise<MotoDeployment> {
  const clients = motoDoctorClients(endpoint);
  const region = SCOPE.region;
  const exportRole = await clients.iam.send(
    new CreateRoleCommand({ RoleName: `${baseName}-${region}-export`, AssumeRolePolicyDocument: policyDocument(exportTrustPolicy(SCOPE)) }),
  );
  const exportRoleArn = exportRole.Role!.Arn!;
  const exporterRole = await clients.iam.send(
    new CreateRoleCommand({
      RoleName: `${baseName}-${region}-exporter`,
      AssumeRolePolicyDocument: policyDocument([{ Sid: 'Lambda', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    }),
  );
  const keyStatements = archiveKeyPolicy({ scope: SCOPE, baseName, exportRoleArn, exporterRoleArn: exporterRole.Role!.Arn! });
  const key = await clients.kms.send(new CreateKeyCommand({ Policy: policyDocument(variant.keyPolicy ? variant.keyPolicy(keyStatements) : keyStatements) }));
  const keyArn = key.KeyMetadata!.Arn!;
  const bucket = `${baseName}-${MOTO_ACCOUNT}-${region}`;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: exportRole.Role!.RoleName!,
      PolicyName: 'write-exports',
      PolicyDocument: policyDocument(exportRolePolicy({ bucketArn, archivePrefix: 'exports', kmsKeyArn: keyArn })),
    }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await clients.s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }],
      },
    }),
  );
  await clients.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policyDocument(archiveBucketPolicy(bucketArn)) }));

  const notifications = await clients.sns.send(new CreateTopicCommand({ Name: `${baseName}-notifications` }));
  const notifyTopicArn = notifications.TopicArn!;
  const functionName = `${baseName}-exporter`;
  const created = await clients.lambda.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs22.x',
      Role: exporterRole.Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: deterministicZip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => {};') }]) },
      Environment: {
        Variables: writeSettings({
          archiveBucket: bucket,
          exportRoleArn,
          exportKmsKeyArn: keyArn,
          archivePrefix: 'exports',
          snapshotTypes: ['automated', 'manual'],
          includeDatabases: [],
          excludeDatabases: [],
          exportOnly: [],
          archiveName: baseName,
          lookbackDays: 7,
          maxConcurrentExports: 5,
          maxExportAttempts: 3,
          policy: DEFAULT_POLICY,
          catalogEnabled: false,
          notifyTopicArn,
        }),
      },
    }),
  );
  const functionArn = created.FunctionArn!;

  const topic = await clients.sns.send(new CreateTopicCommand({ Name: snapshotTopicName(baseName), Attributes: { KmsMasterKeyId: keyArn } }));
  const topicArn = topic.TopicArn!;
  await clients.sns.send(
    new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: 'Policy', AttributeValue: policyDocument(snapshotTopicPolicy(topicArn, SCOPE)) }),
  );
  await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: functionArn }));
  for (const subscription of SNAPSHOT_EVENT_SUBSCRIPTIONS) {
    await clients.rds.send(
      new CreateEventSubscriptionCommand({
        SubscriptionName: eventSubscriptionName(baseName, subscription.idSuffix),
        SnsTopicArn: topicArn,
        SourceType: subscription.sourceType,
        EventCategories: [...subscription.categories],
        Enabled: !(variant.disabledSubscriptions ?? []).includes(subscription.idSuffix),
      }),
    );
  }

  const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: deadLetterQueueName(baseName) }));
  for (const suffix of ALARM_SUFFIXES) {
    await clients.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: `${baseName}-${suffix}`,
        Namespace: METRICS_NAMESPACE,
        MetricName: `Stand-in-${suffix}`,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [notifyTopicArn],
      }),
    );
  }
  await clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: `${baseName}-reconciliation-silent`,
      Namespace: METRICS_NAMESPACE,
      MetricName: RECONCILIATION_SUCCEEDED,
      Dimensions: [{ Name: ARCHIVE_DIMENSION, Value: baseName }],
      Statistic: 'Sum',
      Period: RECONCILE_EVERY_MINUTES * 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [notifyTopicArn],
    }),
  );
  await reportReconciliation(endpoint, baseName, new Date(Date.now() - (variant.heartbeatMinutesAgo ?? 2) * 60_000));
  return { baseName, functionName, functionArn, exportRoleArn, keyArn, bucket, topicArn, queueUrl: queue.QueueUrl! };
}

/** Emits the reconciliation heartbeat at `when`, as a successful reconciliation does. */
export async function reportReconciliation(endpoint: string, baseName: string, when: Date): Promise<void> {
  await new CloudWatchClient({ ...MOTO_CLIENT_CONFIG, endpoint }).send(
    new PutMetricDataCommand({
      Namespace: METRICS_NAMESPACE,
      MetricData: [{ MetricName: RECONCILIATION_SUCCEEDED, Dimensions: [{ Name: ARCHIVE_DIMENSION, Value: baseName }], Value: 1, Timestamp: when }],
    }),
  );
}
