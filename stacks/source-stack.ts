import type { Construct } from 'constructs';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { sourceArchivePrefix, writeSettings } from '../handler/contract';
import { ArchiveKey, topicsKeyPolicy } from './archive-key';
import { exporterSettings } from './archive-stack';
import { iamName, resourceBaseName, type ArchiveConfig } from './config';
import { ExportRole } from './export-role';
import { deployExporterRouting } from './exporter-routing';
import { deployOperatedExporter, operatedExporterOutputs, prepareExporter, type StackOutput } from './operated-exporter';
import type { AwsScope } from './policy';
import { sourceAccessStatements, sourceExportRolePolicy, vaultKeyReference } from './source-access';
import type { StackContext } from './stack-context';
import { awsProvider, configureBackend } from './stack-setup';
import { sourceStackName, vaultBucketName, vaultKeyAliasArn, vaultKeyAliasName } from './vault-names';
import { requireVault } from './vault-stack';

/** Settings of one source account's stack in one region. */
export interface SourceStackProps {
  readonly config: ArchiveConfig;
  readonly region: string;
  /** The source account (one of config.vault.sourceAccounts). */
  readonly accountId: string;
}

/**
 * One source account's archiving in one region, exporting into its vault: what a single-account
 * stack holds (event subscriptions, exporter, reconciliation, alarms, operator policy) without the
 * bucket, the archive key, the catalog, the workgroup and the reader policy, which are the vault's.
 * Its exporter starts exports into the vault's bucket under `<archivePrefix>/<account>/` with the
 * vault's key (named by its alias ARN: source-access.ts says why) and hands each completed one
 * over to the vault. Its own small key encrypts its topics and dead-letter queue.
 */
export class SourceStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SourceStackProps) {
    super(scope, id);
    const { config, region, accountId } = props;
    const vault = requireVault(config);
    const source = vault.sourceAccounts.find((s) => s.accountId === accountId);
    if (source === undefined) throw new Error(`account ${accountId} is not one of vault.sourceAccounts`);
    const baseName = resourceBaseName(config);
    awsProvider(this, config, region, source);
    configureBackend(this, config, sourceStackName(config, accountId, region));

    const partition = new DataAwsPartition(this, 'partition');
    const aws: AwsScope = { partition: partition.partition, accountId, region, dnsSuffix: partition.dnsSuffix };
    const stack: StackContext = { config, aws, baseName };
    const bucketName = vaultBucketName(config, vault.accountId, region);
    const bucketArn = `arn:${aws.partition}:s3:::${bucketName}`;
    const sourcePrefix = sourceArchivePrefix(config.archivePrefix, accountId);
    const vaultKey = vaultKeyReference(aws.partition, region, vault.accountId, vaultKeyAliasName(config));
    const vaultKeyArn = vaultKeyAliasArn(aws.partition, region, vault.accountId, config);

    const exportRole = new ExportRole(this, 'export-role', { scope: aws, roleName: iamName(config, region, 'export') });
    exportRole.grantAccess(
      { bucketArn, archivePrefix: sourcePrefix, kmsKeyArn: vaultKeyArn },
      sourceExportRolePolicy({ scope: aws, bucketArn, sourcePrefix, vaultKey }),
    );
    const exporter = prepareExporter(this, stack);
    const key = new ArchiveKey(this, 'key', {
      scope: aws,
      baseName,
      aliasName: `${baseName}-topics`,
      encrypts: "the snapshot event and notifications topics and the dead-letter queue (the exports use the vault's key)",
      policy: topicsKeyPolicy(aws),
    });

    const routing = deployExporterRouting(this, stack, key.keyArn);
    const { notifications } = routing;
    const archiveAccess = sourceAccessStatements({
      scope: aws,
      bucketArn,
      sourcePrefix,
      vaultKey,
      exportRoleArn: exportRole.roleArn,
      notificationsTopicArn: notifications.topicArn,
      topicsKeyArn: key.keyArn,
    });
    const { operator } = deployOperatedExporter(this, stack, {
      exporter,
      routing,
      archiveAccess,
      kmsKeyArn: key.keyArn,
      environment: writeSettings({
        ...exporterSettings(config, { bucketName, exportRoleArn: exportRole.roleArn, kmsKeyArn: vaultKeyArn, notificationsTopicArn: notifications.topicArn }),
        // Everything this exporter writes or reads is under its own prefix of the vault.
        archivePrefix: sourcePrefix,
        // The vault catalogs; a source never reads the data.
        catalogEnabled: false,
        vaultAccountId: vault.accountId,
      }),
      doctorReads: { exportRoleArn: exportRole.roleArn, bucketArn, readsExportRolePolicy: true },
    });

    const outputs: Record<string, StackOutput> = {
      'archive-bucket': { value: bucketName, description: "The vault's bucket this account exports into" },
      'archive-prefix': { value: sourcePrefix, description: "This account's prefix in the vault's bucket" },
      'kms-key-arn': { value: vaultKeyArn, description: "The vault's key (alias ARN) the exports are encrypted with" },
      'topics-key-arn': { value: key.keyArn, description: "This account's key for its topics and dead-letter queue" },
      'export-role-arn': { value: exportRole.roleArn, description: 'IAM role RDS assumes to write exports into the vault' },
      ...operatedExporterOutputs(routing, exporter, operator, 'Lambda function that starts the exports and hands them over to the vault'),
    };
    for (const [outputId, output] of Object.entries(outputs)) new TerraformOutput(this, outputId, output);
  }
}
