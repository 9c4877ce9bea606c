// The vault's access-log bucket alone: what S3 allows as a log target (SSE-S3, no Object Lock),
// only S3's log delivery for the archive bucket writes, and no source account may touch it.
import { describe, expect, it } from 'vitest';
import { AccessLogBucket } from '../../stacks/access-log-bucket';
import { ACCESS_LOG_PREFIX } from '../../stacks/vault-policies';
import { addressOf, onlyResource, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const ARCHIVE_ARN = 'arn:aws:s3:::rds-archive-dev-123456789012-us-east-1';
const synthesized = synthConstruct(
  (scope) =>
    new AccessLogBucket(scope, 'logs', {
      scope: TEST_SCOPE,
      bucketName: 'rds-archive-dev-logs-123456789012-us-east-1',
      archiveBucketArn: ARCHIVE_ARN,
      sourceAccountIds: ['222222222222'],
      expirationDays: 365,
    }),
);
const logArn = `\${${addressOf(synthesized, 'aws_s3_bucket')}.arn}`;
const policy = statementsOf(onlyResource(synthesized, 'aws_s3_bucket_policy').policy);

describe('AccessLogBucket', () => {
  it('is encrypted with SSE-S3 and has no Object Lock: what S3 delivers server access logs into', () => {
    expect(onlyResource(synthesized, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
    expect(onlyResource(synthesized, 'aws_s3_bucket').object_lock_enabled).toBeUndefined();
    expect(synthesized.resource.aws_s3_bucket_object_lock_configuration).toBeUndefined();
    expect(onlyResource(synthesized, 'aws_s3_bucket').force_destroy).toBe(false);
  });

  it('is versioned and private, and keeps logs the given days', () => {
    expect(onlyResource(synthesized, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(synthesized, 'aws_s3_bucket_public_access_block')).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
    expect((onlyResource(synthesized, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>)[0]).toMatchObject({
      expiration: [{ days: 365 }],
    });
  });

  it("lets S3's log delivery write for the archive bucket of this account only, under its prefix", () => {
    expect(statement(policy, 'S3DeliversAccessLogsOfTheArchive')).toEqual({
      Sid: 'S3DeliversAccessLogsOfTheArchive',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logArn}/${ACCESS_LOG_PREFIX}*`,
      Condition: { ArnLike: { 'aws:SourceArn': ARCHIVE_ARN }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('denies the source accounts every action on it, and every request without TLS', () => {
    expect(statement(policy, 'DenySourceAccounts')).toMatchObject({
      Effect: 'Deny',
      Action: 's3:*',
      Resource: [logArn, `${logArn}/*`],
      Condition: { StringEquals: { 'aws:PrincipalAccount': ['222222222222'] } },
    });
    expect(statement(policy, 'DenyRequestsWithoutTls').Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });
});
