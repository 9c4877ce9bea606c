// The files of an emulated RDS export, from tables already read (pure): Parquet parts at RDS's
// keys, export_info_<id>.json, export_tables_info_<id>_from_1_to_<n>.json, and the
// DescribeExportTasks answer. Sources: AWS's RDS user guide ("File naming conventions",
// "Limitations") and our example exports for the JSON files (fixtures/rds-exports/README.md).
import { createHash } from 'node:crypto';
import { exportFolder } from '../../../handler/verification/layout';
import { exportInfoFileName, exportInfoTime, partFileName, tableFolder, tablesInfoFileName } from './layout';
import { writeParquetPart } from './parquet-writer';
import type { SourceTable } from './source';

/** What an export looks like apart from its tables (see RdsExportOptions in index.ts). */
export interface ExportSettings {
  readonly engine: 'postgres' | 'mysql';
  readonly database: string;
  /** The tables asked for (ExportOnly), as "database.table" (MySQL) or "database.schema.table" (PostgreSQL); all when absent. */
  readonly exportOnly?: readonly string[];
  readonly exportTaskIdentifier: string;
  readonly s3Prefix: string;
  readonly sourceArn?: string;
  readonly snapshotTime?: Date;
  /** Rows per Parquet row group (default: one row group per part). */
  readonly rowGroupSize?: number;
  /** Parts per batch folder (default 1): the rows are split evenly over part-00000, part-00001, ... */
  readonly partsPerTable?: number;
  readonly s3Bucket?: string;
  /** Database-level entries of export_tables_info; PostgreSQL exports default to one for "postgres". */
  readonly databaseEntries?: readonly { readonly target: string; readonly warningMessage: string }[];
}

/** The export: every S3 object with its bytes, and the DescribeExportTasks answer for it. */
export interface ExportFiles {
  readonly objects: { key: string; body: Uint8Array }[];
  readonly describe: { ExportTasks: Record<string, unknown>[] };
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DEFAULT_SNAPSHOT_TIME = new Date('2026-11-20T03:10:41Z');
const DEFAULT_BUCKET = `rds-archive-test-${ACCOUNT}-${REGION}`;
const IAM_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/rds-archive-test-export`;
const KMS_KEY_ID = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0f6c1a52-3d1e-4c7e-9a51-2b7d5c8e4f10`;
/** The database-level message of a PostgreSQL export; AWS documents no text for it, so ours says so. */
export const POSTGRES_DATABASE_MESSAGE = '(illustrative text) database postgres: no tables to export';

/**
 * AWS, "Limitations": tables with these characters in a column name are skipped (, ; { } ( )
 * newline tab = space).
 */
const UNSUPPORTED_COLUMN_NAME = /[,;{}()\n\t= ]/;

const MINUTE = 60_000;

/** A UUID derived from `seed`, so writing the same export twice gives the same file names. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sizeGB(bytes: number): number {
  return Math.round((bytes / 1024 ** 3) * 1e10) / 1e10;
}

function split<T>(values: readonly T[], parts: number): T[][] {
  const size = Math.ceil(values.length / parts);
  return Array.from({ length: parts }, (_, i) => values.slice(i * size, (i + 1) * size));
}

/** The export of `tables` as RDS would write it. */
export function exportFiles(tables: readonly SourceTable[], settings: ExportSettings): ExportFiles {
  const snapshotTime = settings.snapshotTime ?? DEFAULT_SNAPSHOT_TIME;
  const taskStart = new Date(snapshotTime.getTime() + 15 * MINUTE);
  const extractionStart = new Date(taskStart.getTime() + 10 * MINUTE);
  const extractionEnd = new Date(extractionStart.getTime() + 2 * MINUTE);
  const taskEnd = new Date(extractionEnd.getTime() + 3 * MINUTE);
  const folder = exportFolder(settings.s3Prefix, settings.exportTaskIdentifier);
  const files: { key: string; body: Uint8Array }[] = [];
  const entries: Record<string, unknown>[] = [];
  const skipped: { tableName: string; reason: string }[] = [];
  let totalGB = 0;

  for (const table of tables) {
    const target = settings.engine === 'postgres' ? `${settings.database}.${table.schema}.${table.name}` : `${settings.database}.${table.name}`;
    const odd = table.columns.find((c) => UNSUPPORTED_COLUMN_NAME.test(c.name));
    if (odd !== undefined) {
      skipped.push({ tableName: target, reason: 'UNSUPPORTED_CHARACTER_IN_COLUMN_NAME' });
      entries.push({
        status: 'SKIPPED',
        sizeGB: 0,
        target,
        warningMessage: `The table was skipped: the column name ${JSON.stringify(odd.name)} contains characters that are not supported.`,
      });
      continue;
    }
    const tablePath = folder + tableFolder(settings.database, table.schema, table.name);
    let bytes = 0;
    let parts = 0;
    table.batches.forEach((batch, b) => {
      const uuid = stableUuid(`${settings.exportTaskIdentifier}/${target}/${b + 1}`);
      const rowsPerColumn = batch.map((values) => split(values, settings.partsPerTable ?? 1));
      const rowCount = batch[0]?.length ?? 0;
      for (let p = 0; p < (settings.partsPerTable ?? 1); p++) {
        // AWS, "File naming conventions": a partition whose range holds no rows gets no file (a gap
        // in the part numbers). An empty table still gets one part, with the schema and no rows.
        if ((rowsPerColumn[0]?.[p]?.length ?? 0) === 0 && !(rowCount === 0 && p === 0)) continue;
        const body = writeParquetPart(
          table.columns.map((column, c) => ({ name: column.name, parquet: column.parquet, values: rowsPerColumn[c]![p]! })),
          settings.rowGroupSize,
        );
        files.push({ key: `${tablePath}${b + 1}/${partFileName(p, uuid)}`, body });
        bytes += body.length;
        parts++;
      }
    });
    totalGB += sizeGB(bytes);
    entries.push({
      tableStatistics: {
        extractionStartTime: exportInfoTime(extractionStart),
        extractionEndTime: exportInfoTime(extractionEnd),
        partitioningInfo: { numberOfPartitions: parts, numberOfCompletedPartitions: parts },
      },
      schemaMetadata: {
        originalTypeMappings: table.columns.map((c) => ({
          columnName: c.name,
          originalType: c.originalType,
          expectedExportedType: c.parquet.expectedExportedType,
          originalCharMaxLength: c.originalCharMaxLength,
          originalNumPrecision: c.originalNumPrecision,
          originalDateTimePrecision: c.originalDateTimePrecision,
        })),
      },
      status: 'COMPLETE',
      sizeGB: sizeGB(bytes),
      target,
    });
  }
  const databaseEntries =
    settings.databaseEntries ??
    (settings.engine === 'postgres' && settings.database !== 'postgres' ? [{ target: 'postgres', warningMessage: POSTGRES_DATABASE_MESSAGE }] : []);
  for (const entry of databaseEntries) entries.push({ warningMessage: entry.warningMessage, target: entry.target });

  const sourceArn = settings.sourceArn ?? `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:${settings.database}-snapshot`;
  const bucket = settings.s3Bucket ?? DEFAULT_BUCKET;
  const prefix = settings.s3Prefix.replace(/^\/+|\/+$/g, '');
  const totalExportedDataInGB = Math.round(totalGB * 1e10) / 1e10;
  const exportInfo = {
    exportTaskIdentifier: settings.exportTaskIdentifier,
    sourceArn,
    exportOnly: settings.exportOnly ?? [],
    snapshotTime: exportInfoTime(snapshotTime),
    taskStartTime: exportInfoTime(taskStart),
    taskEndTime: exportInfoTime(taskEnd),
    s3Bucket: bucket,
    s3Prefix: prefix,
    exportedFilesPath: folder.replace(/\/$/, ''),
    iamRoleArn: IAM_ROLE_ARN,
    kmsKeyId: KMS_KEY_ID,
    status: 'COMPLETE',
    percentProgress: 100,
    totalExportedDataInGB,
  };
  const tableCount = entries.filter((e) => 'status' in e).length;
  const json = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const metadata = [
    { key: folder + exportInfoFileName(settings.exportTaskIdentifier), body: json(exportInfo) },
    { key: folder + tablesInfoFileName(settings.exportTaskIdentifier, 1, Math.max(tableCount, 1)), body: json({ perTableStatus: entries }) },
  ];
  const objects = [...metadata, ...files];
  const describe = {
    ExportTasks: [
      {
        ExportTaskIdentifier: settings.exportTaskIdentifier,
        SourceArn: sourceArn,
        ...(settings.exportOnly ? { ExportOnly: settings.exportOnly } : {}),
        SnapshotTime: snapshotTime.toISOString(),
        TaskStartTime: taskStart.toISOString(),
        TaskEndTime: taskEnd.toISOString(),
        S3Bucket: bucket,
        S3Prefix: prefix,
        IamRoleArn: IAM_ROLE_ARN,
        KmsKeyId: KMS_KEY_ID,
        Status: 'COMPLETE',
        PercentProgress: 100,
        TotalExtractedDataInGB: Math.round(totalExportedDataInGB),
        ...(skipped.length > 0 ? { WarningMessage: JSON.stringify({ skippedTables: skipped, skippedObjectives: [], general: [] }) } : {}),
        SourceType: 'SNAPSHOT',
      },
    ],
  };
  return { objects, describe };
}
