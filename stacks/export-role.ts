import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { policyDocument, type AwsScope, type PolicyStatement } from './policy';

/** Settings of the role RDS assumes to write exports. */
export interface ExportRoleProps {
  readonly scope: AwsScope;
  /** The role's name (naming.ts: iamName). */
  readonly roleName: string;
}

/** Where the export role may write, known only once the bucket and key exist. */
export interface ExportRoleAccess {
  readonly bucketArn: string;
  /** S3 prefix the exports go under; empty for the whole bucket. */
  readonly archivePrefix: string;
  readonly kmsKeyArn: string;
}

/**
 * The IAM role RDS assumes to write an export: trusted only by export.rds.amazonaws.com on
 * behalf of this account, allowed only into the archive bucket and prefix and only the key.
 * The role and its policy are separate so the key policy can name the role before the key
 * exists.
 */
export class ExportRole extends Construct {
  /** The role's ARN, passed to StartExportTask. */
  readonly roleArn: string;
  /** The role's name. */
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: ExportRoleProps) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Assumed by RDS to write snapshot exports into the archive bucket',
      assumeRolePolicy: policyDocument(exportTrustPolicy(props.scope)),
    });
    this.roleArn = role.arn;
    this.roleName = role.name;
  }

  /** Gives the role what an export needs in the bucket and key (a source of a vault passes its own statements: stacks/source-access.ts). */
  grantAccess(access: ExportRoleAccess, statements: readonly PolicyStatement[] = exportRolePolicy(access)): void {
    new IamRolePolicy(this, 'access', {
      name: 'write-exports',
      role: this.roleName,
      policy: policyDocument(statements),
    });
  }
}

/** Trust policy: only RDS's export service, and only for this account's exports. */
export function exportTrustPolicy(scope: AwsScope): PolicyStatement[] {
  return [
    {
      Sid: 'RdsExportServiceOnly',
      Effect: 'Allow',
      Principal: { Service: 'export.rds.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': scope.accountId } },
    },
  ];
}

/**
 * Permissions policy. RDS documents the export's needs as PutObject*, GetObject*, DeleteObject*,
 * ListBucket and GetBucketLocation; we name the concrete actions instead of wildcards, and leave
 * out the version and ACL actions so an export can never destroy an earlier object version.
 */
export function exportRolePolicy(access: ExportRoleAccess): PolicyStatement[] {
  const prefix = access.archivePrefix === '' ? '' : `${access.archivePrefix}/`;
  return [
    {
      Sid: 'ListArchiveBucket',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: access.bucketArn,
    },
    {
      Sid: 'WriteExportObjects',
      Effect: 'Allow',
      Action: [
        's3:PutObject',
        's3:PutObjectTagging',
        's3:GetObject',
        's3:GetObjectTagging',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      Resource: `${access.bucketArn}/${prefix}*`,
    },
    {
      Sid: 'EncryptExportObjects',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: access.kmsKeyArn,
    },
  ];
}
