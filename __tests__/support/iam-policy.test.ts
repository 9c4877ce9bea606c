import { describe, expect, it } from 'vitest';
import { isAllowed, wildcardMatch, type IdentityStatement } from './iam-policy';

describe('IAM policy evaluator (used by the deploy rehearsal)', () => {
  const statements: IdentityStatement[] = [
    { Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::archive/exports/*' },
    { Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::archive/exports/secret' },
  ];

  it('allows only what an Allow statement covers', () => {
    expect(isAllowed(statements, 's3:PutObject', 'arn:aws:s3:::archive/exports/db/x.parquet')).toBe(true);
    expect(isAllowed(statements, 's3:PutObject', 'arn:aws:s3:::archive/other/x')).toBe(false);
    expect(isAllowed(statements, 's3:DeleteObject', 'arn:aws:s3:::archive/exports/db/x')).toBe(false);
    expect(isAllowed(statements, 'RDS:DescribeDBSnapshots', 'arn:aws:rds:us-east-1:1:snapshot:x')).toBe(true);
  });

  it('lets an explicit Deny win', () => {
    expect(isAllowed(statements, 's3:GetObject', 'arn:aws:s3:::archive/exports/secret')).toBe(false);
  });

  it('matches wildcards like IAM: * any run, ? one character, the rest literally', () => {
    expect(wildcardMatch('arn:aws:rds:*:snapshot:*', 'arn:aws:rds:us-east-1:1:snapshot:a')).toBe(true);
    expect(wildcardMatch('a?c', 'abc')).toBe(true);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(wildcardMatch('s3:putobject', 's3:PutObject', true)).toBe(true);
  });

  it('reads NotAction as everything but', () => {
    expect(isAllowed([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], 'iam:PassRole', '*')).toBe(false);
    expect(isAllowed([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], 's3:GetObject', '*')).toBe(true);
  });

  it('evaluates conditions only when given a request context', () => {
    // Prepare
    const conditioned: IdentityStatement[] = [
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: 'arn:aws:kms:us-east-1:1:key/k',
        Condition: { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com', 'sns.us-east-1.amazonaws.com'] } },
      },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::archive', Condition: { StringLike: { 's3:prefix': 'exports/*' } } },
    ];
    const key = 'arn:aws:kms:us-east-1:1:key/k';
    // Act / Assess
    expect(isAllowed(conditioned, 'kms:Decrypt', key)).toBe(true);
    expect(isAllowed(conditioned, 'kms:Decrypt', key, { 'kms:ViaService': 'sns.us-east-1.amazonaws.com' })).toBe(true);
    expect(isAllowed(conditioned, 'kms:Decrypt', key, { 'kms:ViaService': 'lambda.us-east-1.amazonaws.com' })).toBe(false);
    expect(isAllowed(conditioned, 'kms:Decrypt', key, {})).toBe(false);
    expect(isAllowed(conditioned, 's3:ListBucket', 'arn:aws:s3:::archive', { 's3:prefix': 'exports/orders-db/x/' })).toBe(true);
    expect(isAllowed(conditioned, 's3:ListBucket', 'arn:aws:s3:::archive', { 's3:prefix': 'elsewhere/' })).toBe(false);
  });

  it('refuses to guess about condition operators it does not know', () => {
    const statements: IdentityStatement[] = [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
    ];
    expect(() => isAllowed(statements, 's3:GetObject', 'x', { 'aws:SourceIp': '10.1.2.3' })).toThrow(/IpAddress/);
  });
});
