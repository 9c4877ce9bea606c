// Where the CLI's settings come from: the deployed exporter's environment (so the CLI starts
// exactly the exports the Lambda would), overridden by contract variables set in the shell. In a
// vault account the function is the vault verifier, whose settings locate the vault's archive.
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  type FunctionConfiguration,
  ListFunctionsCommand,
  type ListFunctionsCommandOutput,
} from '@aws-sdk/client-lambda';
import { awsErrorName } from '../handler/aws';
import {
  readSettings,
  readVaultSettings,
  SETTING_CODECS,
  type Settings,
  SettingsError,
  VAULT_SETTING_VARIABLES,
  VAULT_VERIFIER_HANDLER,
  type VaultSettings,
} from '../handler/contract';
import { exporterFunctionName, loadConfig } from '../stacks/config';
import { vaultVerifierFunctionName } from '../stacks/vault-names';
import type { DeploymentOptions } from './deployment-options';

/**
 * The Lambda client of the CLI. Two attempts: an operator waiting at a terminal should hear
 * about an unreachable endpoint in seconds, not after the SDK's full backoff.
 */
export const lambda = new LambdaClient({ maxAttempts: 2 });

/** Where one setting's value came from. */
export type SettingSource = 'function' | 'shell' | 'default';

/** The settings the CLI uses, and where each came from. */
export interface ResolvedSettings {
  readonly settings: Settings;
  /** The contract's variables as merged (function, then shell). */
  readonly env: Readonly<Record<string, string>>;
  /** Per contract variable, where its value came from. */
  readonly sources: Readonly<Record<string, SettingSource>>;
  /** The function read, or undefined when the shell alone supplied the settings. */
  readonly functionName?: string;
  /** The function's configuration as read (its ARN, dead-letter target), when a function was read. */
  readonly configuration?: FunctionConfiguration;
  /** Why the function was not read, when it was not. */
  readonly note?: string;
}

/** The vault verifier's settings the CLI uses (in a vault account), and where each came from. */
export interface ResolvedVault {
  readonly kind: 'vault';
  readonly vault: VaultSettings;
  /** The vault contract's variables as merged (function, then shell). */
  readonly env: Readonly<Record<string, string>>;
  readonly sources: Readonly<Record<string, SettingSource>>;
  /** The vault verifier read. */
  readonly functionName: string;
}

/** The deployment the CLI found: an exporter's (single account, or a source of a vault) or the vault verifier's. */
export type ResolvedDeployment = ({ readonly kind: 'exporter' } & ResolvedSettings) | ResolvedVault;

/** The deployed exporter does not exist where the CLI looked; lists the exporters it can see. */
export class FunctionNotFoundError extends Error {
  constructor(
    readonly functionName: string,
    readonly visibleExporters: readonly string[],
    readonly region: string | undefined,
  ) {
    const where = region === undefined ? '' : ` in ${region}`;
    const seen =
      visibleExporters.length > 0
        ? `Exporter functions visible${where}: ${visibleExporters.join(', ')}. Pass one with --function NAME.`
        : `No exporter functions are visible${where}: deploy the stack (npx cdktf deploy), or pass --region for the region it is in; in a vault account, name the vault verifier with --function <base>-vault-verifier.`;
    super(`the exporter function "${functionName}" was not found${where}. ${seen}`);
    this.name = 'FunctionNotFoundError';
  }
}

/** The commands that need an exporter, which a vault account does not have. */
export type ExporterCommand = 'status' | 'backfill' | 'verify' | 'catalog' | 'coverage' | 'env';

/** A command that needs an exporter was run against the vault verifier: says where it runs, and what runs in the vault. */
export class VaultAccountError extends Error {
  constructor(
    readonly command: ExporterCommand,
    readonly functionName: string,
  ) {
    super(
      `${command} runs in a source account (or a single-account deployment), where the exporter is: ${functionName} is the vault verifier, and the vault account has no exporter. In the vault account, restore (npm run archive -- restore --source-account ID ...), Athena queries and doctor run.`,
    );
    this.name = 'VaultAccountError';
  }
}

const CONTRACT_VARIABLES = Object.values(SETTING_CODECS).map((codec) => codec.variable);

/**
 * Merges the function's and the shell's contract variables (pure); the shell wins where set and not empty.
 *
 * @param variables - the contract's variables: the exporter's, or the vault verifier's (VAULT_SETTING_VARIABLES)
 */
export function mergeSettingSources(
  functionEnv: Readonly<Record<string, string>> | undefined,
  shellEnv: Readonly<Record<string, string | undefined>>,
  variables: readonly string[] = CONTRACT_VARIABLES,
): { env: Record<string, string>; sources: Record<string, SettingSource> } {
  const env: Record<string, string> = {};
  const sources: Record<string, SettingSource> = {};
  for (const variable of variables) {
    const fromShell = shellEnv[variable];
    const fromFunction = functionEnv?.[variable];
    if (fromShell !== undefined && fromShell.trim() !== '') {
      env[variable] = fromShell;
      sources[variable] = 'shell';
    } else if (fromFunction !== undefined && fromFunction !== '') {
      env[variable] = fromFunction;
      sources[variable] = 'function';
    } else {
      sources[variable] = 'default';
    }
  }
  return { env, sources };
}

/** The exporter functions the caller can see: names ending in "-exporter" whose environment names an archive bucket. */
export async function visibleExporters(client: LambdaClient = lambda): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page: ListFunctionsCommandOutput = await client.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }));
    for (const fn of page.Functions ?? []) {
      if (fn.FunctionName?.endsWith('-exporter') && fn.Environment?.Variables?.ARCHIVE_BUCKET !== undefined) names.push(fn.FunctionName);
    }
    marker = page.NextMarker;
  } while (marker);
  return names.sort();
}

/** A deployed function's configuration, or undefined when it does not exist. */
async function functionConfiguration(functionName: string, client: LambdaClient = lambda): Promise<FunctionConfiguration | undefined> {
  try {
    return await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Whether a function is the vault verifier: its entry in the handler's zip says so. */
function isVaultVerifier(configuration: FunctionConfiguration): boolean {
  return configuration.Handler === VAULT_VERIFIER_HANDLER;
}

/** The function's configuration when it exists and is the vault verifier, else undefined (doctor finds the verifier with it too). */
export async function vaultVerifierConfiguration(functionName: string, client: LambdaClient = lambda): Promise<FunctionConfiguration | undefined> {
  const configuration = await functionConfiguration(functionName, client);
  return configuration !== undefined && isVaultVerifier(configuration) ? configuration : undefined;
}

/** Dependencies of {@link resolveSettings} and {@link resolveDeployment}; tests pass their own. */
export interface ResolveDependencies {
  readonly client?: LambdaClient;
  readonly shellEnv?: Readonly<Record<string, string | undefined>>;
  /** The local configuration's exporter name. @default from archive.config.json and RDS_ARCHIVE_* */
  readonly localFunctionName?: () => string;
  /** The local configuration's vault verifier name, or undefined when it configures no vault. @default from archive.config.json and RDS_ARCHIVE_* */
  readonly localVaultVerifierName?: () => string | undefined;
}

function localExporterName(deps: ResolveDependencies): string {
  return (deps.localFunctionName ?? (() => exporterFunctionName(loadConfig())))();
}

function localVaultVerifierName(): string | undefined {
  const config = loadConfig();
  return config.vault === undefined ? undefined : vaultVerifierFunctionName(config);
}

/**
 * Resolves the CLI's settings: reads the exporter's environment (--function, else the one the
 * local configuration names), lets contract variables set in the shell override it, and checks
 * the result with the handler's own reader.
 *
 * @throws FunctionNotFoundError when the function does not exist (and the shell does not hold every required setting)
 * @throws SettingsError when the merged settings are incomplete or malformed
 */
export async function resolveSettings(options: DeploymentOptions, deps: ResolveDependencies = {}): Promise<ResolvedSettings> {
  const client = deps.client ?? lambda;
  const functionName = options.functionName ?? localExporterName(deps);
  const configuration = await functionConfiguration(functionName, client);
  if (configuration === undefined) return settingsWithoutFunction(functionName, options, client, deps.shellEnv ?? process.env);
  return exporterSettings(configuration, functionName, deps.shellEnv ?? process.env);
}

/**
 * Resolves the deployment the CLI talks to: the exporter as {@link resolveSettings} finds it, or,
 * in a vault account, the vault verifier: the function --function names when it is the verifier,
 * else the local configuration's vault verifier when its exporter does not exist.
 *
 * @throws FunctionNotFoundError when neither exists (and the shell does not hold every required setting)
 * @throws SettingsError when the merged settings are incomplete or malformed
 */
export async function resolveDeployment(options: DeploymentOptions, deps: ResolveDependencies = {}): Promise<ResolvedDeployment> {
  const client = deps.client ?? lambda;
  const shellEnv = deps.shellEnv ?? process.env;
  const functionName = options.functionName ?? localExporterName(deps);
  const configuration = await functionConfiguration(functionName, client);
  if (configuration === undefined) {
    const verifierName = options.functionName === undefined ? (deps.localVaultVerifierName ?? localVaultVerifierName)() : undefined;
    const verifier = verifierName === undefined ? undefined : await vaultVerifierConfiguration(verifierName, client);
    if (verifier !== undefined) return vaultSettings(verifier, verifierName!, shellEnv);
    return { kind: 'exporter', ...(await settingsWithoutFunction(functionName, options, client, shellEnv)) };
  }
  // A function whose environment holds an exporter's settings is an exporter, whatever its entry.
  if (safeRead(configuration.Environment?.Variables ?? {}) === undefined && isVaultVerifier(configuration)) {
    return vaultSettings(configuration, functionName, shellEnv);
  }
  return { kind: 'exporter', ...exporterSettings(configuration, functionName, shellEnv) };
}

/** No function where the CLI looked: the settings set in the shell, when no --function was asked for and they are complete. */
async function settingsWithoutFunction(
  functionName: string,
  options: DeploymentOptions,
  client: LambdaClient,
  shellEnv: Readonly<Record<string, string | undefined>>,
): Promise<ResolvedSettings> {
  const shellOnly = mergeSettingSources(undefined, shellEnv);
  // The old way (every variable exported by hand) still works when no --function was asked for.
  if (options.functionName === undefined && safeRead(shellOnly.env) !== undefined) {
    return {
      settings: readSettings(shellOnly.env),
      ...shellOnly,
      note: `the exporter function "${functionName}" was not found; using the settings set in the shell`,
    };
  }
  throw new FunctionNotFoundError(functionName, await visibleExporters(client), options.region ?? (await client.config.region().catch(() => undefined)));
}

function exporterSettings(
  configuration: FunctionConfiguration,
  functionName: string,
  shellEnv: Readonly<Record<string, string | undefined>>,
): ResolvedSettings {
  const merged = mergeSettingSources(configuration.Environment?.Variables ?? {}, shellEnv);
  const settings = readAttributed(() => readSettings(merged.env), merged.sources, functionName);
  return { settings, ...merged, functionName: configuration.FunctionName ?? functionName, configuration };
}

function vaultSettings(configuration: FunctionConfiguration, functionName: string, shellEnv: Readonly<Record<string, string | undefined>>): ResolvedVault {
  const merged = mergeSettingSources(configuration.Environment?.Variables ?? {}, shellEnv, VAULT_SETTING_VARIABLES);
  const vault = readAttributed(() => readVaultSettings(merged.env), merged.sources, functionName);
  return { kind: 'vault', vault, ...merged, functionName: configuration.FunctionName ?? functionName };
}

/** Runs a settings reader; its problems say whether each bad value came from the shell or the function. */
function readAttributed<S>(read: () => S, sources: Readonly<Record<string, SettingSource>>, functionName: string): S {
  try {
    return read();
  } catch (error) {
    if (error instanceof SettingsError) {
      throw new SettingsError(
        error.problems.map((p) => ({
          ...p,
          problem: `${p.problem} (from ${sources[p.variable] === 'shell' ? 'the shell' : `the function ${functionName}`})`,
        })),
      );
    }
    throw error;
  }
}

function safeRead(env: Record<string, string>): Settings | undefined {
  try {
    return readSettings(env);
  } catch {
    return undefined;
  }
}

/** One line saying where the settings came from, for stderr. */
export function describeSources(resolved: ResolvedSettings | ResolvedDeployment, region: string | undefined): string {
  const fromShell = Object.entries(resolved.sources)
    .filter(([, source]) => source === 'shell')
    .map(([variable]) => variable);
  const where = region ? ` (${region})` : '';
  const base =
    'kind' in resolved && resolved.kind === 'vault'
      ? `settings from the vault verifier ${resolved.functionName}${where}`
      : resolved.functionName !== undefined
        ? `settings from the function ${resolved.functionName}${where}`
        : `settings from the shell (${resolved.note ?? 'no function read'})`;
  return fromShell.length > 0 && resolved.functionName !== undefined ? `${base}; overridden in the shell: ${fromShell.join(', ')}` : base;
}
