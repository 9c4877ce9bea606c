// The vault's access-log bucket: where S3 delivers the server access logs of the archive bucket.
//
// Why server access logs and not CloudTrail data events: they cost nothing but their storage
// (data events cost per 100,000 events, plus a trail this stack would have to own beside an
// organization's), and they need nothing outside the vault stack. They are delivered best-effort,
// usually within hours; an organization that needs every request recorded adds a CloudTrail data
// event selector for the bucket on its own trail.
//
// What S3 allows for a server access log target (S3 user guide, "Enabling Amazon S3 server access
// logging"): a bucket in the same account and region, without Requester Pays, encrypted by default
// with SSE-S3 (AES256) (SSE-KMS default encryption is not supported for log delivery), and
// without an Object Lock default retention period. So this bucket is SSE-S3 and has no Object
// Lock; what keeps the logs is that no source account may touch the bucket (its policy denies
// them every action) and versioning.
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { ABORT_INCOMPLETE_UPLOAD_DAYS } from './archive-bucket';
import { policyDocument, type AwsScope } from './policy';
import { makePrivateAndVersioned } from './private-bucket';
import { accessLogBucketPolicy } from './vault-policies';

/** Settings of the access-log bucket. */
export interface AccessLogBucketProps {
  readonly scope: AwsScope;
  readonly bucketName: string;
  /** The bucket whose access logs it receives; only its log delivery may write here. */
  readonly archiveBucketArn: string;
  /** Accounts denied every action on the bucket. */
  readonly sourceAccountIds: readonly string[];
  /** Days a log file is kept. */
  readonly expirationDays: number;
}

/** A bucket for the archive bucket's server access logs: SSE-S3, versioned, private, only S3's log delivery writes. */
export class AccessLogBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The policy that lets S3 deliver logs here: logging is turned on after it (S3 checks it then). */
  readonly deliveryPolicy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: false });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    const versioning = makePrivateAndVersioned(this, bucket.id);
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    this.deliveryPolicy = new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: policyDocument(accessLogBucketPolicy(bucket.arn, props.archiveBucketArn, props.scope, props.sourceAccountIds)),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      dependsOn: [versioning],
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.expirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS }],
        },
      ],
    });
  }
}
