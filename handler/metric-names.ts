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
