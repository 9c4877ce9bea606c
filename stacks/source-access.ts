// What a source account's roles may do in its vault (pure): the export role writes the source's
// prefix of the vault's bucket with the vault's key; the exporter starts exports, hands each
// completed one over, and reads the vault's verdicts on them (never the data). The vault's
// bucket and key policies (vault-policies.ts) grant the same from the vault's side; a
// cross-account request needs both.
//
// The vault's key is named by its alias ARN (vault-names.ts: vaultKeyAliasArn), which
// StartExportTask's KmsKeyId accepts, so the source stack never reads the vault's state: the
// vault applies first, the sources after, with no credentials or state shared between accounts.
// IAM cannot name a key by an alias in Resource, so the statements name the vault account's keys
// in the region and narrow to the one whose alias it is (kms:ResourceAliases).
import { handoversPrefix, MANIFEST_FILE_NAME, verifiedRecordKey } from '../handler/contract';
import { exportStartStatements } from './archive-access';
import { serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';
import { SOURCE_EXPORT_OBJECT_ACTIONS } from './vault-policies';

/** The vault's key as a source's IAM policies name it: the vault account's keys in the region, with the vault key's alias. */
export interface VaultKeyReference {
  /** `arn:<partition>:kms:<region>:<vault account>:key/*`. */
  readonly resource: string;
  /** `ForAnyValue:StringEquals` on kms:ResourceAliases: the key that carries the vault's alias. */
  readonly condition: NonNullable<PolicyStatement['Condition']>;
}

/** The vault key's reference for a source in `region` of `partition`. */
export function vaultKeyReference(partition: string, region: string, vaultAccountId: string, aliasName: string): VaultKeyReference {
  return {
    resource: `arn:${partition}:kms:${region}:${vaultAccountId}:key/*`,
    condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${aliasName}` } },
  };
}

/** Where a source writes in its vault. */
export interface SourceVaultAccess {
  readonly scope: AwsScope;
  /** The vault's bucket. */
  readonly bucketArn: string;
  /** The source's prefix in it: `<archivePrefix>/<source account id>`. */
  readonly sourcePrefix: string;
  readonly vaultKey: VaultKeyReference;
}

/** The export role's policy in a source account: write (never delete) under the source's prefix, with the vault's key. */
export function sourceExportRolePolicy(access: SourceVaultAccess): PolicyStatement[] {
  return [
    {
      Sid: 'ListOwnPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: access.bucketArn,
      Condition: { StringLike: { 's3:prefix': `${access.sourcePrefix}/*` } },
    },
    { Sid: 'LocateVaultBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: access.bucketArn },
    { Sid: 'WriteExportObjects', Effect: 'Allow', Action: [...SOURCE_EXPORT_OBJECT_ACTIONS], Resource: `${access.bucketArn}/${access.sourcePrefix}/*` },
    {
      Sid: 'EncryptExportObjects',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: access.vaultKey.resource,
      Condition: access.vaultKey.condition,
    },
  ];
}

/** What a source's exporter and operators are granted. */
export interface SourceAccessInputs extends SourceVaultAccess {
  readonly exportRoleArn: string;
  readonly notificationsTopicArn: string;
  /** The source's own key, which encrypts its topics and dead-letter queue. */
  readonly topicsKeyArn: string;
}

/**
 * The statements that let a principal operate a source of a vault, alike for the exporter and
 * the operators: start exports of this account's snapshots into the vault, hand them over, and
 * read what the vault recorded about them (status, coverage), under the source's prefix only.
 */
export function sourceAccessStatements(inputs: SourceAccessInputs): PolicyStatement[] {
  const { bucketArn, sourcePrefix, vaultKey, scope } = inputs;
  return [
    ...exportStartStatements({ scope, exportRoleArn: inputs.exportRoleArn, kmsKeyArn: vaultKey.resource, kmsKeyCondition: vaultKey.condition }),
    {
      Sid: 'ListOwnPrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': `${sourcePrefix}/*` } },
    },
    {
      Sid: 'ReadOwnRecords',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [
        `${bucketArn}/${sourcePrefix}/*/${MANIFEST_FILE_NAME}`,
        `${bucketArn}/${verifiedRecordKey(sourcePrefix)}`,
        `${bucketArn}/${handoversPrefix(sourcePrefix)}*`,
      ],
    },
    { Sid: 'HandOverExports', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucketArn}/${handoversPrefix(sourcePrefix)}*` },
    {
      Sid: 'UseVaultKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: vaultKey.resource,
      Condition: { ...vaultKey.condition, StringEquals: { 'kms:ViaService': serviceEndpoint(scope, 's3') } },
    },
    { Sid: 'NotifyOperators', Effect: 'Allow', Action: 'sns:Publish', Resource: inputs.notificationsTopicArn },
    {
      Sid: 'UseTopicsKeyThroughSns',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: inputs.topicsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': serviceEndpoint(scope, 'sns') } },
    },
  ];
}
