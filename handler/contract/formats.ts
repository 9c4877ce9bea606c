// The shapes a setting's value may take, shared by the deployment's configuration
// (stacks/config-validate.ts) and the exporter's settings contract (handler/contract/settings.ts), so a
// value that synthesizes is a value the handler accepts.

/** A pattern and the words that describe it in a message ("must be <shape>"). */
export interface Format {
  readonly pattern: RegExp;
  readonly shape: string;
}

/** Snapshot types RDS reports in `SnapshotType` that the archive can export. */
export const SNAPSHOT_TYPES = ['automated', 'manual', 'awsbackup'] as const;
/** One of {@link SNAPSHOT_TYPES}. */
export type SnapshotType = (typeof SNAPSHOT_TYPES)[number];

export const BUCKET_NAME: Format = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  shape: 'an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
};

/** An AWS account id: 12 digits. */
export const ACCOUNT_ID: Format = {
  pattern: /^\d{12}$/,
  shape: 'an AWS account id (12 digits)',
};

export const ROLE_ARN: Format = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
  shape: 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
};

export const KMS_KEY_ARN: Format = {
  pattern: /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/,
  shape: 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
};

export const TOPIC_ARN: Format = {
  pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/,
  shape: 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)',
};

/** An S3 key prefix without leading or trailing slash; empty is the bucket root. */
export const S3_PREFIX: Format = {
  pattern: /^([A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*)?$/,
  shape: 'S3 key characters separated by single slashes, no leading or trailing slash',
};

/** Glob patterns over DB instance and cluster identifiers (letters, digits, hyphens). */
export const DATABASE_PATTERN: Format = {
  pattern: /^[A-Za-z0-9*?-]+$/,
  shape: 'glob patterns of letters, digits, hyphens, * and ?',
};

/** One StartExportTask ExportOnly item: database, database.schema or database.schema.table. */
export const EXPORT_ONLY_ITEM: Format = {
  pattern: /^[^,\s]+$/,
  shape: 'names such as "database", "database.schema" or "database.schema.table", without commas or spaces',
};

/** The deployment's name: lower-case words joined by single hyphens, e.g. "rds-archive-prod". */
export const NAME_PART: Format = {
  pattern: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  shape: 'lower-case letters, digits and single hyphens, starting with a letter',
};
