import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { handoversPrefix, VAULT_VERIFICATION_SUCCEEDED, writeVaultSettings } from '../handler/contract';
import { AccessLogBucket } from './access-log-bucket';
import { ArchiveBucket } from './archive-bucket';
import { ArchiveKey } from './archive-key';
import { QUERY_RESULTS_PREFIX } from './athena-workgroup';
import { deployArchiveReaders } from './archive-readers';
import { iamName, resourceBaseName, type ArchiveConfig, type VaultConfig } from './config';
import { FailureRouting } from './failure-routing';
import { Notifications } from './notifications';
import type { AwsScope } from './policy';
import { ReconcileSchedule } from './reconcile-schedule';
import { silentRunAlarm } from './silent-run-alarm';
import type { StackContext } from './stack-context';
import { awsProvider, configureBackend } from './stack-setup';
import { ACCESS_LOG_PREFIX, vaultBucketStatements, vaultKeyPolicy, vaultSources } from './vault-policies';
import { accessLogBucketName, vaultBucketName, vaultKeyAliasName, vaultStackName, vaultVerifierFunctionName } from './vault-names';
import { VaultOperatorPolicy } from './vault-operator-policy';
import { VaultVerifier } from './vault-verifier';

/** Settings of one region's vault stack. */
export interface VaultStackProps {
  readonly config: ArchiveConfig;
  readonly region: string;
}

/** Minutes between the verifier's scheduled runs, which catch handovers whose S3 event was lost. */
export const VAULT_SWEEP_EVERY_MINUTES = 60;

/**
 * One region's vault: the Object Lock bucket the sources export into and its key, with policies
 * that let each source write only its own prefix and let no source delete, unlock or reconfigure
 * anything; the access-log bucket; the verifier that verifies and catalogs what the sources hand
 * over; its dead-letter queue and alarms; and the catalog's workgroup and reader policy.
 */
export class VaultStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: VaultStackProps) {
    super(scope, id);
    const { config, region } = props;
    const vault = requireVault(config);
    const baseName = resourceBaseName(config);
    awsProvider(this, config, region, vault);
    configureBackend(this, config, vaultStackName(config, region));

    const partition = new DataAwsPartition(this, 'partition');
    // The account is the configured one (the provider accepts no other), so names and policies use it as a value.
    const aws: AwsScope = { partition: partition.partition, accountId: vault.accountId, region, dnsSuffix: partition.dnsSuffix };
    const stack: StackContext = { config, aws, baseName };
    const sources = vaultSources(config, aws.partition, region);
    const sourceAccountIds = sources.map((s) => s.accountId);

    const key = new ArchiveKey(this, 'key', {
      scope: aws,
      baseName,
      aliasName: vaultKeyAliasName(config),
      encrypts: "the vault's exports, its bucket and notifications",
      policy: vaultKeyPolicy(aws, sources),
    });
    const bucketName = vaultBucketName(config, vault.accountId, region);
    const logs = new AccessLogBucket(this, 'access-logs', {
      scope: aws,
      bucketName: accessLogBucketName(config, vault.accountId, region),
      archiveBucketArn: `arn:${aws.partition}:s3:::${bucketName}`,
      sourceAccountIds,
      expirationDays: config.logRetentionDays,
    });
    const bucket = new ArchiveBucket(this, 'bucket', {
      bucketName,
      kmsKeyArn: key.keyArn,
      archivePrefix: config.archivePrefix,
      lifecycle: config.lifecycle,
      objectLock: vault.objectLock,
      queryResultsPrefix: config.catalog.enabled ? QUERY_RESULTS_PREFIX : undefined,
      moreStatements: (bucketArn) => vaultBucketStatements(bucketArn, aws, sources),
      accessLog: { targetBucket: logs.bucketName, targetPrefix: ACCESS_LOG_PREFIX, after: logs.deliveryPolicy },
    });

    const notifications = new Notifications(this, 'notifications', { scope: aws, baseName, kmsKeyArn: key.keyArn, emails: config.notificationEmails });
    const failures = new FailureRouting(this, 'failures', {
      baseName: `${baseName}-vault`,
      kmsKeyArn: key.keyArn,
      notificationsTopicArn: notifications.topicArn,
      reconcileEveryMinutes: VAULT_SWEEP_EVERY_MINUTES,
    });
    const verifier = new VaultVerifier(this, 'verifier', {
      scope: aws,
      functionName: vaultVerifierFunctionName(config),
      roleName: iamName(config, region, 'verifier'),
      logRetentionDays: config.logRetentionDays,
      bucketName: bucket.bucketName,
      bucketArn: bucket.bucketArn,
      archivePrefix: config.archivePrefix,
      handoverPrefixes: sources.map((s) => handoversPrefix(s.prefix)),
      kmsKeyArn: key.keyArn,
      notificationsTopicArn: notifications.topicArn,
      deadLetterQueueArn: failures.deadLetterQueueArn,
      asyncRetryAttempts: config.asyncRetryAttempts,
      catalogArchiveName: config.catalog.enabled ? baseName : undefined,
      environment: writeVaultSettings({
        archiveBucket: bucket.bucketName,
        archivePrefix: config.archivePrefix,
        sourceAccountIds,
        archiveName: baseName,
        catalogEnabled: config.catalog.enabled,
        notifyTopicArn: notifications.topicArn,
      }),
    });
    new ReconcileSchedule(this, 'sweep', {
      baseName: `${baseName}-vault`,
      everyMinutes: VAULT_SWEEP_EVERY_MINUTES,
      functionName: verifier.functionName,
      functionArn: verifier.functionArn,
      description: 'Verifies the handovers whose S3 event the vault verifier did not receive',
    });
    silentRunAlarm(this, 'sweep-silent-alarm', {
      alarmName: `${baseName}-vault-verification-silent`,
      alarmDescription: `No hourly run of the vault verifier has handled every handover in two periods (${2 * VAULT_SWEEP_EVERY_MINUTES} minutes): handovers whose S3 event was lost or that failed are not being verified; see the verifier's logs`,
      metricName: VAULT_VERIFICATION_SUCCEEDED,
      archiveName: baseName,
      everyMinutes: VAULT_SWEEP_EVERY_MINUTES,
      notificationsTopicArn: notifications.topicArn,
    });

    const { reader, workgroup } = deployArchiveReaders(this, stack, { bucket, kmsKeyArn: key.keyArn, settingsFunctionArn: verifier.functionArn });

    const operator = new VaultOperatorPolicy(this, 'operator', {
      scope: aws,
      baseName,
      policyName: iamName(config, region, 'operator'),
      verifierFunctionArn: verifier.functionArn,
      bucketArn: bucket.bucketArn,
      kmsKeyArn: key.keyArn,
    });

    const outputs: Record<string, { value: string; description: string }> = {
      'archive-bucket': { value: bucket.bucketName, description: 'The vault bucket the source accounts export into (Object Lock)' },
      'kms-key-arn': { value: key.keyArn, description: "The vault's KMS key; the sources name it by its alias" },
      'access-log-bucket': { value: logs.bucketName, description: "Where S3 delivers the vault bucket's server access logs" },
      'verifier-function-name': { value: verifier.functionName, description: 'Lambda function that verifies and catalogs what the sources hand over' },
      'notifications-topic-arn': { value: notifications.topicArn, description: "SNS topic for the vault's alarms and rejected handovers" },
      'dead-letter-queue-url': { value: failures.deadLetterQueueUrl, description: 'SQS queue holding handover events the verifier could not handle' },
      'operator-policy-arn': { value: operator.policyArn, description: 'IAM policy (vault account) for `npm run archive -- doctor` there: reads only' },
      'reader-policy-arn': {
        value: reader.policyArn,
        description: 'IAM policy (vault account) to query the archive in Athena or restore from it, and change nothing',
      },
      ...(workgroup !== undefined
        ? { 'athena-workgroup': { value: workgroup.workgroupName, description: "Athena workgroup to query the vault's cataloged exports with" } }
        : {}),
    };
    for (const [outputId, output] of Object.entries(outputs)) new TerraformOutput(this, outputId, output);
  }
}

/** The vault setting, which a vault or source stack cannot be built without. */
export function requireVault(config: ArchiveConfig): VaultConfig {
  if (config.vault === undefined) throw new Error('a vault or source stack needs the vault setting (stacks/config-types.ts: VaultConfig)');
  return config.vault;
}
