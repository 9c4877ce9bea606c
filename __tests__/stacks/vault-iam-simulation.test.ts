// IAM simulation of a vault deployment's synthesized policies (our evaluator, support/iam-policy.ts):
// each source account's roles, an operator with the operator policy and an administrator of the
// source account, asking the vault's bucket and key what the issue says they may and may not do.
// The bucket policy, key policy and the sources' role policies are the synthesized ones, with
// their Terraform references resolved to the ARNs they get when applied.
import { describe, expect, it } from 'vitest';
import { type AccessRequest, decideAccess, type IdentityStatement, type RequestContext, type ResourceStatement } from '../support/iam-policy';
import { configFrom, named, onlyResource, resources, statementsOf, type SynthesizedStack } from '../support/synth';
import { resolveReferences, synthVaultDeployment } from '../support/synth-vault';
import { OTHER_SOURCE_ACCOUNT, SOURCE_ACCOUNT, TWO_SOURCES_SETTING, VAULT_ACCOUNT } from '../support/vault';

const REGION = 'us-east-1';
const config = configFrom({ vault: TWO_SOURCES_SETTING });
const deployment = synthVaultDeployment(config);
const vault = deployment.vault;

const BUCKET = `rds-archive-dev-${VAULT_ACCOUNT}-${REGION}`;
const bucketArn = `arn:aws:s3:::${BUCKET}`;
const object = (key: string) => `${bucketArn}/${key}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${VAULT_ACCOUNT}:key/${Object.keys(vault.resource.aws_kms_key!)[0]}`;
const KEY_ALIASES = ['alias/rds-archive-dev'];
const VIA_S3 = `s3.${REGION}.amazonaws.com`;

function policyOf<T>(stack: SynthesizedStack, accountId: string, policy: unknown): T[] {
  return statementsOf(resolveReferences(stack, String(policy), accountId, REGION)) as unknown as T[];
}

const bucketPolicy = policyOf<ResourceStatement>(
  vault,
  VAULT_ACCOUNT,
  resources(vault, 'aws_s3_bucket_policy').find((p) => String(p.policy).includes('DenySourcesDeletingOrUnlocking'))!.policy,
);
const keyPolicy = policyOf<ResourceStatement>(vault, VAULT_ACCOUNT, onlyResource(vault, 'aws_kms_key').policy);

/** A principal of a source account and its own (identity) policies. */
interface Principal {
  readonly arn: string;
  readonly accountId: string;
  readonly identity: readonly IdentityStatement[];
}

function rolePolicy(account: string, suffix: string): IdentityStatement[] {
  const stack = deployment.sources[account]!;
  const role = named(stack, 'aws_iam_role', suffix);
  const policy = resources(stack, 'aws_iam_role_policy').find((p) => p.role === `\${${role.address}.name}`)!;
  return policyOf<IdentityStatement>(stack, account, policy.policy);
}

function principalsOf(account: string) {
  const stack = deployment.sources[account]!;
  const role = (suffix: string) => `arn:aws:iam::${account}:role/rds-archive-dev-${REGION}-${suffix}`;
  return {
    exportRole: { arn: role('export'), accountId: account, identity: rolePolicy(account, '-export') },
    exporter: { arn: role('exporter'), accountId: account, identity: rolePolicy(account, '-exporter') },
    operator: {
      arn: `arn:aws:iam::${account}:user/operator`,
      accountId: account,
      identity: policyOf<IdentityStatement>(stack, account, named(stack, 'aws_iam_policy', '-operator').resource.policy),
    },
    // Whatever a source account's own policies allow, the vault's policies decide.
    administrator: { arn: `arn:aws:iam::${account}:role/Administrator`, accountId: account, identity: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  } satisfies Record<string, Principal>;
}

const source = principalsOf(SOURCE_ACCOUNT);
const other = principalsOf(OTHER_SOURCE_ACCOUNT);
const everySourcePrincipal = Object.entries({ ...source }).map(([name, p]) => [name, p] as const);

const s3 = (principal: Principal, action: string, resource: string, context: RequestContext = {}) =>
  decideAccess(principal.identity, bucketPolicy, VAULT_ACCOUNT, {
    principal,
    action,
    resource,
    context: { 'aws:SecureTransport': 'true', ...context },
  } satisfies AccessRequest);
const kms = (principal: Principal, action: string, context: RequestContext = {}) =>
  decideAccess(principal.identity, keyPolicy, VAULT_ACCOUNT, {
    principal,
    action,
    resource: KEY_ARN,
    context: { 'kms:ResourceAliases': KEY_ALIASES, ...context },
  });

const OWN = `exports/${SOURCE_ACCOUNT}`;
const EXPORT_FILE = `${OWN}/orders-db/rds-archive-orders-db-2026-12-01/orders/orders.public.orders/part-00000.gz.parquet`;
const MANIFEST = `${OWN}/orders-db/rds-archive-orders-db-2026-12-01/archive-manifest.json`;
const HANDOVER = `${OWN}/_archive/handovers/20261205T014349123Z-rds-archive-orders-db-2026-12-01.json`;

describe('IAM simulation of a vault: what source principals are denied', () => {
  it.each(everySourcePrincipal)('denies the %s deleting objects, by an explicit Deny', (_name, principal) => {
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion']) {
      expect(s3(principal, action, object(EXPORT_FILE)), action).toBe('explicit-deny');
      expect(s3(principal, action, object(MANIFEST)), action).toBe('explicit-deny');
    }
  });

  it.each(everySourcePrincipal)('denies the %s changing retention or legal holds, or bypassing governance, by an explicit Deny', (_name, principal) => {
    for (const action of ['s3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention']) {
      expect(s3(principal, action, object(EXPORT_FILE)), action).toBe('explicit-deny');
    }
    expect(s3(principal, 's3:PutBucketObjectLockConfiguration', bucketArn)).toBe('explicit-deny');
  });

  it.each(everySourcePrincipal)('denies the %s changing the bucket policy, lifecycle or versioning, by an explicit Deny', (_name, principal) => {
    for (const action of ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutLifecycleConfiguration', 's3:PutBucketVersioning']) {
      expect(s3(principal, action, bucketArn), action).toBe('explicit-deny');
    }
  });

  it.each(everySourcePrincipal)("denies the %s writing under another source account's prefix or outside any, by an explicit Deny", (_name, principal) => {
    expect(s3(principal, 's3:PutObject', object(`exports/${OTHER_SOURCE_ACCOUNT}/orders-db/x/part-00000.gz.parquet`))).toBe('explicit-deny');
    expect(s3(principal, 's3:PutObject', object(`exports/${OTHER_SOURCE_ACCOUNT}/_archive/handovers/x.json`))).toBe('explicit-deny');
    expect(s3(principal, 's3:PutObject', object('exports/_archive/vault-cursor.json'))).toBe('explicit-deny');
    expect(s3(principal, 's3:PutObject', object('athena-results/x.csv'))).toBe('explicit-deny');
  });

  it.each(everySourcePrincipal)(
    "denies the %s writing the vault's verdicts in its own prefix (manifests, the record of verified exports), by an explicit Deny",
    (_name, principal) => {
      expect(s3(principal, 's3:PutObject', object(MANIFEST))).toBe('explicit-deny');
      expect(s3(principal, 's3:PutObject', object(`${OWN}/_archive/verified-exports.json`))).toBe('explicit-deny');
    },
  );

  it.each(everySourcePrincipal)('denies the %s changing the key or its policy, by an explicit Deny', (_name, principal) => {
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DeleteAlias']) {
      expect(kms(principal, action), action).toBe('explicit-deny');
    }
  });

  it('denies the source roles using the key outside an export: no direct decrypt or encrypt, no grant for anything but an AWS service', () => {
    expect(kms(source.exporter, 'kms:Decrypt')).toBe('implicit-deny');
    expect(kms(source.exporter, 'kms:Encrypt')).toBe('implicit-deny');
    expect(kms(source.exporter, 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'false' })).toBe('implicit-deny');
    expect(kms(source.operator, 'kms:Decrypt')).toBe('implicit-deny');
    expect(kms(source.operator, 'kms:GenerateDataKey', { 'kms:ViaService': VIA_S3 })).toBe('implicit-deny');
    expect(kms(source.administrator, 'kms:Decrypt', { 'kms:ViaService': `lambda.${REGION}.amazonaws.com` })).toBe('implicit-deny');
  });

  it('denies the source principals reading the exported data: only the vault reads it', () => {
    expect(s3(source.operator, 's3:GetObject', object(EXPORT_FILE))).toBe('implicit-deny');
    expect(s3(source.exporter, 's3:GetObject', object(EXPORT_FILE))).toBe('implicit-deny');
    expect(s3(source.administrator, 's3:GetObject', object(EXPORT_FILE))).toBe('implicit-deny');
  });

  it("denies one source reading another's manifests or listing its prefix", () => {
    expect(s3(other.operator, 's3:GetObject', object(MANIFEST))).toBe('explicit-deny');
    expect(s3(other.exporter, 's3:ListBucket', bucketArn, { 's3:prefix': `${OWN}/` })).toBe('implicit-deny');
  });
});

describe('IAM simulation of a vault: what source principals may do', () => {
  it('lets the export role write its own prefix, and only its own, with the vault key', () => {
    expect(s3(source.exportRole, 's3:PutObject', object(EXPORT_FILE))).toBe('allowed');
    expect(s3(source.exportRole, 's3:AbortMultipartUpload', object(EXPORT_FILE))).toBe('allowed');
    expect(s3(source.exportRole, 's3:ListBucket', bucketArn, { 's3:prefix': `${OWN}/orders-db/` })).toBe('allowed');
    expect(s3(source.exportRole, 's3:GetBucketLocation', bucketArn)).toBe('allowed');
    expect(kms(source.exportRole, 'kms:GenerateDataKey')).toBe('allowed');
    expect(kms(source.exportRole, 'kms:Encrypt')).toBe('allowed');
    // Only its own prefix: the other source's export role cannot write here, nor it there.
    expect(s3(other.exportRole, 's3:PutObject', object(EXPORT_FILE))).toBe('explicit-deny');
    expect(s3(source.exportRole, 's3:ListBucket', bucketArn, { 's3:prefix': `exports/${OTHER_SOURCE_ACCOUNT}/` })).toBe('implicit-deny');
  });

  it('lets the exporter start an export with the vault key (a grant for RDS) and write its handover', () => {
    expect(kms(source.exporter, 'kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true' })).toBe('allowed');
    expect(kms(source.exporter, 'kms:DescribeKey')).toBe('allowed');
    expect(s3(source.exporter, 's3:PutObject', object(HANDOVER))).toBe('allowed');
    expect(kms(source.exporter, 'kms:GenerateDataKey', { 'kms:ViaService': VIA_S3 })).toBe('allowed');
    // A handover is its only write: never the data, never a manifest (the vault's verdict).
    expect(s3(source.exporter, 's3:PutObject', object(EXPORT_FILE))).toBe('implicit-deny');
    expect(s3(source.exporter, 's3:PutObject', object(MANIFEST))).toBe('explicit-deny');
  });

  it('lets a source operator read its manifests and record of verified exports, and list its prefix (status, coverage)', () => {
    expect(s3(source.operator, 's3:GetObject', object(MANIFEST))).toBe('allowed');
    expect(s3(source.operator, 's3:GetObject', object(`${OWN}/_archive/verified-exports.json`))).toBe('allowed');
    expect(s3(source.operator, 's3:ListBucket', bucketArn, { 's3:prefix': `${OWN}/` })).toBe('allowed');
    expect(kms(source.operator, 'kms:Decrypt', { 'kms:ViaService': VIA_S3 })).toBe('allowed');
    expect(s3(source.exporter, 's3:GetObject', object(MANIFEST))).toBe('allowed');
  });
});

describe('the vault bucket', () => {
  it('has Object Lock on, with the configured default retention: COMPLIANCE for 365 days, and versioning', () => {
    expect(onlyResource(vault, 'aws_s3_bucket_object_lock_configuration').rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 365 } });
    expect(named(vault, 'aws_s3_bucket', BUCKET, 'bucket').resource.object_lock_enabled).toBe(true);
    expect(resources(vault, 'aws_s3_bucket_versioning').map((v) => v.versioning_configuration)).toEqual([{ status: 'Enabled' }, { status: 'Enabled' }]);
  });
});
