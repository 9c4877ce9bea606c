// The RDS export emulator: writes, from a live PostgreSQL or MySQL/MariaDB database, the files an
// RDS snapshot export writes to S3 (Parquet parts, export_info and export_tables_info), plus the
// fixture helpers our example exports carry (listing.json, describe-export-task.json). Sources
// are AWS's RDS user guide pages "Data conversion when exporting to an Amazon S3 bucket" (types:
// postgres-types.ts, mysql-types.ts), "File naming conventions" and "Limitations" (layout.ts);
// the JSON files follow our example exports (__tests__/fixtures/rds-exports/README.md).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { exportFolderKey, exportInfoFileName, exportInfoTime, partFileName, tableFolder, tablesInfoFileName } from './layout';
import { readMysqlTables } from './mysql-source';
import { writeParquetPart } from './parquet-writer';
import { readPostgresTables } from './postgres-source';
import type { SourceTable } from './source';

export interface RdsExportOptions {
  readonly engine: 'postgres' | 'mysql';
  /** The database server's URL (any database on it for PostgreSQL: the emulator connects to `database`). */
  readonly url: string;
  readonly database: string;
  /** Tables to export: PostgreSQL "schema.table" (or "table" in public), MySQL "table"; all when absent. */
  readonly tables?: readonly string[];
  readonly exportTaskIdentifier: string;
  readonly s3Prefix: string;
  /** Where to write: each S3 object at `outDir/<key>`, listing.json and describe-export-task.json at `outDir/`. */
  readonly outDir: string;
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

export interface RdsExportResult {
  /** Every S3 object written, with its size (the export's listing). */
  readonly keys: { key: string; size: number }[];
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

/** Writes the export of `options.database` under `options.outDir` and returns its listing. */
export async function writeRdsExport(options: RdsExportOptions): Promise<RdsExportResult> {
  const tables: SourceTable[] =
    options.engine === 'postgres'
      ? await readPostgresTables(databaseUrl(options.url, options.database), options.tables)
      : await readMysqlTables(options.url, options.database, options.tables);
  const snapshotTime = options.snapshotTime ?? DEFAULT_SNAPSHOT_TIME;
  const taskStart = new Date(snapshotTime.getTime() + 15 * MINUTE);
  const extractionStart = new Date(taskStart.getTime() + 10 * MINUTE);
  const extractionEnd = new Date(extractionStart.getTime() + 2 * MINUTE);
  const taskEnd = new Date(extractionEnd.getTime() + 3 * MINUTE);
  const folder = exportFolderKey(options.s3Prefix, options.exportTaskIdentifier);
  const files: { key: string; body: Uint8Array }[] = [];
  const entries: Record<string, unknown>[] = [];
  const skipped: { tableName: string; reason: string }[] = [];
  let totalGB = 0;

  for (const table of tables) {
    const target = options.engine === 'postgres' ? `${options.database}.${table.schema}.${table.name}` : `${options.database}.${table.name}`;
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
    const tablePath = folder + tableFolder(options.database, table.schema, table.name);
    let bytes = 0;
    let parts = 0;
    table.batches.forEach((batch, b) => {
      const uuid = stableUuid(`${options.exportTaskIdentifier}/${target}/${b + 1}`);
      const rowsPerColumn = batch.map((values) => split(values, options.partsPerTable ?? 1));
      const rowCount = batch[0]?.length ?? 0;
      for (let p = 0; p < (options.partsPerTable ?? 1); p++) {
        // AWS, "File naming conventions": a partition whose range holds no rows gets no file (a gap
        // in the part numbers). An empty table still gets one part, with the schema and no rows.
        if ((rowsPerColumn[0]?.[p]?.length ?? 0) === 0 && !(rowCount === 0 && p === 0)) continue;
        const body = writeParquetPart(
          table.columns.map((column, c) => ({ name: column.name, parquet: column.parquet, values: rowsPerColumn[c]![p]! })),
          options.rowGroupSize,
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
    options.databaseEntries ??
    (options.engine === 'postgres' && options.database !== 'postgres' ? [{ target: 'postgres', warningMessage: POSTGRES_DATABASE_MESSAGE }] : []);
  for (const entry of databaseEntries) entries.push({ warningMessage: entry.warningMessage, target: entry.target });

  const sourceArn = options.sourceArn ?? `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:${options.database}-snapshot`;
  const bucket = options.s3Bucket ?? DEFAULT_BUCKET;
  const prefix = options.s3Prefix.replace(/^\/+|\/+$/g, '');
  const totalExportedDataInGB = Math.round(totalGB * 1e10) / 1e10;
  const exportInfo = {
    exportTaskIdentifier: options.exportTaskIdentifier,
    sourceArn,
    exportOnly: options.tables?.map((t) => `${options.database}.${t}`) ?? [],
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
    { key: folder + exportInfoFileName(options.exportTaskIdentifier), body: json(exportInfo) },
    { key: folder + tablesInfoFileName(options.exportTaskIdentifier, 1, Math.max(tableCount, 1)), body: json({ perTableStatus: entries }) },
  ];
  const objects = [...metadata, ...files];
  for (const object of objects) {
    const path = join(options.outDir, object.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, object.body);
  }
  const keys = objects.map((o) => ({ key: o.key, size: o.body.length }));
  const describe = {
    ExportTasks: [
      {
        ExportTaskIdentifier: options.exportTaskIdentifier,
        SourceArn: sourceArn,
        ...(options.tables ? { ExportOnly: exportInfo.exportOnly } : {}),
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
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'listing.json'), `${JSON.stringify(keys, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'describe-export-task.json'), `${JSON.stringify(describe, null, 2)}\n`);
  return { keys };
}

/** The URL of `database` on the server of `url` (PostgreSQL connects to one database at a time). */
function databaseUrl(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Uploads an export written by writeRdsExport to a bucket (moto in tests). */
export async function uploadRdsExport(s3: S3Client, bucket: string, outDir: string, keys: readonly { key: string }[]): Promise<void> {
  for (const { key } of keys) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(join(outDir, key)) }));
  }
}
