import { describe, expect, it } from 'vitest';
import { isAllowed, wildcardMatch, type IdentityStatement } from './support/iam-policy';

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
});
