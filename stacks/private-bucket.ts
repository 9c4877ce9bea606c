import type { Construct } from 'constructs';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';

/**
 * What every bucket of the stacks has, made in `scope` (the bucket's construct): every public
 * access block, ACLs disabled (objects are the bucket owner's, also those S3's log delivery
 * writes when the bucket's policy grants it) and versioning, which is returned so that rules that
 * need it (lifecycle, Object Lock) can wait for it.
 */
export function makePrivateAndVersioned(scope: Construct, bucketId: string): S3BucketVersioningA {
  new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucketId,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, 'ownership', { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  return new S3BucketVersioningA(scope, 'versioning', { bucket: bucketId, versioningConfiguration: { status: 'Enabled' } });
}
