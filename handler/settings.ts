// Environment variables → typed settings. A missing or malformed variable is an error that
// names it, so a misconfigured function fails loudly instead of skipping snapshots.

/** Snapshot types the exporter can be told to export. */
export const SNAPSHOT_TYPES = ['automated', 'manual', 'awsbackup'] as const;
/** One of {@link SNAPSHOT_TYPES}: RDS's SnapshotType of the snapshots to export. */
export type SnapshotType = (typeof SNAPSHOT_TYPES)[number];

/** The exporter's settings. */
export interface Settings {
  readonly archiveBucket: string;
  readonly exportRoleArn: string;
  readonly exportKmsKeyArn: string;
  /** S3 prefix without leading or trailing slashes; empty for the bucket root. */
  readonly archivePrefix: string;
  readonly snapshotTypes: readonly SnapshotType[];
  /** Glob patterns over the DB instance or cluster identifier; empty selects all. */
  readonly includeDatabases: readonly string[];
  readonly excludeDatabases: readonly string[];
  readonly exportOnly: readonly string[];
  readonly notifyTopicArn?: string;
  /** The deployment's name, the Archive dimension of its metrics. */
  readonly archiveName: string;
  readonly lookbackDays: number;
  readonly maxConcurrentExports: number;
  readonly maxExportAttempts: number;
}

/** A variable that is missing or malformed. */
export class SettingsError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = 'SettingsError';
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const KMS_KEY = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[\w/-]+)$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]*$/;
const DATABASE_PATTERN = /^[A-Za-z0-9*?-]+$/;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string, pattern: RegExp, shape: string): string {
  const value = env[name]?.trim();
  if (value === undefined || value === '') throw new SettingsError(name, `is required: ${shape}`);
  if (!pattern.test(value)) throw new SettingsError(name, `must be ${shape}, got "${value}"`);
  return value;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function integer(env: Env, name: string, fallback: number, minimum: number, maximum: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text) || Number(text) < minimum || Number(text) > maximum) {
    throw new SettingsError(name, `must be a whole number from ${minimum} to ${maximum}, got "${text}"`);
  }
  return Number(text);
}

/** Reads and checks the exporter's environment variables. */
export function readSettings(env: Env): Settings {
  const archiveBucket = required(env, 'ARCHIVE_BUCKET', BUCKET, 'an S3 bucket name');
  const exportRoleArn = required(env, 'EXPORT_ROLE_ARN', ROLE_ARN, 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)');
  const exportKmsKeyArn = required(env, 'EXPORT_KMS_KEY_ARN', KMS_KEY, 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)');

  const rawPrefix = (env.ARCHIVE_PREFIX ?? '').trim();
  if (!PREFIX.test(rawPrefix) || rawPrefix.includes('//')) {
    throw new SettingsError('ARCHIVE_PREFIX', `must be S3 key characters separated by single slashes, got "${rawPrefix}"`);
  }
  const archivePrefix = rawPrefix.replace(/^\/+|\/+$/g, '');

  const typeNames = env.SNAPSHOT_TYPES === undefined || env.SNAPSHOT_TYPES.trim() === '' ? ['automated', 'manual'] : list(env, 'SNAPSHOT_TYPES');
  const unknown = typeNames.filter((t) => !(SNAPSHOT_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw new SettingsError('SNAPSHOT_TYPES', `must be a comma list of ${SNAPSHOT_TYPES.join(', ')}; not allowed: ${unknown.join(', ')}`);
  }

  const patterns = (name: string) => {
    const items = list(env, name);
    const bad = items.filter((p) => !DATABASE_PATTERN.test(p));
    if (bad.length > 0) throw new SettingsError(name, `must be comma-separated glob patterns of letters, digits, hyphens, * and ?; not allowed: ${bad.join(', ')}`);
    return items;
  };

  const notify = env.NOTIFY_TOPIC_ARN?.trim();
  if (notify !== undefined && notify !== '' && !TOPIC_ARN.test(notify)) {
    throw new SettingsError('NOTIFY_TOPIC_ARN', `must be an SNS topic ARN, got "${notify}"`);
  }

  return {
    archiveBucket,
    exportRoleArn,
    exportKmsKeyArn,
    archivePrefix,
    snapshotTypes: [...new Set(typeNames)] as SnapshotType[],
    includeDatabases: patterns('INCLUDE_DATABASES'),
    excludeDatabases: patterns('EXCLUDE_DATABASES'),
    exportOnly: list(env, 'EXPORT_ONLY'),
    notifyTopicArn: notify === undefined || notify === '' ? undefined : notify,
    archiveName: env.ARCHIVE_NAME?.trim() || 'rds-snapshot-archive',
    lookbackDays: integer(env, 'LOOKBACK_DAYS', 7, 1, 35),
    maxConcurrentExports: integer(env, 'MAX_CONCURRENT_EXPORTS', 5, 1, 5),
    maxExportAttempts: integer(env, 'MAX_EXPORT_ATTEMPTS', 3, 1, 10),
  };
}
