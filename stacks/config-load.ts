// Where the configuration comes from: the optional config file and RDS_ARCHIVE_* environment
// overrides, merged and handed to validation.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type ArchiveConfig, ConfigError } from './config-types';
import { isObject, type Json, type JsonObject, validateConfig } from './config-validate';

/** The config file read when RDS_ARCHIVE_CONFIG does not name another. */
export const DEFAULT_CONFIG_FILE = 'archive.config.json';

/** How an environment variable overrides a setting: which setting, and how to read the text. */
interface EnvOverride {
  readonly setting: string;
  readonly kind: 'string' | 'list' | 'integer';
}

/** Environment variables that override settings (they win over the config file). */
export const ENV_OVERRIDES: Readonly<Record<string, EnvOverride>> = {
  RDS_ARCHIVE_ENVIRONMENT: { setting: 'environment', kind: 'string' },
  RDS_ARCHIVE_NAME_PREFIX: { setting: 'namePrefix', kind: 'string' },
  RDS_ARCHIVE_REGIONS: { setting: 'regions', kind: 'list' },
  RDS_ARCHIVE_S3_PREFIX: { setting: 'archivePrefix', kind: 'string' },
  RDS_ARCHIVE_SNAPSHOT_TYPES: { setting: 'snapshotTypes', kind: 'list' },
  RDS_ARCHIVE_INCLUDE_DATABASES: { setting: 'includeDatabases', kind: 'list' },
  RDS_ARCHIVE_EXCLUDE_DATABASES: { setting: 'excludeDatabases', kind: 'list' },
  RDS_ARCHIVE_EXPORT_ONLY: { setting: 'exportOnly', kind: 'list' },
  RDS_ARCHIVE_LOG_RETENTION_DAYS: { setting: 'logRetentionDays', kind: 'integer' },
  RDS_ARCHIVE_RECONCILE_EVERY_MINUTES: { setting: 'reconciliation.everyMinutes', kind: 'integer' },
  RDS_ARCHIVE_LOOKBACK_DAYS: { setting: 'reconciliation.lookbackDays', kind: 'integer' },
  RDS_ARCHIVE_NOTIFICATION_EMAILS: { setting: 'notificationEmails', kind: 'list' },
  RDS_ARCHIVE_STATE_BUCKET: { setting: 'remoteState.bucket', kind: 'string' },
  RDS_ARCHIVE_STATE_KEY_PREFIX: { setting: 'remoteState.keyPrefix', kind: 'string' },
  RDS_ARCHIVE_STATE_REGION: { setting: 'remoteState.region', kind: 'string' },
};

/** Where the settings come from: the config file's text (if any) and the environment. */
export interface ConfigSources {
  /** The config file's contents, or undefined when there is none. */
  readonly fileText?: string;
  /** The file's name, for messages. */
  readonly fileName?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads the config file (RDS_ARCHIVE_CONFIG, else archive.config.json in `cwd`; absent is
 * fine) and the environment, and returns validated settings or throws a ConfigError.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): ArchiveConfig {
  const named = env.RDS_ARCHIVE_CONFIG;
  const file = path.resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  if (named !== undefined && !existsSync(file)) {
    throw new ConfigError([`RDS_ARCHIVE_CONFIG names ${file}, which does not exist`]);
  }
  const fileText = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  return resolveConfig({ fileText, fileName: path.basename(file), env });
}

/** Merges defaults, file and environment, and validates the result. Pure. */
export function resolveConfig(sources: ConfigSources): ArchiveConfig {
  const problems: string[] = [];
  let fromFile: JsonObject = {};
  if (sources.fileText !== undefined) {
    const fileName = sources.fileName ?? DEFAULT_CONFIG_FILE;
    try {
      const parsed: Json = JSON.parse(sources.fileText);
      if (!isObject(parsed)) problems.push(`${fileName} must hold a JSON object`);
      else fromFile = parsed;
    } catch (error) {
      problems.push(`${fileName} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const merged = structuredClone(fromFile);
  for (const [variable, override] of Object.entries(ENV_OVERRIDES)) {
    const text = sources.env[variable];
    if (text === undefined || (text.trim() === '' && override.kind !== 'list')) continue;
    const value = parseEnvValue(variable, override, text, problems);
    if (value !== undefined) setPath(merged, override.setting, value);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = validateConfig(merged, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function parseEnvValue(variable: string, override: EnvOverride, text: string, problems: string[]): Json {
  switch (override.kind) {
    case 'string':
      return text.trim();
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'integer': {
      if (!/^\d+$/.test(text.trim())) {
        problems.push(`${variable} (setting "${override.setting}") must be a whole number, got "${text}"`);
        return undefined;
      }
      return Number(text.trim());
    }
  }
}

function setPath(target: JsonObject, dotted: string, value: Json): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[keys[keys.length - 1]!] = value;
}
