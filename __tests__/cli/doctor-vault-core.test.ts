// doctor's judges of a vault deployment, with the policies the stacks synthesize (resolved to the
// ARNs they get when applied): each healthy answer OK, and each broken piece named with its fix.
import { describe, expect, it } from 'vitest';
import { judgeExportRoleReach, judgeSourceSettings } from '../../cli/doctor/source-checks';
import { judgeHeartbeat } from '../../cli/doctor/operations';
import {
  judgeAccessLogging,
  judgeVaultBucket,
  judgeVaultBucketPolicy,
  judgeVaultKeyPolicy,
  judgeVerifierTriggers,
  vaultSweepRun,
} from '../../cli/doctor/vault-checks';
import type { VaultDeployment } from '../../cli/doctor/vault-deployment';
import { exporterDeployment } from '../support/doctor-deployment';
import { named, onlyResource, resources, type SynthesizedStack } from '../support/synth';
import { configFrom } from '../support/synth';
import { resolveReferences, synthVaultDeployment } from '../support/synth-vault';
import { SOURCE_ACCOUNT, VAULT_ACCOUNT, VAULT_SETTING } from '../support/vault';

const REGION = 'us-east-1';
const { vault: vaultStack, sources } = synthVaultDeployment(configFrom({ vault: VAULT_SETTING }));
const sourceStack = sources[SOURCE_ACCOUNT]!;
const BUCKET = `rds-archive-dev-${VAULT_ACCOUNT}-${REGION}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${VAULT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const VERIFIER_ARN = `arn:aws:lambda:${REGION}:${VAULT_ACCOUNT}:function:rds-archive-dev-vault-verifier`;

const resolved = (stack: SynthesizedStack, account: string, policy: unknown) => resolveReferences(stack, String(policy), account, REGION);
const BUCKET_POLICY = resolved(
  vaultStack,
  VAULT_ACCOUNT,
  resources(vaultStack, 'aws_s3_bucket_policy').find((p) => String(p.policy).includes('DenySourcesDeletingOrUnlocking'))!.policy,
);
const KEY_POLICY = resolved(vaultStack, VAULT_ACCOUNT, onlyResource(vaultStack, 'aws_kms_key').policy);
const EXPORT_ROLE_POLICY = resolved(
  sourceStack,
  SOURCE_ACCOUNT,
  resources(sourceStack, 'aws_iam_role_policy').find((p) => p.role === `\${${named(sourceStack, 'aws_iam_role', '-export').address}.name}`)!.policy,
);

const VAULT: VaultDeployment = {
  settings: { archiveBucket: BUCKET, archivePrefix: 'exports', sourceAccountIds: [SOURCE_ACCOUNT], archiveName: 'rds-archive-dev', catalogEnabled: true },
  functionName: 'rds-archive-dev-vault-verifier',
  functionArn: VERIFIER_ARN,
  partition: 'aws',
  region: REGION,
  accountId: VAULT_ACCOUNT,
  expectedObjectLock: { mode: 'COMPLIANCE', days: 365 },
};
const SOURCE = exporterDeployment(SOURCE_ACCOUNT, REGION, {
  archiveBucket: BUCKET,
  exportRoleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/rds-archive-dev-${REGION}-export`,
  exportKmsKeyArn: `arn:aws:kms:${REGION}:${VAULT_ACCOUNT}:alias/rds-archive-dev`,
  archivePrefix: `exports/${SOURCE_ACCOUNT}`,
  catalogEnabled: false,
  vaultAccountId: VAULT_ACCOUNT,
});
const ENCRYPTED = [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: KEY_ARN }, BucketKeyEnabled: true }];
const LOCKED = { ObjectLockEnabled: 'Enabled' as const, Rule: { DefaultRetention: { Mode: 'COMPLIANCE' as const, Days: 365 } } };

/** A policy document with its statements changed by `change`. */
function edited(policy: string, change: (statements: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): string {
  const document = JSON.parse(policy) as { Statement: Array<Record<string, unknown>> };
  return JSON.stringify({ ...document, Statement: change(document.Statement) });
}

describe('doctor in a vault account', () => {
  it('finds the synthesized vault healthy: bucket locked as configured, policies as the sources need them, verifier invoked, logs on', () => {
    expect(judgeVaultBucket(VAULT, 'Enabled', LOCKED, ENCRYPTED, KEY_ARN)).toMatchObject({ status: 'ok' });
    expect(judgeVaultBucketPolicy(VAULT, BUCKET_POLICY)).toMatchObject({ status: 'ok' });
    expect(judgeVaultKeyPolicy(VAULT, KEY_ARN, KEY_POLICY)).toMatchObject({ status: 'ok' });
    expect(judgeAccessLogging(VAULT, `rds-archive-dev-logs-${VAULT_ACCOUNT}-${REGION}`)).toMatchObject({ status: 'ok' });
    const notification = {
      LambdaFunctionArn: VERIFIER_ARN,
      Events: ['s3:ObjectCreated:*' as const],
      Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: `exports/${SOURCE_ACCOUNT}/_archive/handovers/` }] } },
    };
    const functionPolicy = JSON.stringify({
      Statement: [
        { Sid: 'a', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'lambda:InvokeFunction' },
        { Sid: 'b', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction' },
      ],
    });
    expect(judgeVerifierTriggers(VAULT, [notification], functionPolicy)).toMatchObject({ status: 'ok' });
    expect(judgeVerifierTriggers(VAULT, [], functionPolicy)).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining(`no S3 notification of new objects under exports/${SOURCE_ACCOUNT}/_archive/handovers/`),
    });
  });

  it('names a bucket without the configured retention, or unlocked, or not encrypted with the vault key', () => {
    expect(judgeVaultBucket(VAULT, 'Enabled', { ...LOCKED, Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } }, ENCRYPTED, KEY_ARN)).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining('the default retention is GOVERNANCE for 30 days, the configuration asks for COMPLIANCE for 365 days'),
    });
    expect(judgeVaultBucket(VAULT, 'Enabled', undefined, ENCRYPTED, KEY_ARN).detail).toContain('Object Lock is not enabled');
    expect(judgeVaultBucket(VAULT, 'Enabled', LOCKED, [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }], KEY_ARN).detail).toContain(
      'not SSE-KMS with the vault key',
    );
  });

  it('names a bucket policy that denies the export role, with the statement and the fix', () => {
    // Prepare: a statement an administrator added that denies the export role its writes.
    const denying = edited(BUCKET_POLICY, (statements) => [
      ...statements,
      {
        Sid: 'FreezeWrites',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { ArnEquals: { 'aws:PrincipalArn': SOURCE.settings.exportRoleArn } },
      },
    ]);

    // Act
    const finding = judgeVaultBucketPolicy(VAULT, denying);

    // Assess
    expect(finding.status).toBe('problem');
    expect(finding.detail).toContain(`does not allow the export role ${SOURCE.settings.exportRoleArn} s3:PutObject`);
    expect(finding.detail).toContain('(statement FreezeWrites)');
    expect(finding.fix).toContain('deploy the vault stack');
  });

  it('names a bucket policy that no longer denies the sources deletes', () => {
    const finding = judgeVaultBucketPolicy(
      VAULT,
      edited(BUCKET_POLICY, (statements) => statements.filter((s) => s.Sid !== 'DenySourcesDeletingOrUnlocking')),
    );
    expect(finding).toMatchObject({ status: 'problem', detail: expect.stringContaining('does not deny the export role') });
    expect(finding.detail).toContain('s3:DeleteObject');
  });

  it("names a key policy without the export role's grant", () => {
    const finding = judgeVaultKeyPolicy(
      VAULT,
      KEY_ARN,
      edited(KEY_POLICY, (statements) => statements.filter((s) => s.Sid !== 'SourceExportRolesEncryptExports')),
    );
    expect(finding).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining(`does not allow the export role ${SOURCE.settings.exportRoleArn} kms:Encrypt`),
    });
  });

  it("names an hourly sweep that has not succeeded in two periods, with the verifier's logs and schedule to look at", () => {
    // Prepare
    const now = new Date('2026-12-05T12:00:00Z');
    const hour = 3600;

    // Act
    const recent = judgeHeartbeat(new Date('2026-12-05T10:30:00Z'), hour, now, vaultSweepRun(VAULT));
    const stale = judgeHeartbeat(new Date('2026-12-05T09:30:00Z'), hour, now, vaultSweepRun(VAULT));
    const never = judgeHeartbeat(undefined, hour, now, vaultSweepRun(VAULT));

    // Assess
    expect(recent.status).toBe('ok');
    expect(stale).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining('VaultVerificationSucceeded for Archive=rds-archive-dev: the last at 2026-12-05T09:30:00.000Z'),
    });
    expect(stale.fix).toContain('aws logs tail /aws/lambda/rds-archive-dev-vault-verifier');
    expect(stale.fix).toContain('aws events describe-rule --name rds-archive-dev-vault-reconcile');
    expect(never.detail).toContain('none in the last day');
  });

  it('names a bucket without access logging, or logging elsewhere', () => {
    expect(judgeAccessLogging(VAULT, undefined)).toMatchObject({ status: 'problem', detail: expect.stringContaining('has no server access logging') });
    expect(judgeAccessLogging(VAULT, 'elsewhere')).toMatchObject({ status: 'problem' });
  });
});

describe('doctor in a source account', () => {
  it("finds the synthesized source pointed at the vault, and its export role's policy reaching the prefix and key", () => {
    expect(judgeSourceSettings(SOURCE)).toMatchObject({ status: 'ok' });
    expect(judgeExportRoleReach(SOURCE, EXPORT_ROLE_POLICY)).toMatchObject({ status: 'ok' });
  });

  it('names an export role whose key statement was removed, and one whose policy is gone', () => {
    const withoutKey = edited(EXPORT_ROLE_POLICY, (statements) => statements.filter((s) => s.Sid !== 'EncryptExportObjects'));
    expect(judgeExportRoleReach(SOURCE, withoutKey)).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining(`does not allow kms:Encrypt on arn:aws:kms:${REGION}:${VAULT_ACCOUNT}:key/doctor-probe`),
      fix: expect.stringContaining('deploy the source stack'),
    });
    expect(judgeExportRoleReach(SOURCE, undefined)).toMatchObject({ status: 'problem', detail: expect.stringContaining('has no policy write-exports') });
  });

  it('names an exporter pointed elsewhere than its vault', () => {
    const elsewhere = { ...SOURCE, settings: { ...SOURCE.settings, archiveBucket: 'acme-archive', archivePrefix: 'exports' } };
    const finding = judgeSourceSettings(elsewhere);
    expect(finding.status).toBe('problem');
    expect(finding.detail).toContain(`ARCHIVE_BUCKET is acme-archive, not the vault's bucket ${BUCKET}`);
    expect(finding.detail).toContain(`ARCHIVE_PREFIX "exports" is not this account's prefix (<archivePrefix>/${SOURCE_ACCOUNT})`);
  });
});
