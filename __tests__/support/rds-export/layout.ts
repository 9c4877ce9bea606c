// Where RDS puts an export's files, and how it spells their times (pure).
//
// AWS, RDS user guide "File naming conventions for exports to Amazon S3":
// `<export_identifier>/<database_name>/<schema_name>.<table_name>/<batch_index>/part-<partition_index>-<random_uuid>.<extension>`
// under the task's S3 prefix; a MySQL/MariaDB table's schema is its database. "Limitations": the
// characters \ ` " and space in the S3 file path become _ (exportPathName, shared with the
// verifier). The `-c000.gz.parquet` ending is what our example listings and public copies of real
// exports show (Spark's part naming; gzip-compressed Parquet).
import { exportPathName } from '../../../handler/verification/layout';

/** A table's folder relative to the export's folder: `<database>/<schema>.<table>/`, path characters converted. */
export function tableFolder(database: string, schema: string, table: string): string {
  return `${exportPathName(database)}/${exportPathName(`${schema}.${table}`)}/`;
}

/** A part's name inside a batch folder: `part-00000-<uuid>-c000.gz.parquet`. */
export function partFileName(partitionIndex: number, uuid: string): string {
  return `part-${String(partitionIndex).padStart(5, '0')}-${uuid}-c000.gz.parquet`;
}

export function exportInfoFileName(exportTaskIdentifier: string): string {
  return `export_info_${exportTaskIdentifier}.json`;
}

export function tablesInfoFileName(exportTaskIdentifier: string, from: number, to: number): string {
  return `export_tables_info_${exportTaskIdentifier}_from_${from}_to_${to}.json`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A time as export_info and export_tables_info spell it: Java's default medium format in UTC,
 * "Nov 20, 2026 3:10:41 AM" (the form the verifier's parseExportInfoTime reads).
 */
export function exportInfoTime(time: Date): string {
  const hours = time.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[time.getUTCMonth()]} ${time.getUTCDate()}, ${time.getUTCFullYear()} ${hour12}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
