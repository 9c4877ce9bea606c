// The deployment's configuration: its types, the values that apply where nothing is set, and
// the error that lists what is wrong. Loading is in config-load.ts, checking in config-validate.ts.
import { type SnapshotType, type ArchivePolicy, DEFAULT_POLICY } from '../handler/contract';

/** S3 storage classes a lifecycle rule may move exports to. */
export const STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/**
 * The storage classes Athena reads. It skips objects in S3 Glacier Flexible Retrieval and Deep
 * Archive (Athena user guide, "Querying restored Amazon S3 Glacier objects"); Intelligent-Tiering
 * is readable as long as its optional archive tiers stay off, which this stack never turns on.
 */
export const QUERYABLE_STORAGE_CLASSES: readonly StorageClass[] = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'];

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** S3 Object Lock retention modes. */
export const OBJECT_LOCK_MODES = ['GOVERNANCE', 'COMPLIANCE'] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];

/** What happens to exported objects as they age. */
export interface LifecycleConfig {
  /** Storage class exports move to. @default "GLACIER_IR" */
  readonly transitionStorageClass: StorageClass;
  /** Days after creation before the move. @default 30 */
  readonly transitionAfterDays: number;
  /** Days after creation before exports are deleted; undefined keeps them. @default undefined */
  readonly expirationDays?: number;
  /** Days an overwritten or deleted object version is kept. @default 90 */
  readonly noncurrentVersionExpirationDays: number;
}

/** Write-once retention for exported objects. */
export interface ObjectLockConfig {
  readonly mode: ObjectLockMode;
  readonly days: number;
}

/** A source account of a vault: its snapshots export into the vault's bucket. */
export interface VaultSourceAccount {
  /** The 12-digit account id. */
  readonly accountId: string;
  /** The role Terraform assumes in this account (the AWS provider's assume_role). @default undefined (the ambient credentials) */
  readonly roleArn?: string;
}

/**
 * A vault account: the archive bucket, its key, verification and the catalog live there, and the
 * source accounts export into it but cannot delete, overwrite or unlock what they wrote.
 */
export interface VaultConfig {
  /** The vault's 12-digit account id. */
  readonly accountId: string;
  /** The role Terraform assumes in the vault account. @default undefined (the ambient credentials) */
  readonly roleArn?: string;
  /** The vault bucket's default Object Lock retention. Required: a vault without it is not a vault. */
  readonly objectLock: ObjectLockConfig;
  /** The accounts whose snapshots are archived into the vault; at least one, each once. */
  readonly sourceAccounts: readonly VaultSourceAccount[];
}

/** Where Terraform keeps state. One key per stack below `keyPrefix`. */
export interface RemoteStateConfig {
  readonly bucket: string;
  /** @default "rds-snapshot-archive" */
  readonly keyPrefix: string;
  /** Region of the state bucket. @default the first archive region */
  readonly region: string;
}

/** The scheduled reconciliation that catches missed events, quota overflows and failed exports. */
export interface ReconciliationConfig {
  /** Minutes between runs. @default 60 */
  readonly everyMinutes: number;
  /** Snapshots created this many days back are considered. @default 7 */
  readonly lookbackDays: number;
  /** Exports this archive lets run at once (RDS allows 5 per account). @default 5 */
  readonly maxConcurrentExports: number;
  /** Attempts per snapshot before it is reported and left alone. @default 3 */
  readonly maxExportAttempts: number;
  /** The lag alarm fires when the oldest snapshot due for archiving has waited longer than this. @default 48 */
  readonly maxLagHours: number;
}

/** Registration of verified exports in the Glue Data Catalog, and the Athena workgroup to query them. */
export interface CatalogConfig {
  /** Register verified exports in Glue. @default true */
  readonly enabled: boolean;
  /** Athena stops a query of the archive's workgroup after scanning this many bytes. @default 107374182400 (100 GiB) */
  readonly bytesScannedCutoffPerQuery: number;
  /**
   * Allow lifecycle.transitionStorageClass to be a class Athena cannot read (GLACIER, DEEP_ARCHIVE)
   * while the catalog is on: queries then silently skip the moved objects. @default false
   */
  readonly allowUnqueryableStorage: boolean;
}

/** The validated settings of one deployment. */
export interface ArchiveConfig {
  /** Environment name, part of every resource name. @default "dev" */
  readonly environment: string;
  /** Prefix of every resource name. @default "rds-archive" */
  readonly namePrefix: string;
  /** Regions to archive; one stack each, since an export needs a bucket in the snapshot's region. @default ["us-east-1"] */
  readonly regions: readonly string[];
  /** Per region, an existing bucket to export into instead of creating one. @default {} */
  readonly existingBucketNames: Readonly<Record<string, string>>;
  /** Per region, an existing KMS key ARN to encrypt with instead of creating one. @default {} */
  readonly existingKmsKeyArns: Readonly<Record<string, string>>;
  /** S3 prefix under which each database's exports sit. @default "exports" */
  readonly archivePrefix: string;
  readonly lifecycle: LifecycleConfig;
  /** @default undefined (no Object Lock) */
  readonly objectLock?: ObjectLockConfig;
  /** Snapshot types to export. @default ["automated", "manual"] */
  readonly snapshotTypes: readonly SnapshotType[];
  /** Glob patterns over DB instance and cluster identifiers; empty exports all. @default [] */
  readonly includeDatabases: readonly string[];
  /** Glob patterns over DB instance and cluster identifiers never exported. @default [] */
  readonly excludeDatabases: readonly string[];
  /** Databases, schemas or tables to export (StartExportTask ExportOnly); empty exports all. @default [] */
  readonly exportOnly: readonly string[];
  /** Days the exporter's logs are kept. @default 365 */
  readonly logRetentionDays: number;
  readonly reconciliation: ReconciliationConfig;
  /** Export cadence per database, and the export price used in cost estimates. @default DEFAULT_POLICY (every snapshot) */
  readonly policy: ArchivePolicy;
  readonly catalog: CatalogConfig;
  /**
   * Invocations of the exporter that may run at once. 1 makes each quota check and start one
   * step, so maxConcurrentExports holds exactly; null leaves the function unreserved (for
   * accounts whose Lambda concurrency quota cannot spare a reservation), and then only RDS's own
   * limit of 5 running exports holds under concurrent events. @default 1
   */
  readonly exporterReservedConcurrency: number | null;
  /** Retries of a failed asynchronous invocation before its event goes to the dead-letter queue (0-2). @default 2 */
  readonly asyncRetryAttempts: number;
  /** E-mail addresses subscribed to the notifications topic (alarms, failed exports). @default [] */
  readonly notificationEmails: readonly string[];
  /** Tags for every resource, beside Application and Environment. @default {} */
  readonly tags: Readonly<Record<string, string>>;
  /** @default undefined (local state, with a notice) */
  readonly remoteState?: RemoteStateConfig;
  /** @default undefined (one account: every region's stack holds its own bucket) */
  readonly vault?: VaultConfig;
}

/** The settings used where neither the config file nor the environment says otherwise. */
export const DEFAULT_CONFIG: ArchiveConfig = {
  environment: 'dev',
  namePrefix: 'rds-archive',
  regions: ['us-east-1'],
  existingBucketNames: {},
  existingKmsKeyArns: {},
  archivePrefix: 'exports',
  lifecycle: {
    transitionStorageClass: 'GLACIER_IR',
    transitionAfterDays: 30,
    noncurrentVersionExpirationDays: 90,
  },
  snapshotTypes: ['automated', 'manual'],
  includeDatabases: [],
  excludeDatabases: [],
  exportOnly: [],
  logRetentionDays: 365,
  reconciliation: { everyMinutes: 60, lookbackDays: 7, maxConcurrentExports: 5, maxExportAttempts: 3, maxLagHours: 48 },
  policy: DEFAULT_POLICY,
  catalog: { enabled: true, bytesScannedCutoffPerQuery: 100 * 1024 ** 3, allowUnqueryableStorage: false },
  exporterReservedConcurrency: 1,
  asyncRetryAttempts: 2,
  notificationEmails: [],
  tags: {},
};

/** Raised when the settings are invalid; its message lists every problem, one a line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid rds-snapshot-archive configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
