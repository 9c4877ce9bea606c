// Where the CLI's settings come from: the deployed exporter's environment (so the CLI starts
// exactly the exports the Lambda would), overridden by contract variables set in the shell.
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  type FunctionConfiguration,
  ListFunctionsCommand,
  type ListFunctionsCommandOutput,
} from '@aws-sdk/client-lambda';
import { awsErrorName } from '../handler/aws';
import { readSettings, SETTING_CODECS, type Settings, SettingsError } from '../handler/contract';
import { exporterFunctionName, loadConfig } from '../stacks/config';
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
  /** Why the function was not read, when it was not. */
  readonly note?: string;
}

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
        : `No exporter functions are visible${where}: deploy the stack (npx cdktf deploy), or pass --region for the region it is in.`;
    super(`the exporter function "${functionName}" was not found${where}. ${seen}`);
    this.name = 'FunctionNotFoundError';
  }
}

const CONTRACT_VARIABLES = Object.values(SETTING_CODECS).map((codec) => codec.variable);

/** Merges the function's and the shell's contract variables (pure); the shell wins where set and not empty. */
export function mergeSettingSources(
  functionEnv: Readonly<Record<string, string>> | undefined,
  shellEnv: Readonly<Record<string, string | undefined>>,
): { env: Record<string, string>; sources: Record<string, SettingSource> } {
  const env: Record<string, string> = {};
  const sources: Record<string, SettingSource> = {};
  for (const variable of CONTRACT_VARIABLES) {
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

function isNotFound(error: unknown): boolean {
  return awsErrorName(error) === 'ResourceNotFoundException';
}

/** The deployed function's configuration, or undefined when it does not exist. */
async function functionConfiguration(functionName: string, client: LambdaClient): Promise<FunctionConfiguration | undefined> {
  try {
    return await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Dependencies of {@link resolveSettings}; tests pass their own. */
export interface ResolveDependencies {
  readonly client?: LambdaClient;
  readonly shellEnv?: Readonly<Record<string, string | undefined>>;
  /** The local configuration's exporter name. @default from archive.config.json and RDS_ARCHIVE_* */
  readonly localFunctionName?: () => string;
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
  const shellEnv = deps.shellEnv ?? process.env;
  const functionName = options.functionName ?? (deps.localFunctionName ?? (() => exporterFunctionName(loadConfig())))();
  const configuration = await functionConfiguration(functionName, client);
  if (configuration === undefined) {
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
  const merged = mergeSettingSources(configuration.Environment?.Variables ?? {}, shellEnv);
  try {
    return { settings: readSettings(merged.env), ...merged, functionName: configuration.FunctionName ?? functionName };
  } catch (error) {
    if (error instanceof SettingsError) {
      throw new SettingsError(
        error.problems.map((p) => ({
          ...p,
          problem: `${p.problem} (from ${merged.sources[p.variable] === 'shell' ? 'the shell' : `the function ${functionName}`})`,
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
export function describeSources(resolved: ResolvedSettings, region: string | undefined): string {
  const fromShell = Object.entries(resolved.sources)
    .filter(([, source]) => source === 'shell')
    .map(([variable]) => variable);
  const base =
    resolved.functionName !== undefined
      ? `settings from the function ${resolved.functionName}${region ? ` (${region})` : ''}`
      : `settings from the shell (${resolved.note ?? 'no function read'})`;
  return fromShell.length > 0 && resolved.functionName !== undefined ? `${base}; overridden in the shell: ${fromShell.join(', ')}` : base;
}
