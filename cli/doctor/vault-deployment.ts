// A vault account's deployment as doctor finds it: the vault verifier function and its settings
// (handler/contract/vault-settings.ts), read with the same contract the verifier reads them with.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { readVaultSettings, SettingsError, type VaultSettings } from '../../handler/contract';
import type { ObjectLockConfig } from '../../stacks/config';
import { type Finding, ok, problem } from './check';
import type { DoctorClients } from './clients';
import { functionLocation } from './exporter';

/** The deployed vault verifier and where it lives. */
export interface VaultDeployment {
  readonly settings: VaultSettings;
  readonly functionName: string;
  readonly functionArn: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The Object Lock retention the local configuration asks for (vault.objectLock), when it is known. */
  readonly expectedObjectLock?: ObjectLockConfig;
}

/** One check of a vault deployment. */
export interface VaultCheck {
  readonly id: string;
  readonly title: string;
  run(vault: VaultDeployment, clients: DoctorClients): Promise<Finding>;
}

export const VAULT_VERIFIER_CHECK = { id: 'vault-verifier', title: 'The vault verifier function and its settings' } as const;

/** Reads the verifier's settings from its configuration (pure): the vault deployment when they parse, and the finding either way. */
export function readVaultDeployment(
  configuration: FunctionConfiguration,
  expectedObjectLock?: ObjectLockConfig,
): { finding: Finding; vault?: VaultDeployment } {
  const functionName = configuration.FunctionName ?? '';
  const location = functionLocation(configuration.FunctionArn ?? '');
  if (location === undefined)
    return { finding: problem(`the Lambda API returned no function ARN for ${functionName}`, 'check the function in the Lambda console') };
  let settings: VaultSettings;
  try {
    settings = readVaultSettings(configuration.Environment?.Variables ?? {});
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    return {
      finding: problem(
        `the vault verifier's environment does not parse: ${error.message}`,
        'deploy the vault stack again (npx cdktf deploy <base>-vault-<region>) so the function gets the environment the configuration writes',
      ),
    };
  }
  const vault: VaultDeployment = {
    settings,
    functionName,
    functionArn: configuration.FunctionArn!,
    ...location,
    ...(expectedObjectLock !== undefined ? { expectedObjectLock } : {}),
  };
  return {
    vault,
    finding: ok(
      `${functionName} (${location.region}, vault account ${location.accountId}) exists and its settings parse: archive ${settings.archiveName}, bucket ${settings.archiveBucket}, prefix "${settings.archivePrefix}", source accounts ${settings.sourceAccountIds.join(', ')}`,
    ),
  };
}
