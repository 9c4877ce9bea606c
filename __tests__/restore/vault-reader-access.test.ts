// What restore asks of AWS in the vault account, against the vault's synthesized policies (our IAM
// evaluator, support/iam-policy.ts): a reader with the vault's reader policy reads the vault
// verifier's settings, lists a source's prefix, reads its manifests and Parquet parts and decrypts
// them through S3 with the vault key, and changes nothing. The bucket and key policies are the
// synthesized ones, with their Terraform references resolved to the ARNs they get when applied.
import { describe, expect, it } from 'vitest';
import { type AccessRequest, decideAccess, type IdentityStatement, type RequestContext, type ResourceStatement } from '../support/iam-policy';
import { configFrom, named, onlyResource, resources, statementsOf } from '../support/synth';
import { resolveReferences, synthVaultDeployment } from '../support/synth-vault';
import { SOURCE_ACCOUNT, TWO_SOURCES_SETTING, VAULT_ACCOUNT } from '../support/vault';

const REGION = 'us-east-1';
const { vault } = synthVaultDeployment(configFrom({ vault: TWO_SOURCES_SETTING }));
const statements = <T>(policy: unknown) => statementsOf(resolveReferences(vault, String(policy), VAULT_ACCOUNT, REGION)) as unknown as T[];

const BUCKET_ARN = `arn:aws:s3:::rds-archive-dev-${VAULT_ACCOUNT}-${REGION}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${VAULT_ACCOUNT}:key/${Object.keys(vault.resource.aws_kms_key!)[0]}`;
const VERIFIER_ARN = `arn:aws:lambda:${REGION}:${VAULT_ACCOUNT}:function:rds-archive-dev-vault-verifier`;
const bucketPolicy = statements<ResourceStatement>(
  resources(vault, 'aws_s3_bucket_policy').find((p) => String(p.policy).includes('DenySourcesDeletingOrUnlocking'))!.policy,
);
const keyPolicy = statements<ResourceStatement>(onlyResource(vault, 'aws_kms_key').policy);
const reader = {
  arn: `arn:aws:iam::${VAULT_ACCOUNT}:user/restorer`,
  accountId: VAULT_ACCOUNT,
  identity: statements<IdentityStatement>(named(vault, 'aws_iam_policy', '-reader').resource.policy),
};

const ask = (resourcePolicy: readonly ResourceStatement[], action: string, resource: string, context: RequestContext = {}) =>
  decideAccess(reader.identity, resourcePolicy, VAULT_ACCOUNT, {
    principal: reader,
    action,
    resource,
    context: { 'aws:SecureTransport': 'true', ...context },
  } satisfies AccessRequest);

const SOURCE_PREFIX = `exports/${SOURCE_ACCOUNT}/`;
const EXPORT_FOLDER = `${SOURCE_PREFIX}orders-db/orders-db-2026-12-01/`;
const TABLE_FOLDER = `${EXPORT_FOLDER}orders/orders.public.orders/`;

describe("restore in the vault account, as IAM decides the vault reader's requests", () => {
  it("reads the vault verifier's settings, where the CLI finds the bucket, prefix and sources", () => {
    // Act
    const decision = ask([], 'lambda:GetFunctionConfiguration', VERIFIER_ARN);

    // Assess
    expect(decision).toBe('allowed');
  });

  it.each([
    ['the source prefix (exports of an id, every database folder)', SOURCE_PREFIX],
    ["a database's exports", `${SOURCE_PREFIX}orders-db/`],
    ['an export folder (is the export there)', EXPORT_FOLDER],
    ["a table's Parquet parts", TABLE_FOLDER],
  ])('lists %s', (_what, prefix) => {
    // Act
    const decision = ask(bucketPolicy, 's3:ListBucket', BUCKET_ARN, { 's3:prefix': prefix, 's3:delimiter': '/' });

    // Assess
    expect(decision).toBe('allowed');
  });

  it('reads the manifests and the Parquet parts, and decrypts them with the vault key through S3', () => {
    // Act
    const manifest = ask(bucketPolicy, 's3:GetObject', `${BUCKET_ARN}/${EXPORT_FOLDER}archive-manifest.json`);
    const part = ask(bucketPolicy, 's3:GetObject', `${BUCKET_ARN}/${TABLE_FOLDER}part-00000.gz.parquet`);
    const throughS3 = ask(keyPolicy, 'kms:Decrypt', KEY_ARN, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` });

    // Assess
    expect([manifest, part, throughS3]).toEqual(['allowed', 'allowed', 'allowed']);
  });

  it('changes nothing: no write, delete or retention change in the vault bucket', () => {
    // Act
    const decisions = ['s3:PutObject', 's3:DeleteObject', 's3:PutObjectRetention'].map((action) =>
      ask(bucketPolicy, action, `${BUCKET_ARN}/${EXPORT_FOLDER}archive-manifest.json`),
    );

    // Assess
    expect(decisions).toEqual(['implicit-deny', 'implicit-deny', 'implicit-deny']);
  });
});
