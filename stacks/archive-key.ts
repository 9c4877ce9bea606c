import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { policyDocument, type AwsScope, type PolicyStatement } from './policy';

/** The roles the single-account archive key's policy names. */
export interface ArchiveKeyRoles {
  /** The role RDS assumes to write exports; it encrypts the exported objects. */
  readonly exportRoleArn: string;
  /** The exporter Lambda's role; it hands the key to the export through a grant. */
  readonly exporterRoleArn: string;
}

/** Settings of the archive's KMS key: the single-account archive's policy, or a policy of the caller's (a vault's, a source's topics key). */
export type ArchiveKeyProps = ArchiveKeyBaseProps & (ArchiveKeyRoles | { readonly policy: readonly PolicyStatement[] });

/** Settings of the key whatever its policy. */
export interface ArchiveKeyBaseProps {
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources; the alias is alias/<baseName> unless aliasName says otherwise. */
  readonly baseName: string;
  /** Use this key instead of creating one. Its key policy is then the owner's to keep right. */
  readonly existingKeyArn?: string;
  /** The alias's name after "alias/". @default baseName */
  readonly aliasName?: string;
  /** What the key encrypts, for its description. @default "RDS snapshot exports, their bucket and event topic" */
  readonly encrypts?: string;
}

/**
 * The KMS key that encrypts the archive bucket, the exports, the topics and the dead-letter queue: rotation on,
 * an alias, and a key policy that keeps the account in control and lets exactly the export
 * role, the exporter (grants for AWS resources only), RDS's event service and CloudWatch
 * alarms (for the encrypted topics) use it.
 */
export class ArchiveKey extends Construct {
  /** ARN of the key, created or existing. */
  readonly keyArn: string;
  /** The key resource, when this construct created it. */
  readonly key?: KmsKey;

  constructor(scope: Construct, id: string, props: ArchiveKeyProps) {
    super(scope, id);
    if (props.existingKeyArn !== undefined) {
      this.keyArn = props.existingKeyArn;
      return;
    }
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts ${props.encrypts ?? 'RDS snapshot exports, their bucket and event topic'} (${props.baseName})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument('policy' in props ? props.policy : archiveKeyPolicy(props)),
    });
    new KmsAlias(this, 'alias', {
      name: `alias/${props.aliasName ?? props.baseName}`,
      targetKeyId: this.key.keyId,
    });
    this.keyArn = this.key.arn;
  }
}

/** The statements of the archive key's policy. */
export function archiveKeyPolicy(props: ArchiveKeyBaseProps & ArchiveKeyRoles): PolicyStatement[] {
  const { accountId } = props.scope;
  return [
    accountControlsTheKey(props.scope),
    {
      Sid: 'ExportRoleEncryptsExports',
      Effect: 'Allow',
      Principal: { AWS: props.exportRoleArn },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: '*',
    },
    {
      // StartExportTask hands the key to RDS through a grant made by its caller.
      Sid: 'ExporterGrantsToRdsOnly',
      Effect: 'Allow',
      Principal: { AWS: props.exporterRoleArn },
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    // RDS publishes its events to the encrypted event topic with a data key of this key.
    servicePublishesToEncryptedTopic('RdsEventsPublishToEncryptedTopic', 'events.rds.amazonaws.com', accountId),
    // CloudWatch alarms publish to the encrypted notifications topic.
    servicePublishesToEncryptedTopic('CloudWatchAlarmsPublishToEncryptedTopic', 'cloudwatch.amazonaws.com', accountId),
  ];
}

/**
 * The policy of a key that encrypts only a deployment's topics and dead-letter queue (a source
 * of a vault, whose exports use the vault's key): the account controls it, RDS's event service
 * and CloudWatch alarms publish with it.
 */
export function topicsKeyPolicy(scope: AwsScope): PolicyStatement[] {
  return [
    accountControlsTheKey(scope),
    servicePublishesToEncryptedTopic('RdsEventsPublishToEncryptedTopic', 'events.rds.amazonaws.com', scope.accountId),
    servicePublishesToEncryptedTopic('CloudWatchAlarmsPublishToEncryptedTopic', 'cloudwatch.amazonaws.com', scope.accountId),
  ];
}

/**
 * AWS's default first statement: without it the key could become unmanageable. It lets IAM
 * policies in this account (not any other) decide who administers the key.
 */
export function accountControlsTheKey(scope: AwsScope): PolicyStatement {
  return {
    Sid: 'AccountControlsTheKey',
    Effect: 'Allow',
    Principal: { AWS: `arn:${scope.partition}:iam::${scope.accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

/** Lets an AWS service, acting for this account only, make data keys to publish to an encrypted topic. */
export function servicePublishesToEncryptedTopic(sid: string, service: string, accountId: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  };
}
