// The RDS export emulator: writes, from a live PostgreSQL or MySQL/MariaDB database, the files an
// RDS snapshot export writes to S3 (Parquet parts, export_info and export_tables_info), plus the
// fixture helpers our example exports carry (listing.json, describe-export-task.json). Sources
// are AWS's RDS user guide pages "Data conversion when exporting to an Amazon S3 bucket" (types:
// postgres-types.ts, mysql-types.ts), "File naming conventions" and "Limitations" (layout.ts,
// export-files.ts); the JSON files follow our example exports (fixtures/rds-exports/README.md).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { exportFiles, type ExportSettings } from './export-files';
import { readMysqlTables } from './mysql-source';
import { readPostgresTables } from './postgres-source';
import type { SourceTable } from './source';

/** What to export from a live database, and where to write it; the export's own settings are ExportSettings' (export-files.ts). */
export interface RdsExportOptions extends Omit<ExportSettings, 'exportOnly'> {
  /** The database server's URL (any database on it for PostgreSQL: the emulator connects to `database`). */
  readonly url: string;
  /** Tables to export: PostgreSQL "schema.table" (or "table" in public), MySQL "table"; all when absent. */
  readonly tables?: readonly string[];
  /** Where to write: each S3 object at `outDir/<key>`, listing.json and describe-export-task.json at `outDir/`. */
  readonly outDir: string;
}

export interface RdsExportResult {
  /** Every S3 object written, with its size (the export's listing). */
  readonly keys: { key: string; size: number }[];
}

/** Writes the export of `options.database` under `options.outDir` and returns its listing. */
export async function writeRdsExport(options: RdsExportOptions): Promise<RdsExportResult> {
  const tables: SourceTable[] =
    options.engine === 'postgres'
      ? await readPostgresTables(databaseUrl(options.url, options.database), options.tables)
      : await readMysqlTables(options.url, options.database, options.tables);
  const exportOnly = options.tables?.map((t) =>
    options.engine === 'postgres' && !t.includes('.') ? `${options.database}.public.${t}` : `${options.database}.${t}`,
  );
  const { objects, describe } = exportFiles(tables, { ...options, exportOnly });
  for (const object of objects) {
    const path = join(options.outDir, object.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, object.body);
  }
  const keys = objects.map((o) => ({ key: o.key, size: o.body.length }));
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
