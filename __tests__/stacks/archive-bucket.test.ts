// The archive bucket alone: encryption, versioning, no public access, TLS only, the lifecycle
// rules of the exports and of Athena's query results, and Object Lock when asked for.
import { describe, expect, it } from 'vitest';
import { ArchiveBucket, type ArchiveBucketProps } from '../../stacks/archive-bucket';
import { QUERY_RESULTS_PREFIX } from '../../stacks/athena-workgroup';
import { DEFAULT_CONFIG, type LifecycleConfig } from '../../stacks/config-types';
import { addressOf, onlyResource, resources, statementsOf, synthConstruct, type SynthesizedResources } from '../support/synthesized';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** The bucket as the stack builds it with the default settings and the catalog on. */
const PROPS: ArchiveBucketProps = {
  bucketName: 'rds-archive-dev-123456789012-us-east-1',
  kmsKeyArn: KEY_ARN,
  archivePrefix: 'exports',
  lifecycle: DEFAULT_CONFIG.lifecycle,
  queryResultsPrefix: QUERY_RESULTS_PREFIX,
};
const bucketOf = (props: Partial<ArchiveBucketProps> = {}) => synthConstruct((scope) => new ArchiveBucket(scope, 'bucket', { ...PROPS, ...props }));
const lifecycleRules = (synthesized: SynthesizedResources) =>
  onlyResource(synthesized, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
const defaults = bucketOf();
const bucketArn = `\${${addressOf(defaults, 'aws_s3_bucket')}.arn}`;

describe('ArchiveBucket', () => {
  it('has the name it is given and is never force-destroyed', () => {
    const bucket = onlyResource(defaults, 'aws_s3_bucket');
    expect(bucket.bucket).toBe('rds-archive-dev-123456789012-us-east-1');
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.object_lock_enabled).toBe(false);
  });

  it('encrypts with the archive key and bucket keys', () => {
    expect(onlyResource(defaults, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: KEY_ARN }, bucket_key_enabled: true },
    ]);
  });

  it('is versioned, blocks all public access and enforces object ownership', () => {
    expect(onlyResource(defaults, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(defaults, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(defaults, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  it('denies every request without TLS', () => {
    const [deny, ...others] = statementsOf(onlyResource(defaults, 'aws_s3_bucket_policy').policy);
    expect(others).toHaveLength(0);
    expect(deny).toEqual({
      Sid: 'DenyRequestsWithoutTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('applies the default lifecycle and aborts incomplete uploads', () => {
    const [rule] = lifecycleRules(defaults);
    expect(rule).toMatchObject({
      id: 'archive-exports',
      status: 'Enabled',
      transition: [{ days: 30, storage_class: 'GLACIER_IR' }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
    });
    expect(rule).not.toHaveProperty('expiration');
  });

  it("moves only the archive prefix's objects to the archive storage class", () => {
    // Act
    const withoutPrefix = bucketOf({ archivePrefix: '' });

    // Assess
    expect(lifecycleRules(defaults)[0]!.filter).toEqual([{ prefix: 'exports/' }]);
    expect(lifecycleRules(withoutPrefix)[0]!.filter).toEqual([{ prefix: '' }]);
  });

  it('expires Athena query results after 30 days and never moves them to another storage class', () => {
    // Act
    const results = lifecycleRules(defaults).filter((r) => r.id === 'athena-query-results');

    // Assess
    expect(results).toEqual([
      {
        id: 'athena-query-results',
        status: 'Enabled',
        filter: [{ prefix: 'athena-results/' }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 1 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
    ]);
  });

  it('has no rule for query results when there are none', () => {
    const rules = lifecycleRules(bucketOf({ queryResultsPrefix: undefined }));
    expect(rules.map((r) => r.id)).toEqual(['archive-exports']);
  });

  it('applies a configured lifecycle with expiration', () => {
    // Prepare
    const lifecycle: LifecycleConfig = {
      transitionStorageClass: 'DEEP_ARCHIVE',
      transitionAfterDays: 180,
      expirationDays: 3650,
      noncurrentVersionExpirationDays: 7,
    };

    // Act
    const [rule] = lifecycleRules(bucketOf({ lifecycle, queryResultsPrefix: undefined }));

    // Assess
    expect(rule).toMatchObject({
      transition: [{ days: 180, storage_class: 'DEEP_ARCHIVE' }],
      expiration: [{ days: 3650 }],
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
  });

  it('has no Object Lock unless asked for, and the given retention when it is', () => {
    expect(resources(defaults, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(0);
    const locked = bucketOf({ objectLock: { mode: 'COMPLIANCE', days: 400 } });
    expect(onlyResource(locked, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    expect(onlyResource(locked, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 400 } });
  });
});
