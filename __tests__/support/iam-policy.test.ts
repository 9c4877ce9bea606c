import { describe, expect, it } from 'vitest';
import { decideAccess, isAllowed, type IdentityStatement, type ResourceStatement, wildcardMatch } from './iam-policy';

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

describe('IAM policy evaluator: resource policies and other accounts (used by the vault simulation)', () => {
  const bucket = 'arn:aws:s3:::vault';
  const source = { arn: 'arn:aws:iam::222222222222:role/export', accountId: '222222222222' };
  const stranger = { arn: 'arn:aws:iam::333333333333:role/export', accountId: '333333333333' };
  const bucketPolicy: ResourceStatement[] = [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::222222222222:root' },
      Action: 's3:PutObject',
      Resource: `${bucket}/222222222222/*`,
      Condition: { ArnEquals: { 'aws:PrincipalArn': source.arn } },
    },
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      NotResource: `${bucket}/222222222222/*`,
      Condition: { StringEquals: { 'aws:PrincipalAccount': '222222222222' } },
    },
  ];
  const writesAnywhere: IdentityStatement[] = [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }];

  it('needs both policies across accounts, and lets an explicit Deny of either win', () => {
    expect(
      decideAccess(writesAnywhere, bucketPolicy, '111111111111', { principal: source, action: 's3:PutObject', resource: `${bucket}/222222222222/x` }),
    ).toBe('allowed');
    expect(decideAccess([], bucketPolicy, '111111111111', { principal: source, action: 's3:PutObject', resource: `${bucket}/222222222222/x` })).toBe(
      'implicit-deny',
    );
    expect(
      decideAccess(writesAnywhere, bucketPolicy, '111111111111', { principal: source, action: 's3:PutObject', resource: `${bucket}/333333333333/x` }),
    ).toBe('explicit-deny');
    expect(
      decideAccess(writesAnywhere, bucketPolicy, '111111111111', { principal: stranger, action: 's3:PutObject', resource: `${bucket}/222222222222/x` }),
    ).toBe('implicit-deny');
  });

  it('lets one account decide alone for its own principals', () => {
    const own = { arn: 'arn:aws:iam::111111111111:role/verifier', accountId: '111111111111' };
    expect(decideAccess(writesAnywhere, [], '111111111111', { principal: own, action: 's3:PutObject', resource: `${bucket}/x` })).toBe('allowed');
  });

  it('reads negated operators (an absent key satisfies them) and ForAnyValue over a multi-valued key', () => {
    const statements: IdentityStatement[] = [
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/vault' } } },
      { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*', Condition: { StringNotEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } },
    ];
    expect(
      isAllowed(statements, 'kms:Decrypt', 'k', { 'kms:ResourceAliases': ['alias/other', 'alias/vault'], 'kms:ViaService': 's3.us-east-1.amazonaws.com' }),
    ).toBe(true);
    expect(isAllowed(statements, 'kms:Decrypt', 'k', { 'kms:ResourceAliases': ['alias/other'], 'kms:ViaService': 's3.us-east-1.amazonaws.com' })).toBe(false);
    expect(isAllowed(statements, 'kms:Decrypt', 'k', { 'kms:ResourceAliases': ['alias/vault'] })).toBe(false);
  });
});
