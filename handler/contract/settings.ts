// The exporter's settings contract: every setting's environment variable, default, parse and
// write, defined once. The stack writes the Lambda's environment with writeSettings, the handler
// reads it with readSettings, and the CLI reads the deployed function's environment the same way,
// so the three cannot disagree on a name or a default.
import {
  ACCOUNT_ID,
  BUCKET_NAME,
  DATABASE_PATTERN,
  EXPORT_ONLY_ITEM,
  type Format,
  KMS_KEY_ARN,
  ROLE_ARN,
  S3_PREFIX,
  SNAPSHOT_TYPES,
  type SnapshotType,
  TOPIC_ARN,
} from './formats';
import { type ArchivePolicy, DEFAULT_POLICY, decodePolicy, encodePolicy, PolicyError } from './policy';

export { SNAPSHOT_TYPES, type SnapshotType } from './formats';

/** The exporter's settings. */
export interface Settings {
  /** The archive bucket exports are written to. Required. */
  readonly archiveBucket: string;
  /** The role RDS assumes to write an export. Required. */
  readonly exportRoleArn: string;
  /** The KMS key exports are encrypted with. Required. */
  readonly exportKmsKeyArn: string;
  /** S3 prefix under which each database's exports sit; "" is the bucket root. @default "exports" */
  readonly archivePrefix: string;
  /** Snapshot types to export. @default ["automated", "manual"] */
  readonly snapshotTypes: readonly SnapshotType[];
  /** Glob patterns over the DB instance or cluster identifier; empty selects all. @default [] */
  readonly includeDatabases: readonly string[];
  /** Glob patterns never exported. @default [] */
  readonly excludeDatabases: readonly string[];
  /** StartExportTask's ExportOnly; empty exports everything. @default [] */
  readonly exportOnly: readonly string[];
  /** Where operators are told about failures. @default undefined (nobody is told) */
  readonly notifyTopicArn?: string;
  /** The deployment's name: the Archive dimension of its metrics. @default "rds-snapshot-archive" */
  readonly archiveName: string;
  /** Days back the reconciliation looks for snapshots. @default 7 */
  readonly lookbackDays: number;
  /** Exports the archive lets run at once (RDS allows 5 per account). @default 5 */
  readonly maxConcurrentExports: number;
  /** Attempts per snapshot before it is reported and left alone. @default 3 */
  readonly maxExportAttempts: number;
  /** How often each database is exported. @default DEFAULT_POLICY (every snapshot) */
  readonly policy: ArchivePolicy;
  /** Whether verified exports are registered in the Glue Data Catalog. @default true */
  readonly catalogEnabled: boolean;
  /**
   * The vault account this exporter archives into, when it is a source of a vault (docs/handler-contract.md,
   * "Vault mode"): it then never verifies or catalogs (it cannot read the data) and hands each
   * completed export over to the vault instead. @default undefined (single account: it verifies itself)
   */
  readonly vaultAccountId?: string;
}

/** How one setting travels through one environment variable. */
export interface SettingCodec<T> {
  readonly variable: string;
  /** What the value must look like, for messages. */
  readonly shape: string;
  /** The value when the variable is unset or empty; undefined marks a required setting. */
  readonly fallback: T | undefined;
  /** Whether a missing value is allowed and stays undefined. */
  readonly optional?: boolean;
  /** The value, or a problem ("must be ..."); `text` is trimmed and not empty. */
  parse(text: string): { value: T } | { problem: string };
  write(value: T): string;
}

/** A settings contract: one codec per setting of `S`. */
export type CodecTable<S> = { readonly [K in keyof S]-?: SettingCodec<NonNullable<S[K]>> };

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A setting whose value must match `format`. */
export function text(variable: string, format: Format): SettingCodec<string> {
  return {
    variable,
    shape: format.shape,
    fallback: undefined,
    parse: (value) => (format.pattern.test(value) ? { value } : { problem: `must be ${format.shape}, got "${value}"` }),
    write: (value) => value,
  };
}

/** A comma list whose every item must match `format`; empty by default. */
export function patternList(variable: string, format: Format): SettingCodec<readonly string[]> {
  return {
    variable,
    shape: `a comma list of ${format.shape}`,
    fallback: [],
    parse: (value) => {
      const items = splitList(value);
      const bad = items.filter((item) => !format.pattern.test(item));
      return bad.length === 0 ? { value: items } : { problem: `must be a comma list of ${format.shape}; not allowed: ${bad.join(', ')}` };
    },
    write: (value) => value.join(','),
  };
}

function wholeNumber(variable: string, fallback: number, minimum: number, maximum: number): SettingCodec<number> {
  return {
    variable,
    shape: `a whole number from ${minimum} to ${maximum}`,
    fallback,
    parse: (value) =>
      /^\d+$/.test(value) && Number(value) >= minimum && Number(value) <= maximum
        ? { value: Number(value) }
        : { problem: `must be a whole number from ${minimum} to ${maximum}, got "${value}"` },
    write: String,
  };
}

/** "/" names the bucket root: Lambda drops empty variables, so "" could not say it. */
const BUCKET_ROOT = '/';

/** Every setting's variable, default, parse and write: the one definition of the contract. */
export const SETTING_CODECS: CodecTable<Settings> = {
  archiveBucket: text('ARCHIVE_BUCKET', BUCKET_NAME),
  exportRoleArn: text('EXPORT_ROLE_ARN', ROLE_ARN),
  exportKmsKeyArn: text('EXPORT_KMS_KEY_ARN', KMS_KEY_ARN),
  archivePrefix: {
    variable: 'ARCHIVE_PREFIX',
    shape: `${S3_PREFIX.shape}, or "${BUCKET_ROOT}" for the bucket root`,
    fallback: 'exports',
    parse: (value) => {
      const prefix = value.replace(/^\/+|\/+$/g, '');
      return S3_PREFIX.pattern.test(prefix)
        ? { value: prefix }
        : { problem: `must be ${S3_PREFIX.shape} (or "${BUCKET_ROOT}" for the bucket root), got "${value}"` };
    },
    write: (value) => (value === '' ? BUCKET_ROOT : value),
  },
  snapshotTypes: {
    variable: 'SNAPSHOT_TYPES',
    shape: `a comma list of ${SNAPSHOT_TYPES.join(', ')}`,
    fallback: ['automated', 'manual'],
    parse: (value) => {
      const names = splitList(value);
      const unknown = names.filter((name) => !(SNAPSHOT_TYPES as readonly string[]).includes(name));
      if (unknown.length > 0) return { problem: `must be a comma list of ${SNAPSHOT_TYPES.join(', ')}; not allowed: ${unknown.join(', ')}` };
      if (names.length === 0) return { problem: `must name at least one of ${SNAPSHOT_TYPES.join(', ')}` };
      return { value: [...new Set(names)] as SnapshotType[] };
    },
    write: (value) => value.join(','),
  },
  includeDatabases: patternList('INCLUDE_DATABASES', DATABASE_PATTERN),
  excludeDatabases: patternList('EXCLUDE_DATABASES', DATABASE_PATTERN),
  exportOnly: patternList('EXPORT_ONLY', EXPORT_ONLY_ITEM),
  notifyTopicArn: { ...text('NOTIFY_TOPIC_ARN', TOPIC_ARN), optional: true },
  archiveName: {
    variable: 'ARCHIVE_NAME',
    shape: 'a name for the Archive metric dimension',
    fallback: 'rds-snapshot-archive',
    parse: (value) => ({ value }),
    write: (value) => value,
  },
  lookbackDays: wholeNumber('LOOKBACK_DAYS', 7, 1, 35),
  maxConcurrentExports: wholeNumber('MAX_CONCURRENT_EXPORTS', 5, 1, 5),
  maxExportAttempts: wholeNumber('MAX_EXPORT_ATTEMPTS', 3, 1, 10),
  policy: {
    variable: 'ARCHIVE_POLICY',
    shape: 'the archive policy as JSON, e.g. {"rules":[{"databases":["orders-*"],"cadence":"monthly"}]}',
    fallback: DEFAULT_POLICY,
    parse: (value) => {
      try {
        return { value: decodePolicy(value) };
      } catch (error) {
        const detail = error instanceof PolicyError ? error.problems.join('; ') : (error as Error).message;
        return { problem: `is not a valid archive policy: ${detail}` };
      }
    },
    write: encodePolicy,
  },
  catalogEnabled: {
    variable: 'CATALOG_ENABLED',
    shape: '"true" or "false"',
    fallback: true,
    parse: (value) => (value === 'true' || value === 'false' ? { value: value === 'true' } : { problem: `must be "true" or "false", got "${value}"` }),
    write: String,
  },
  vaultAccountId: { ...text('VAULT_ACCOUNT_ID', ACCOUNT_ID), optional: true },
};

/** One setting's problem: the variable and what is wrong with it. */
export interface SettingProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Settings that are missing or malformed; the message lists every problem, one a line. */
export class SettingsError extends Error {
  /** The first problem's variable. */
  readonly variable: string;
  constructor(readonly problems: readonly SettingProblem[]) {
    const lines = problems.map((p) => `${p.variable} ${p.problem}`);
    super(lines.length === 1 ? lines[0]! : `${lines.length} settings are wrong:\n${lines.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'SettingsError';
    this.variable = problems[0]?.variable ?? '';
  }
}

/** Environment variables, as process.env holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The contract's variable names, in the order of {@link SETTING_CODECS}. */
export const SETTING_VARIABLES: readonly string[] = Object.values(SETTING_CODECS).map((codec: SettingCodec<unknown>) => codec.variable);

/**
 * Reads and checks a settings contract's values from environment variables. Unset or empty
 * variables take their defaults.
 *
 * @throws SettingsError listing every missing or malformed variable at once
 */
export function readWithCodecs<S>(codecs: CodecTable<S>, env: Env): S {
  const problems: SettingProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const [key, codec] of Object.entries(codecs) as [string, SettingCodec<unknown>][]) {
    const raw = env[codec.variable]?.trim() ?? '';
    if (raw === '') {
      if (codec.fallback === undefined && !codec.optional) problems.push({ variable: codec.variable, problem: `is required: ${codec.shape}` });
      settings[key] = codec.fallback;
      continue;
    }
    const parsed = codec.parse(raw);
    if ('problem' in parsed) problems.push({ variable: codec.variable, problem: parsed.problem });
    else settings[key] = parsed.value;
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return settings as S;
}

/** The environment variables that carry a settings contract's values (see {@link writeSettings}). */
export function writeWithCodecs<S>(codecs: CodecTable<S>, settings: S): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, codec] of Object.entries(codecs) as [string, SettingCodec<unknown>][]) {
    const value = (settings as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const written = codec.write(value);
    if (written !== '') env[codec.variable] = written;
  }
  return env;
}

/**
 * Reads and checks the settings from environment variables. Unset or empty variables take
 * their defaults.
 *
 * @throws SettingsError listing every missing or malformed variable at once
 */
export function readSettings(env: Env): Settings {
  return readWithCodecs(SETTING_CODECS, env);
}

/**
 * The environment variables that carry `settings`: every setting is written, defaults included,
 * so a CLI of another version reads exactly what the deployment uses. Empty values are left out
 * (Lambda keeps none, so they would show as a change on every plan); the reader reads an unset
 * variable as its default, which for every list setting is the empty list. Values may be
 * Terraform tokens; nothing is checked here.
 */
export function writeSettings(settings: Settings): Record<string, string> {
  return writeWithCodecs(SETTING_CODECS, settings);
}
