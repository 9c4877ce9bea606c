// Runs doctor's checks: the exporter first (the others need its settings), then every check of
// the deployment, each on its own: a check that fails to get an answer reports that it could
// not check and why, and the rest still run.
import type { DeploymentOptions } from '../deployment-options';
import { explainAwsError } from '../explain-error';
import { ALARMS_CHECK, DEAD_LETTERS_CHECK, RECONCILIATION_CHECK } from './operations';
import { BUCKET_CHECK, BUCKET_POLICY_CHECK } from './bucket';
import { couldNotCheck, type DoctorCheck, type Finding } from './check';
import type { DoctorClients } from './clients';
import { EVENT_SUBSCRIPTIONS_CHECK } from './event-subscriptions';
import { EVENT_TOPIC_CHECK, EVENT_TOPIC_KEY_CHECK } from './event-topic';
import { EXPORT_ROLE_PERMISSIONS_CHECK, EXPORT_ROLE_TRUST_CHECK } from './export-role';
import { EXPORTER_CHECK, readDeployment } from './exporter';
import { KEY_POLICY_CHECK } from './key-policy';
import type { CheckResult } from './report';
import { SOURCE_EXPORT_ROLE_REACH_CHECK, SOURCE_SETTINGS_CHECK, VAULT_SIDE_CHECK, isSourceDeployment } from './source-checks';
import { VAULT_CHECKS } from './vault-checks';
import { readVaultDeployment, VAULT_VERIFIER_CHECK, type VaultCheck } from './vault-deployment';
import { vaultVerifierConfiguration } from '../deployment';
import { loadConfig, type ObjectLockConfig } from '../../stacks/config';
import { vaultVerifierFunctionName } from '../../stacks/vault-names';

/** The checks of a single-account deployment, in the order they are reported. A vault deployment appends its own. */
export const DEPLOYMENT_CHECKS: readonly DoctorCheck[] = [
  EVENT_SUBSCRIPTIONS_CHECK,
  EVENT_TOPIC_CHECK,
  EVENT_TOPIC_KEY_CHECK,
  EXPORT_ROLE_TRUST_CHECK,
  EXPORT_ROLE_PERMISSIONS_CHECK,
  KEY_POLICY_CHECK,
  BUCKET_CHECK,
  BUCKET_POLICY_CHECK,
  RECONCILIATION_CHECK,
  DEAD_LETTERS_CHECK,
  ALARMS_CHECK,
];

/**
 * The checks of a source account of a vault: the single account's, but the bucket, bucket policy
 * and key policy checks, whose resources are the vault's, give way to where the exporter points,
 * what the export role's policy reaches, and a could-not-check that sends the operator to the vault.
 */
export const SOURCE_CHECKS: readonly DoctorCheck[] = [
  EVENT_SUBSCRIPTIONS_CHECK,
  EVENT_TOPIC_CHECK,
  EVENT_TOPIC_KEY_CHECK,
  EXPORT_ROLE_TRUST_CHECK,
  SOURCE_SETTINGS_CHECK,
  SOURCE_EXPORT_ROLE_REACH_CHECK,
  VAULT_SIDE_CHECK,
  RECONCILIATION_CHECK,
  DEAD_LETTERS_CHECK,
  ALARMS_CHECK,
];

/** A finding for an error a check met while reading (pure): access denied, unreachable, or anything else. */
export function unanswered(error: unknown, endpoint?: string): Finding {
  const explained = explainAwsError(error, endpoint);
  if (explained !== undefined) return couldNotCheck(explained.message);
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return couldNotCheck(`${e.name ?? 'Error'}${status !== undefined ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`);
}

/** Dependencies of {@link runDoctor}; tests pass their own. */
export interface DoctorDependencies {
  readonly clients: DoctorClients;
  readonly now?: Date;
  /** The local configuration's exporter name. @default from archive.config.json and RDS_ARCHIVE_* */
  readonly localFunctionName?: () => string;
  readonly checks?: readonly DoctorCheck[];
  /** The endpoint in use (AWS_ENDPOINT_URL), for messages. */
  readonly endpoint?: string;
  /**
   * The local configuration's vault: its verifier's name and the Object Lock retention it asks
   * for, or undefined when it configures no vault. @default from archive.config.json and RDS_ARCHIVE_*
   */
  readonly localVault?: () => { readonly verifierName: string; readonly objectLock: ObjectLockConfig } | undefined;
  readonly vaultChecks?: readonly VaultCheck[];
}

/** The local configuration's vault, if it configures one (a configuration that does not load has none for doctor's purpose). */
function localVaultOfConfig(): { verifierName: string; objectLock: ObjectLockConfig } | undefined {
  try {
    const config = loadConfig();
    return config.vault === undefined ? undefined : { verifierName: vaultVerifierFunctionName(config), objectLock: config.vault.objectLock };
  } catch {
    return undefined;
  }
}

/**
 * The vault verifier's configuration when doctor runs in a vault account: --function names it, or
 * no exporter is deployed and the local configuration's vault verifier is. Undefined otherwise.
 */
async function vaultVerifierOf(options: DeploymentOptions, deps: DoctorDependencies) {
  const localVault = deps.localVault ?? localVaultOfConfig;
  if (options.functionName !== undefined) {
    const named = await vaultVerifierConfiguration(options.functionName, deps.clients.lambda);
    return named === undefined ? undefined : { configuration: named, objectLock: localVault()?.objectLock };
  }
  const vault = localVault();
  if (vault === undefined) return undefined;
  const verifier = await vaultVerifierConfiguration(vault.verifierName, deps.clients.lambda);
  return verifier === undefined ? undefined : { configuration: verifier, objectLock: vault.objectLock };
}

/** Runs the checks of a vault account: the verifier's settings first, then each vault check on its own. */
async function runVaultDoctor(found: NonNullable<Awaited<ReturnType<typeof vaultVerifierOf>>>, deps: DoctorDependencies): Promise<CheckResult[]> {
  const read = readVaultDeployment(found.configuration, found.objectLock);
  const results: CheckResult[] = [{ ...VAULT_VERIFIER_CHECK, ...read.finding }];
  for (const check of deps.vaultChecks ?? VAULT_CHECKS) {
    let finding: Finding;
    if (read.vault === undefined) finding = couldNotCheck("needs the vault verifier's settings (see the first check)");
    else {
      try {
        finding = await check.run(read.vault, deps.clients);
      } catch (error) {
        finding = unanswered(error, deps.endpoint);
      }
    }
    results.push({ id: check.id, title: check.title, ...finding });
  }
  return results;
}

/** Runs every check; returns their results in order. Reads only; throws only when the exporter cannot be read at all. */
export async function runDoctor(options: DeploymentOptions, deps: DoctorDependencies): Promise<CheckResult[]> {
  const now = deps.now ?? new Date();
  // In a vault account there is no exporter: the vault verifier and the vault's checks.
  const vaultVerifier = options.functionName !== undefined ? await vaultVerifierOf(options, deps) : undefined;
  if (vaultVerifier !== undefined) return runVaultDoctor(vaultVerifier, deps);
  // Without the exporter nothing else can be asked; an error reading it (no region, no
  // credentials, access denied) goes to the CLI's error explainer like every command's.
  const read = await readDeployment(options, deps.clients, deps.localFunctionName);
  if (read.deployment === undefined && read.notFound === true && options.functionName === undefined) {
    const found = await vaultVerifierOf(options, deps);
    if (found !== undefined) return runVaultDoctor(found, deps);
  }
  const results: CheckResult[] = [{ ...EXPORTER_CHECK, ...read.finding }];
  const { deployment } = read;
  const checks = deps.checks ?? (deployment !== undefined && isSourceDeployment(deployment) ? SOURCE_CHECKS : DEPLOYMENT_CHECKS);
  for (const check of checks) {
    let finding: Finding;
    if (deployment === undefined) finding = couldNotCheck("needs the exporter's settings (see the first check)");
    else {
      try {
        finding = await check.run(deployment, deps.clients, now);
      } catch (error) {
        finding = unanswered(error, deps.endpoint);
      }
    }
    results.push({ id: check.id, title: check.title, ...finding });
  }
  return results;
}
