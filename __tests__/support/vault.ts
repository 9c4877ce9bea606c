// The example vault configuration (one vault, one source account), shared by the stack,
// IAM simulation, validation and rehearsal tests so that they all speak of the same deployment.

export const VAULT_ACCOUNT = '111111111111';
export const SOURCE_ACCOUNT = '222222222222';
/** A second source account, for what one source may not do to another's prefix. */
export const OTHER_SOURCE_ACCOUNT = '333333333333';

/** The `vault` setting as the issue shows it. */
export const VAULT_SETTING = {
  accountId: VAULT_ACCOUNT,
  roleArn: `arn:aws:iam::${VAULT_ACCOUNT}:role/terraform`,
  objectLock: { mode: 'COMPLIANCE', days: 365 },
  sourceAccounts: [{ accountId: SOURCE_ACCOUNT, roleArn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/terraform` }],
} as const;

/** The same vault with a second source account. */
export const TWO_SOURCES_SETTING = {
  ...VAULT_SETTING,
  sourceAccounts: [...VAULT_SETTING.sourceAccounts, { accountId: OTHER_SOURCE_ACCOUNT }],
} as const;
