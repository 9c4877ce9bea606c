// Whether a deployed function is the vault verifier (its entry in the handler's bundle). Its own
// file because it loads the stacks' code (cdktf, a quarter of a second): the deployment reader
// loads it only for a function that is not an exporter.
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { VAULT_VERIFIER_HANDLER } from '../stacks/vault-verifier';

/** Whether a function's configuration is the vault verifier's. */
export function isVaultVerifier(configuration: FunctionConfiguration): boolean {
  return configuration.Handler === VAULT_VERIFIER_HANDLER;
}
