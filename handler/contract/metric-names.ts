// Names shared by the handler, which emits the metrics (CloudWatch embedded metric format), and
// the stack, whose alarms and dashboards read them. Change them in one place only.

/** CloudWatch namespace of the archive's metrics. */
export const METRICS_NAMESPACE = 'RdsSnapshotArchive';

/** Dimension naming the deployment (its resource base name), so several archives can share an account. */
export const ARCHIVE_DIMENSION = 'Archive';

/** Emitted with value 1 by every reconciliation that finished; the alarm fires when it stops. */
export const RECONCILIATION_SUCCEEDED = 'ReconciliationSucceeded';

/** Emitted with value 1 for every export that completed. */
export const EXPORTS_COMPLETED = 'ExportsCompleted';

/** Emitted for every completed export: the bytes RDS reported as exported. */
export const EXPORTED_BYTES = 'ExportedBytes';

/** 1 for every export whose manifest says `verified`, 0 otherwise. */
export const EXPORTS_VERIFIED = 'ExportsVerified';

/** 1 for every export whose manifest says `incomplete` or `missing`, 0 otherwise; alarm on it. */
export const EXPORTS_INCOMPLETE = 'ExportsIncomplete';

/** The tables of a verified export that are not archived. */
export const TABLES_NOT_ARCHIVED = 'TablesNotArchived';

/** The bytes of the Parquet parts verification found. */
export const ARCHIVED_BYTES = 'ArchivedBytes';

/**
 * Emitted by every reconciliation: hours the oldest snapshot that the policy says must be
 * archived has waited without a complete export (0 when none). Without a database dimension
 * it is the overall value the lag alarm watches; with the `Database` dimension, the worst ones.
 */
export const ARCHIVE_LAG_HOURS = 'ArchiveLagHours';

/** Vault mode: emitted by a source's exporter with value 1 for every export it handed over to the vault. */
export const EXPORTS_HANDED_OVER = 'ExportsHandedOver';

/** Vault mode: emitted by the vault verifier with value 1 for every handover it rejected (never verified); alarm on it. */
export const HANDOVERS_REJECTED = 'HandoversRejected';

/** Vault mode: emitted with value 1 by every hourly run of the vault verifier that handled every handover; alarm when it stops. */
export const VAULT_VERIFICATION_SUCCEEDED = 'VaultVerificationSucceeded';

/** Dimension naming the source DB instance or cluster, for per-database lag. */
export const DATABASE_DIMENSION = 'Database';
