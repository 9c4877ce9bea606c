// The vault setting: what it accepts, and every way it can be wrong, each named with what is allowed.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../stacks/config';
import { configFrom } from '../support/synth';
import { SOURCE_ACCOUNT, VAULT_ACCOUNT, VAULT_SETTING } from '../support/vault';

function problemsOf(file: object): string[] {
  try {
    configFrom(file);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the vault setting', () => {
  it("reads the issue's example: the vault's account, role and retention, and its source account with its role", () => {
    // Act
    const config = configFrom({ vault: VAULT_SETTING });

    // Assess
    expect(config.vault).toEqual({
      accountId: VAULT_ACCOUNT,
      roleArn: `arn:aws:iam::${VAULT_ACCOUNT}:role/terraform`,
      objectLock: { mode: 'COMPLIANCE', days: 365 },
      sourceAccounts: [{ accountId: SOURCE_ACCOUNT, roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/terraform` }],
    });
    expect(config.objectLock).toBeUndefined();
  });

  it('takes the roles as optional: without them the stacks use the ambient credentials', () => {
    const config = configFrom({
      vault: { accountId: VAULT_ACCOUNT, objectLock: { mode: 'GOVERNANCE', days: 30 }, sourceAccounts: [{ accountId: SOURCE_ACCOUNT }] },
    });
    expect(config.vault).toEqual({ accountId: VAULT_ACCOUNT, objectLock: { mode: 'GOVERNANCE', days: 30 }, sourceAccounts: [{ accountId: SOURCE_ACCOUNT }] });
  });

  it('is absent unless configured', () => {
    expect(configFrom({}).vault).toBeUndefined();
    expect('vault' in configFrom({})).toBe(false);
  });

  it.each([
    ['an account id that is not 12 digits', { ...VAULT_SETTING, accountId: '1111' }, /^vault\.accountId must be an AWS account id \(12 digits\), got "1111"$/],
    [
      'an account id as a number',
      { ...VAULT_SETTING, accountId: 111111111111 },
      /^vault\.accountId must be an AWS account id \(12 digits\) written as a string in quotes, got the number 111111111111$/,
    ],
    [
      'no account id',
      { objectLock: VAULT_SETTING.objectLock, sourceAccounts: VAULT_SETTING.sourceAccounts },
      /^vault\.accountId is required when vault is set/,
    ],
    [
      "a role of another account for the vault's stacks",
      { ...VAULT_SETTING, roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/terraform` },
      /^vault\.roleArn is a role of account 222222222222, not of 111111111111/,
    ],
    ['a role that is not a role ARN', { ...VAULT_SETTING, roleArn: 'terraform' }, /^vault\.roleArn must be an IAM role ARN/],
    [
      "a role of another account for a source's stacks",
      { ...VAULT_SETTING, sourceAccounts: [{ accountId: SOURCE_ACCOUNT, roleArn: `arn:aws:iam::${VAULT_ACCOUNT}:role/terraform` }] },
      /^vault\.sourceAccounts\[0\]\.roleArn is a role of account 111111111111, not of 222222222222/,
    ],
    ['no object lock', { ...VAULT_SETTING, objectLock: undefined }, /^vault\.objectLock is required when vault is set: .*"COMPLIANCE" or "GOVERNANCE"/],
    [
      'an unknown lock mode',
      { ...VAULT_SETTING, objectLock: { mode: 'STRICT', days: 30 } },
      /^vault\.objectLock\.mode must be one of "GOVERNANCE", "COMPLIANCE", got "STRICT"$/,
    ],
    ['zero days', { ...VAULT_SETTING, objectLock: { mode: 'COMPLIANCE', days: 0 } }, /^vault\.objectLock\.days must be a whole number of at least 1, got 0$/],
    ['no days', { ...VAULT_SETTING, objectLock: { mode: 'COMPLIANCE' } }, /^vault\.objectLock\.days is required/],
    ['no source accounts', { ...VAULT_SETTING, sourceAccounts: [] }, /^vault\.sourceAccounts must list at least one source account/],
    [
      'a source that is the vault',
      { ...VAULT_SETTING, sourceAccounts: [{ accountId: VAULT_ACCOUNT }] },
      /^vault\.sourceAccounts\[0\]\.accountId is the vault's own account/,
    ],
    [
      'a source twice',
      { ...VAULT_SETTING, sourceAccounts: [{ accountId: SOURCE_ACCOUNT }, { accountId: SOURCE_ACCOUNT }] },
      /^vault\.sourceAccounts\[1\]\.accountId lists 222222222222 a second time$/,
    ],
    [
      'a source without an account id',
      { ...VAULT_SETTING, sourceAccounts: [{ roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/x` }] },
      /^vault\.sourceAccounts\[0\]\.accountId is required/,
    ],
    [
      'an unknown setting',
      { ...VAULT_SETTING, region: 'us-east-1' },
      /^unknown setting "vault\.region"; known settings here: accountId, roleArn, objectLock, sourceAccounts$/,
    ],
  ])('refuses %s, naming the setting', (_case, vault, message) => {
    // Act
    const problems = problemsOf({ vault });

    // Assess
    expect(
      problems.some((p) => message.test(p)),
      `problems were:\n${problems.join('\n')}`,
    ).toBe(true);
  });

  it('refuses the settings it replaces: a top-level objectLock, an existing bucket or key', () => {
    // Act
    const problems = problemsOf({
      vault: VAULT_SETTING,
      objectLock: { mode: 'GOVERNANCE', days: 30 },
      existingBucketNames: { 'us-east-1': 'acme-archive' },
      existingKmsKeyArns: { 'us-east-1': 'arn:aws:kms:us-east-1:111111111111:key/abcd' },
    });

    // Assess
    expect(problems).toContain('objectLock and vault are both set: with a vault, the retention is vault.objectLock; remove the top-level objectLock');
    expect(problems).toContain(
      'existingBucketNames and vault are both set: the vault stack creates the bucket and its key in account 111111111111; remove existingBucketNames',
    );
    expect(problems).toContain(
      'existingKmsKeyArns and vault are both set: the vault stack creates the bucket and its key in account 111111111111; remove existingKmsKeyArns',
    );
  });

  it("refuses names too long for the vault's access-log bucket", () => {
    const problems = problemsOf({ vault: VAULT_SETTING, namePrefix: 'a-long-prefix-xy', environment: 'production-env', regions: ['ap-southeast-1'] });
    expect(problems).toEqual([
      expect.stringMatching(
        /^namePrefix and environment are too long: the vault's access-log bucket for ap-southeast-1 would be named with 64 characters, S3 allows 63$/,
      ),
    ]);
  });
});
