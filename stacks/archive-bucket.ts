import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { LifecycleConfig, ObjectLockConfig } from './config';
import { policyDocument, type PolicyStatement } from './policy';
import { makePrivateAndVersioned } from './private-bucket';

/** Settings of the archive bucket. */
export interface ArchiveBucketProps {
  /** The bucket's name. */
  readonly bucketName: string;
  /** ARN of the KMS key for default encryption. */
  readonly kmsKeyArn: string;
  /** S3 prefix the exports go under (no trailing slash); empty for the whole bucket. The lifecycle rule of the exports applies below it. */
  readonly archivePrefix: string;
  readonly lifecycle: LifecycleConfig;
  /** @default undefined (no Object Lock) */
  readonly objectLock?: ObjectLockConfig;
  /**
   * Where Athena writes query results (ending in "/"); they expire after
   * {@link QUERY_RESULTS_EXPIRATION_DAYS} days.
   * @default undefined (no query results, no rule for them)
   */
  readonly queryResultsPrefix?: string;
  /**
   * Statements the bucket policy holds beside the TLS-only Deny (a vault's: stacks/vault-policies.ts), given the bucket's ARN.
   * @default undefined (the TLS-only Deny alone)
   */
  readonly moreStatements?: (bucketArn: string) => readonly PolicyStatement[];
  /**
   * Where S3 delivers the bucket's server access logs; `after` is what lets S3 deliver there (the
   * target's policy), which S3 checks when logging is turned on. @default undefined (no access logging)
   */
  readonly accessLog?: { readonly targetBucket: string; readonly targetPrefix: string; readonly after?: ITerraformDependable };
}

/** Days after which an unfinished multipart upload (an export cut short) is cleaned up. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** Days Athena query results are kept: long enough to download, not kept as an archive. */
export const QUERY_RESULTS_EXPIRATION_DAYS = 30;

/**
 * The S3 bucket that holds the exports: SSE-KMS with bucket keys, versioning, every public
 * access block, ACLs disabled, TLS-only access, lifecycle rules and optional Object Lock.
 * Never force-destroyed: deleting the stack must not delete the archive.
 */
export class ArchiveBucket extends Construct {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The bucket's ARN. */
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: false,
      objectLockEnabled: props.objectLock !== undefined,
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    const versioning = makePrivateAndVersioned(this, bucket.id);
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: policyDocument([...archiveBucketPolicy(bucket.arn), ...(props.moreStatements?.(bucket.arn) ?? [])]),
    });
    if (props.accessLog !== undefined) {
      new S3BucketLoggingA(this, 'access-log', {
        bucket: bucket.id,
        targetBucket: props.accessLog.targetBucket,
        targetPrefix: props.accessLog.targetPrefix,
        ...(props.accessLog.after !== undefined ? { dependsOn: [props.accessLog.after] } : {}),
      });
    }

    const { lifecycle } = props;
    // The exports' rule applies below the archive prefix only, so that nothing else in the bucket
    // (Athena's query results) moves to a storage class Athena cannot read.
    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'archive-exports',
        status: 'Enabled',
        filter: [{ prefix: props.archivePrefix === '' ? '' : `${props.archivePrefix}/` }],
        transition: [{ days: lifecycle.transitionAfterDays, storageClass: lifecycle.transitionStorageClass }],
        ...(lifecycle.expirationDays !== undefined ? { expiration: [{ days: lifecycle.expirationDays }] } : {}),
        noncurrentVersionExpiration: [{ noncurrentDays: lifecycle.noncurrentVersionExpirationDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
      },
    ];
    if (props.queryResultsPrefix !== undefined) {
      rules.push({
        id: 'athena-query-results',
        status: 'Enabled',
        filter: [{ prefix: props.queryResultsPrefix }],
        expiration: [{ days: QUERY_RESULTS_EXPIRATION_DAYS }],
        // Versioning keeps an expired result as a noncurrent version; it has no value after that.
        noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
      });
    }
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      // S3 rejects lifecycle rules on a bucket whose versioning is still being set up.
      dependsOn: [versioning],
      rule: rules,
    });

    if (props.objectLock !== undefined) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket: bucket.id,
        dependsOn: [versioning],
        rule: { defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days } },
      });
    }
  }
}

/** The bucket policy: deny every request that does not use TLS. */
export function archiveBucketPolicy(bucketArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'DenyRequestsWithoutTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
}
