// What it takes to operate the archive: the permissions the exporter Lambda and an operator
// running `npm run archive` both need, defined once so the two cannot drift apart.
import { glueDatabasePrefix, MANIFEST_FILE_NAME, verifiedRecordKey } from '../handler/contract';
import { serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';

/** Where the archive lives, known once the bucket, key, export role and notifications topic exist. */
export interface ArchiveAccessInputs {
  readonly scope: AwsScope;
  /** The role RDS assumes to write exports; the only role an export may be started with. */
  readonly exportRoleArn: string;
  /** The archive key: exports, bucket, topics and queue are encrypted with it. */
  readonly kmsKeyArn: string;
  readonly bucketArn: string;
  /** S3 prefix the exports go under; empty for the whole bucket. */
  readonly archivePrefix: string;
  /** The topic failures and incomplete exports are reported to. */
  readonly notificationsTopicArn: string;
  /**
   * The archive's name (the stack's ARCHIVE_NAME); its Glue databases start with
   * glueDatabasePrefix(archiveName). Undefined when the catalog is disabled: no Glue permissions.
   * @default undefined (no Glue permissions)
   */
  readonly catalogArchiveName?: string;
}

/** The S3 objects of the archive matching `pattern` below every export folder: `<bucket>/<prefix>/*\/<pattern>`. */
function underExports(inputs: ArchiveAccessInputs, pattern: string): string {
  const prefix = inputs.archivePrefix === '' ? '' : `${inputs.archivePrefix}/`;
  return `${inputs.bucketArn}/${prefix}*/${pattern}`;
}

/**
 * The statements that let a principal operate the archive: find snapshots, start exports of this
 * account's and region's snapshots with the export role and key, follow them, verify them (list
 * the archive prefix, read RDS's metadata files, write manifests, and nothing else in S3),
 * register them in Glue when the catalog is on, and report to the notifications topic.
 */
export function archiveAccessStatements(inputs: ArchiveAccessInputs): PolicyStatement[] {
  return [
    ...exportStartStatements(inputs),
    ...verificationStatements(inputs),
    ...(inputs.catalogArchiveName === undefined ? [] : [catalogStatement(inputs.scope, inputs.catalogArchiveName)]),
    {
      Sid: 'NotifyOperators',
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: inputs.notificationsTopicArn,
    },
  ];
}

/** Where exports start: the export role to pass and the key to grant to RDS (a vault's key is named by a condition: stacks/source-access.ts). */
export interface ExportStartInputs {
  readonly scope: AwsScope;
  readonly exportRoleArn: string;
  readonly kmsKeyArn: string;
  /** Narrows the key statements further (a source names the vault's key by its alias). @default undefined */
  readonly kmsKeyCondition?: PolicyStatement['Condition'];
}

/**
 * Finding snapshots and starting and following their exports: this account's and region's
 * snapshots only, with the export role and the key (handed to RDS through a grant).
 */
export function exportStartStatements(inputs: ExportStartInputs): PolicyStatement[] {
  const { partition, region, accountId } = inputs.scope;
  const rds = `arn:${partition}:rds:${region}:${accountId}`;
  const keyCondition = inputs.kmsKeyCondition ?? {};
  return [
    {
      Sid: 'DescribeSnapshots',
      Effect: 'Allow',
      Action: ['rds:DescribeDBSnapshots', 'rds:DescribeDBClusterSnapshots'],
      Resource: [`${rds}:snapshot:*`, `${rds}:cluster-snapshot:*`, `${rds}:db:*`, `${rds}:cluster:*`],
    },
    {
      // IAM authorizes StartExportTask on the source snapshot: only this account's and region's.
      Sid: 'StartExportsOfOwnSnapshots',
      Effect: 'Allow',
      Action: 'rds:StartExportTask',
      Resource: [`${rds}:snapshot:*`, `${rds}:cluster-snapshot:*`],
    },
    {
      // Export tasks are not a resource type IAM can name, so describing them takes "*".
      Sid: 'DescribeExports',
      Effect: 'Allow',
      Action: 'rds:DescribeExportTasks',
      Resource: '*',
    },
    {
      Sid: 'PassExportRoleOnly',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: inputs.exportRoleArn,
    },
    {
      // StartExportTask hands the key to RDS through a grant made by its caller.
      Sid: 'GrantKeyToRdsOnly',
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: inputs.kmsKeyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, ...keyCondition },
    },
    {
      Sid: 'DescribeKey',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: inputs.kmsKeyArn,
      ...(inputs.kmsKeyCondition === undefined ? {} : { Condition: inputs.kmsKeyCondition }),
    },
  ];
}

/**
 * Verification reads what RDS wrote beside the data and records a manifest: it lists the archive
 * prefix, reads the export's metadata files (never the Parquet data), and writes only manifests
 * and the record of verified exports, so a bug or a stolen credential cannot overwrite or delete an export.
 */
function verificationStatements(inputs: ArchiveAccessInputs): PolicyStatement[] {
  const { scope, archivePrefix } = inputs;
  return [
    {
      Sid: 'ListArchivePrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: inputs.bucketArn,
      // Without a prefix the archive is the whole bucket, and listing it needs no condition.
      ...(archivePrefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': `${archivePrefix}/*` } } }),
    },
    {
      Sid: 'ReadExportMetadata',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [underExports(inputs, 'export_info_*.json'), underExports(inputs, 'export_tables_info_*.json'), underExports(inputs, MANIFEST_FILE_NAME)],
    },
    {
      Sid: 'WriteManifestsOnly',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: underExports(inputs, MANIFEST_FILE_NAME),
    },
    {
      // The reconciliation's record of verified exports (handler/verification/verified-record.ts): that one object.
      Sid: 'ReadWriteVerifiedRecord',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `${inputs.bucketArn}/${verifiedRecordKey(archivePrefix)}`,
    },
    {
      // The bucket and the notifications topic are encrypted with the archive key: reading the
      // metadata and writing manifests (S3) and publishing reports (SNS) use it through those
      // services, and the condition keeps it from being used directly.
      Sid: 'UseKeyThroughS3AndSns',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: inputs.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': [serviceEndpoint(scope, 's3'), serviceEndpoint(scope, 'sns')] } },
    },
  ];
}

/** Registration of verified exports in Glue: this archive's databases and their tables only; nothing is ever deleted. */
export function catalogStatement(scope: AwsScope, archiveName: string): PolicyStatement {
  const glue = `arn:${scope.partition}:glue:${scope.region}:${scope.accountId}`;
  const databasePrefix = glueDatabasePrefix(archiveName);
  return {
    Sid: 'RegisterInCatalog',
    Effect: 'Allow',
    Action: ['glue:GetDatabase', 'glue:CreateDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable', 'glue:GetPartition', 'glue:CreatePartition'],
    Resource: [`${glue}:catalog`, `${glue}:database/${databasePrefix}*`, `${glue}:table/${databasePrefix}*/*`],
  };
}
