// The vault's resource policies (pure): what each source account may do in the vault's bucket
// and with its key, and the explicit Denys that hold whatever else is granted. S3 and KMS refuse
// a policy that names a role which does not exist yet, and the vault is applied before its
// sources: so each statement names the source account (its root) as principal and narrows to the
// source's roles with aws:PrincipalArn (their names are deterministic: vault-names.ts); the Denys
// match every principal of the source accounts by aws:PrincipalAccount.
import { handoversPrefix, MANIFEST_FILE_NAME, sourceArchivePrefix, VERIFIED_RECORD_PATH, verifiedRecordKey } from '../handler/contract';
import type { ArchiveConfig } from './config-types';
import { serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';
import { archiveBucketPolicy } from './archive-bucket';
import { accountControlsTheKey, servicePublishesToEncryptedTopic } from './archive-key';
import { sourceRoleArn } from './vault-names';

/** One source account as the vault's policies see it. */
export interface VaultSource {
  readonly accountId: string;
  /** The role RDS assumes in the source account to write its exports. */
  readonly exportRoleArn: string;
  /** The source exporter's role: starts exports, hands them over, reads its manifests. */
  readonly exporterRoleArn: string;
  /** The source's prefix in the bucket: `<archivePrefix>/<accountId>`. */
  readonly prefix: string;
}

/** The source accounts of a vault in one region, with the roles their stacks create there. */
export function vaultSources(config: ArchiveConfig, partition: string, region: string): VaultSource[] {
  return (config.vault?.sourceAccounts ?? []).map(({ accountId }) => ({
    accountId,
    exportRoleArn: sourceRoleArn(partition, accountId, config, region, 'export'),
    exporterRoleArn: sourceRoleArn(partition, accountId, config, region, 'exporter'),
    prefix: sourceArchivePrefix(config.archivePrefix, accountId),
  }));
}

function root(scope: AwsScope, accountId: string): string {
  return `arn:${scope.partition}:iam::${accountId}:root`;
}

/** What the export role writes: RDS's documented needs, without any delete (the vault denies those). */
export const SOURCE_EXPORT_OBJECT_ACTIONS = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:GetObject',
  's3:GetObjectTagging',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

/** What no principal of a source account may do to an object: delete it, unlock it, or change who owns it. */
export const SOURCE_DENIED_OBJECT_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutObjectVersionTagging',
] as const;

/** What no principal of a source account may change about the bucket. */
export const SOURCE_DENIED_BUCKET_ACTIONS = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketObjectLockConfiguration',
  's3:PutLifecycleConfiguration',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
  's3:PutBucketLogging',
  's3:PutBucketNotification',
  's3:PutBucketAcl',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPublicAccessBlock',
  's3:PutReplicationConfiguration',
  's3:DeleteBucket',
] as const;

/** What no principal of a source account may do to the key: manage it, or re-encrypt with it. */
export const SOURCE_DENIED_KEY_ACTIONS = [
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
] as const;

/** Object actions a source may take, each confined to its own prefix by the Deny that follows them. */
const SOURCE_OBJECT_ACTIONS_CONFINED = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:AbortMultipartUpload',
];

/** The vault bucket's statements beside the TLS-only Deny (archive-bucket.ts). */
export function vaultBucketStatements(bucketArn: string, scope: AwsScope, sources: readonly VaultSource[]): PolicyStatement[] {
  const accounts = sources.map((s) => s.accountId);
  const fromSources = { StringEquals: { 'aws:PrincipalAccount': accounts } };
  return [
    ...sources.flatMap((source) => sourceBucketStatements(bucketArn, scope, source)),
    {
      Sid: 'DenySourcesDeletingOrUnlocking',
      Effect: 'Deny',
      Principal: '*',
      Action: [...SOURCE_DENIED_OBJECT_ACTIONS],
      Resource: `${bucketArn}/*`,
      Condition: fromSources,
    },
    {
      // The manifests (the vault's verdicts) and the record of verified exports are the vault's to
      // write. The export role may write anything else under its prefix, so a source could
      // otherwise plant a verdict or hide an export from the vault's next run.
      Sid: 'DenySourcesWritingVerdicts',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: [`${bucketArn}/*/${MANIFEST_FILE_NAME}`, `${bucketArn}/*/${VERIFIED_RECORD_PATH}`],
      Condition: fromSources,
    },
    {
      Sid: 'DenySourcesChangingTheBucket',
      Effect: 'Deny',
      Principal: '*',
      Action: [...SOURCE_DENIED_BUCKET_ACTIONS],
      Resource: bucketArn,
      Condition: fromSources,
    },
    ...sources.map(
      (source): PolicyStatement => ({
        Sid: `DenySource${source.accountId}OutsideItsPrefix`,
        Effect: 'Deny',
        Principal: '*',
        Action: SOURCE_OBJECT_ACTIONS_CONFINED,
        NotResource: `${bucketArn}/${source.prefix}/*`,
        Condition: { StringEquals: { 'aws:PrincipalAccount': source.accountId } },
      }),
    ),
  ];
}

function sourceBucketStatements(bucketArn: string, scope: AwsScope, source: VaultSource): PolicyStatement[] {
  const id = source.accountId;
  const principal = { AWS: root(scope, id) };
  const exportRole = { ArnEquals: { 'aws:PrincipalArn': source.exportRoleArn } };
  const exporter = { ArnEquals: { 'aws:PrincipalArn': source.exporterRoleArn } };
  return [
    {
      Sid: `Source${id}ExportRoleWritesItsPrefix`,
      Effect: 'Allow',
      Principal: principal,
      Action: [...SOURCE_EXPORT_OBJECT_ACTIONS],
      Resource: `${bucketArn}/${source.prefix}/*`,
      Condition: exportRole,
    },
    {
      Sid: `Source${id}ExportRoleLocatesBucket`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:GetBucketLocation',
      Resource: bucketArn,
      Condition: exportRole,
    },
    {
      // status and coverage list the source's manifests; an export lists where it writes.
      Sid: `Source${id}ListsItsPrefix`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': `${source.prefix}/*` } },
    },
    {
      Sid: `Source${id}ExporterHandsOver`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: `${bucketArn}/${handoversPrefix(source.prefix)}*`,
      Condition: exporter,
    },
    {
      // The vault's verdicts on the source's exports, and what it handed over: any principal of
      // the source account whose own policies allow it (the exporter, operators); never the data.
      Sid: `Source${id}ReadsItsRecords`,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:GetObject',
      Resource: [
        `${bucketArn}/${source.prefix}/*/${MANIFEST_FILE_NAME}`,
        `${bucketArn}/${verifiedRecordKey(source.prefix)}`,
        `${bucketArn}/${handoversPrefix(source.prefix)}*`,
      ],
    },
  ];
}

/** The vault key's policy: the vault account controls it; each source may use it for its exports and nothing more. */
export function vaultKeyPolicy(scope: AwsScope, sources: readonly VaultSource[]): PolicyStatement[] {
  const roots = sources.map((s) => root(scope, s.accountId));
  const exporters = { ArnEquals: { 'aws:PrincipalArn': sources.map((s) => s.exporterRoleArn) } };
  const viaS3 = { 'kms:ViaService': serviceEndpoint(scope, 's3') };
  return [
    // The vault account alone administers the key, through its IAM policies.
    accountControlsTheKey(scope),
    {
      Sid: 'SourceExportRolesEncryptExports',
      Effect: 'Allow',
      Principal: { AWS: roots },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': sources.map((s) => s.exportRoleArn) } },
    },
    {
      // StartExportTask hands the key to RDS through a grant made by its caller.
      Sid: 'SourceExportersGrantToRdsOnly',
      Effect: 'Allow',
      Principal: { AWS: roots },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' }, ...exporters },
    },
    {
      // StartExportTask also describes the key as its caller; a request to describe carries no grant condition.
      Sid: 'SourceExportersDescribeKey',
      Effect: 'Allow',
      Principal: { AWS: roots },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: exporters,
    },
    {
      // A handover is written SSE-KMS like every object of the bucket.
      Sid: 'SourceExportersWriteHandoversThroughS3',
      Effect: 'Allow',
      Principal: { AWS: roots },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: viaS3, ...exporters },
    },
    {
      // Reading the source's manifests (status, coverage); the bucket policy decides which objects.
      Sid: 'SourcesReadTheirRecordsThroughS3',
      Effect: 'Allow',
      Principal: { AWS: roots },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: viaS3 },
    },
    // CloudWatch alarms publish to the vault's encrypted notifications topic.
    servicePublishesToEncryptedTopic('CloudWatchAlarmsPublishToEncryptedTopic', 'cloudwatch.amazonaws.com', scope.accountId),
    {
      Sid: 'DenySourcesAdministeringTheKey',
      Effect: 'Deny',
      Principal: '*',
      Action: [...SOURCE_DENIED_KEY_ACTIONS],
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': sources.map((s) => s.accountId) } },
    },
  ];
}

/** Where S3 delivers the archive bucket's access logs in the log bucket. */
export const ACCESS_LOG_PREFIX = 'archive-bucket/';

/** The access-log bucket's policy: TLS only, S3's log delivery for the archive bucket alone, and nothing for the source accounts. */
export function accessLogBucketPolicy(logBucketArn: string, archiveBucketArn: string, scope: AwsScope, sourceAccountIds: readonly string[]): PolicyStatement[] {
  // { AWS: '*' } is IAM's equivalent of Principal '*'; it is written so here because S3's log
  // delivery check in moto (5.2.1, the rehearsal's emulator) reads every Principal as an object.
  const everyone = { AWS: '*' };
  return [
    ...archiveBucketPolicy(logBucketArn).map((statement) => ({ ...statement, Principal: everyone })),
    {
      Sid: 'S3DeliversAccessLogsOfTheArchive',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logBucketArn}/${ACCESS_LOG_PREFIX}*`,
      Condition: { ArnLike: { 'aws:SourceArn': archiveBucketArn }, StringEquals: { 'aws:SourceAccount': scope.accountId } },
    },
    {
      Sid: 'DenySourceAccounts',
      Effect: 'Deny',
      Principal: everyone,
      Action: 's3:*',
      Resource: [logBucketArn, `${logBucketArn}/*`],
      Condition: { StringEquals: { 'aws:PrincipalAccount': [...sourceAccountIds] } },
    },
  ];
}
