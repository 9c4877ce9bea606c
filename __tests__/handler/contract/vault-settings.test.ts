// The vault verifier's settings contract: what the vault stack writes, the verifier reads back;
// bad values are named with their variable.
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../../handler/contract/settings';
import { readVaultSettings, VAULT_SETTING_VARIABLES, writeVaultSettings } from '../../../handler/contract/vault-settings';

const VALID = { ARCHIVE_BUCKET: 'vault-archive', ARCHIVE_PREFIX: 'exports', SOURCE_ACCOUNT_IDS: '222222222222,333333333333' };

describe('the vault settings', () => {
  it('read the sources, with the exporter defaults for the rest', () => {
    expect(readVaultSettings(VALID)).toEqual({
      archiveBucket: 'vault-archive',
      archivePrefix: 'exports',
      sourceAccountIds: ['222222222222', '333333333333'],
      archiveName: 'rds-snapshot-archive',
      catalogEnabled: true,
      notifyTopicArn: undefined,
    });
  });

  it('round-trip through the variables the verifier reads', () => {
    const settings = { ...readVaultSettings(VALID), catalogEnabled: false, notifyTopicArn: 'arn:aws:sns:us-east-1:111111111111:t' };
    const written = writeVaultSettings(settings);
    expect(Object.keys(written).sort()).toEqual([...VAULT_SETTING_VARIABLES].sort());
    expect(readVaultSettings(written)).toEqual(settings);
  });

  it.each([
    ['no source accounts', { SOURCE_ACCOUNT_IDS: '' }, /SOURCE_ACCOUNT_IDS is required/],
    [
      'an account that is not 12 digits',
      { SOURCE_ACCOUNT_IDS: '222222222222,12345' },
      /SOURCE_ACCOUNT_IDS must be a comma list of an AWS account id.*not allowed: 12345/,
    ],
    ['only commas', { SOURCE_ACCOUNT_IDS: ',,' }, /must name at least one source account id/],
    ['no bucket', { ARCHIVE_BUCKET: '' }, /ARCHIVE_BUCKET is required/],
  ])('reject %s, naming the variable', (_what, change, problem) => {
    expect(() => readVaultSettings({ ...VALID, ...change })).toThrow(SettingsError);
    expect(() => readVaultSettings({ ...VALID, ...change })).toThrow(problem);
  });
});
