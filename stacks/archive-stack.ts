import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { ArchiveBucket } from './archive-bucket';
import { ArchiveKey } from './archive-key';
import { type Settings, writeSettings } from '../handler/contract';
import { iamName, resourceBaseName, stackName, type ArchiveConfig } from './config';
import { ExportRole } from './export-role';
import type { AwsScope } from './policy';
import { archiveAccessStatements } from './archive-access';
import { QUERY_RESULTS_PREFIX } from './athena-workgroup';
import { deployArchiveReaders } from './archive-readers';
import { deployExporterRouting } from './exporter-routing';
import { deployOperatedExporter, operatedExporterOutputs, prepareExporter, type StackOutput } from './operated-exporter';
import type { StackContext } from './stack-context';
import { awsProvider, configureBackend } from './stack-setup';

export { defaultTags } from './stack-setup';

/** Settings of one region's archive stack. */
export interface ArchiveStackProps {
  readonly config: ArchiveConfig;
  /** The region this stack archives; its snapshots export to a bucket in the same region. */
  readonly region: string;
}

/** The deployed resources the exporter's settings name. */
export interface ExporterResources {
  readonly bucketName: string;
  readonly exportRoleArn: string;
  readonly kmsKeyArn: string;
  readonly notificationsTopicArn: string;
}

/** The handler's environment variables, from the settings and the deployed resources, written by the settings contract. */
export function exporterEnvironment(config: ArchiveConfig, resources: ExporterResources): Record<string, string> {
  return writeSettings(exporterSettings(config, resources));
}

/** The exporter's settings from the configuration and the deployed resources (a source of a vault changes some: stacks/source-stack.ts). */
export function exporterSettings(config: ArchiveConfig, resources: ExporterResources): Settings {
  return {
    archiveBucket: resources.bucketName,
    exportRoleArn: resources.exportRoleArn,
    exportKmsKeyArn: resources.kmsKeyArn,
    archivePrefix: config.archivePrefix,
    snapshotTypes: config.snapshotTypes,
    includeDatabases: config.includeDatabases,
    excludeDatabases: config.excludeDatabases,
    exportOnly: config.exportOnly,
    notifyTopicArn: resources.notificationsTopicArn,
    archiveName: resourceBaseName(config),
    lookbackDays: config.reconciliation.lookbackDays,
    maxConcurrentExports: config.reconciliation.maxConcurrentExports,
    maxExportAttempts: config.reconciliation.maxExportAttempts,
    policy: config.policy,
    catalogEnabled: config.catalog.enabled,
  };
}

/**
 * One region's snapshot archive: key, bucket, export role, event topic and subscriptions, the
 * exporter Lambda with its reconciliation schedule, dead-letter queue, alarms and
 * notifications topic, the operator and reader policies, and the Athena workgroup when the catalog is on,
 * with remote state when configured.
 */
export class ArchiveStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ArchiveStackProps) {
    super(scope, id);
    const { config, region } = props;
    const name = stackName(config, region);
    const baseName = resourceBaseName(config);

    awsProvider(this, config, region);
    configureBackend(this, config, name);

    const identity = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');
    const aws: AwsScope = { partition: partition.partition, accountId: identity.accountId, region, dnsSuffix: partition.dnsSuffix };
    const stack: StackContext = { config, aws, baseName };

    const exportRole = new ExportRole(this, 'export-role', { scope: aws, roleName: iamName(config, region, 'export') });
    const exporter = prepareExporter(this, stack);
    const key = new ArchiveKey(this, 'key', {
      scope: aws,
      baseName,
      existingKeyArn: config.existingKmsKeyArns[region],
      exportRoleArn: exportRole.roleArn,
      exporterRoleArn: exporter.roleArn,
    });

    const existingBucket = config.existingBucketNames[region];
    const bucket =
      existingBucket !== undefined
        ? { bucketName: existingBucket, bucketArn: `arn:${aws.partition}:s3:::${existingBucket}` }
        : new ArchiveBucket(this, 'bucket', {
            bucketName: `${baseName}-${aws.accountId}-${region}`,
            kmsKeyArn: key.keyArn,
            archivePrefix: config.archivePrefix,
            lifecycle: config.lifecycle,
            objectLock: config.objectLock,
            queryResultsPrefix: config.catalog.enabled ? QUERY_RESULTS_PREFIX : undefined,
          });
    exportRole.grantAccess({ bucketArn: bucket.bucketArn, archivePrefix: config.archivePrefix, kmsKeyArn: key.keyArn });

    const routing = deployExporterRouting(this, stack, key.keyArn);
    const { notifications } = routing;
    // What operating the archive takes, granted alike to the exporter and to operators.
    const archiveAccess = archiveAccessStatements({
      scope: aws,
      exportRoleArn: exportRole.roleArn,
      kmsKeyArn: key.keyArn,
      bucketArn: bucket.bucketArn,
      archivePrefix: config.archivePrefix,
      notificationsTopicArn: notifications.topicArn,
      catalogArchiveName: config.catalog.enabled ? baseName : undefined,
    });
    const { function: fn, operator } = deployOperatedExporter(this, stack, {
      exporter,
      routing,
      archiveAccess,
      kmsKeyArn: key.keyArn,
      environment: exporterEnvironment(config, {
        bucketName: bucket.bucketName,
        exportRoleArn: exportRole.roleArn,
        kmsKeyArn: key.keyArn,
        notificationsTopicArn: notifications.topicArn,
      }),
      doctorReads: { exportRoleArn: exportRole.roleArn, bucketArn: bucket.bucketArn },
    });
    const { reader, workgroup } = deployArchiveReaders(this, stack, { bucket, kmsKeyArn: key.keyArn, settingsFunctionArn: fn.arn });

    const outputs: Record<string, StackOutput> = {
      'archive-bucket': { value: bucket.bucketName, description: 'S3 bucket the exports are written to' },
      'kms-key-arn': { value: key.keyArn, description: 'KMS key that encrypts the exports, bucket and topic' },
      'export-role-arn': { value: exportRole.roleArn, description: 'IAM role RDS assumes to write exports' },
      ...operatedExporterOutputs(routing, exporter, operator, 'Lambda function that starts the exports'),
      'reader-policy-arn': {
        value: reader.policyArn,
        description: 'IAM policy to attach to those who query the archive in Athena or restore from it, and change nothing',
      },
      ...(workgroup !== undefined
        ? {
            'athena-workgroup': {
              value: workgroup.workgroupName,
              description: 'Athena workgroup to query the cataloged exports with (results encrypted in the archive bucket)',
            },
          }
        : {}),
    };
    for (const [outputId, output] of Object.entries(outputs)) {
      new TerraformOutput(this, outputId, output);
    }
  }
}
