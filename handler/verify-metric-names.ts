// The metrics of export verification, emitted by the handler (embedded metric format) and read
// by alarms and dashboards. Same namespace and dimension as metric-names.ts.

/** 1 for every export whose manifest says `verified`, 0 otherwise. */
export const EXPORTS_VERIFIED = 'ExportsVerified';

/** 1 for every export whose manifest says `incomplete` or `missing`, 0 otherwise; alarm on it. */
export const EXPORTS_INCOMPLETE = 'ExportsIncomplete';

/** The tables of a verified export that are not archived. */
export const TABLES_NOT_ARCHIVED = 'TablesNotArchived';

/** The bytes of the Parquet parts verification found. */
export const ARCHIVED_BYTES = 'ArchivedBytes';
