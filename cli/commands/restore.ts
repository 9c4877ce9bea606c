// `restore`: loads archived tables back into a PostgreSQL or MySQL/MariaDB database. Finds the
// export in the archive (S3 only: a bucket and a prefix, an exporter's or a vault source's), plans (tables, files, rows from the footers, types), reads
// numeric scales from the data where the export states none, then loads each table safely.
import type { S3Client } from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../../handler/common';
import {
  explainDatabaseError,
  ScaleRecovery,
  buildRestorePlan,
  checkEngine,
  formatPlan,
  type PlannedFile,
  type RestorePlan,
  type TablePlan,
  targetColumn,
  type TableResult,
  RestoreError,
  tableExistsError,
  chooseExportAt,
  chooseExportById,
  EXPORTER_HINTS,
  vaultHints,
  selectTables,
  type SourceTable,
} from '../../handler/restore';
import { s3 } from '../../handler/aws';
import type { ArchiveLocation } from '../archive-location';
import { exportById, exportsOfDatabase, s3RangeReader, tableParts } from '../restore/archive-reader';
import { bindColumns, openPart, type ParquetPart, partLines, prefetchFirstRowGroup, type RowGroupSource, scanColumn } from '../restore/parquet-reader';
import { RestoreProgress } from '../restore/progress';
import type { RestoreCommand } from '../restore/command-line';
import type { Loader } from '../restore/table-load';

/** Dependencies of {@link restore}; tests pass their own S3 client. */
export interface RestoreDependencies {
  readonly s3?: S3Client;
}

/** A table's parts, opened (footers read). */
type OpenedParts = Map<string, { key: string; part: ParquetPart }[]>;

async function findManifest(command: RestoreCommand, archive: ArchiveLocation, client: S3Client) {
  const where = `s3://${archive.bucket}/${archive.prefix}`;
  const hints = archive.inVault ? vaultHints(archive.bucket, archive.prefix) : EXPORTER_HINTS;
  if ('exportId' in command.source) {
    const { exportId } = command.source;
    return chooseExportById(await exportById(archive.bucket, archive.prefix, exportId, client), exportId, where, hints);
  }
  const { database, at } = command.source;
  return chooseExportAt(await exportsOfDatabase(archive.bucket, archive.prefix, database, client), database, at, where, hints);
}

/** Opens every part of the tables (reads the footers); `onRead` hears of every byte read from each table's folder, then and later. */
async function openTables(
  bucket: string,
  exportPrefix: string,
  tables: readonly SourceTable[],
  client: S3Client,
  onRead: (folder: string, bytes: number) => void,
): Promise<OpenedParts> {
  const opened: OpenedParts = new Map();
  for (const table of tables) {
    const folder = table.manifestTable.folder;
    const parts = await tableParts(bucket, exportPrefix, folder, client);
    if (parts.length === 0) {
      throw new RestoreError(
        `no Parquet file is under s3://${bucket}/${exportPrefix}${folder} any more, though the manifest lists ${table.manifestTable.files}: verify the export again (npm run archive -- verify --force)`,
      );
    }
    opened.set(
      folder,
      await mapWithConcurrency(parts, 8, async (p) => ({
        key: p.key,
        part: await openPart(
          s3RangeReader(bucket, p.key, p.size, client, (bytes) => onRead(folder, bytes)),
          `s3://${bucket}/${p.key}`,
        ),
      })),
    );
  }
  return opened;
}

/** Reads the scale of every numeric column whose scale neither the export nor the Parquet type states. */
async function withScales(engine: RestorePlan['engine'], plan: TablePlan, parts: readonly { part: ParquetPart }[]): Promise<TablePlan> {
  if (!plan.columns.some((c) => c.scaleFromData)) return plan;
  const columns = [];
  for (const column of plan.columns) {
    if (!column.scaleFromData) {
      columns.push(column);
      continue;
    }
    // The files are read a few at once (the scale does not depend on the order values come in).
    const recovery = new ScaleRecovery();
    await mapWithConcurrency(parts, 4, ({ part }) => scanColumn(part, column.name, engine, (bytes, from, to) => recovery.observeBytes(bytes, from, to)));
    columns.push(targetColumn(engine, column.source, recovery.result()));
  }
  return { ...plan, columns };
}

async function loadTable(loader: Loader, plan: RestorePlan, table: TablePlan, opened: OpenedParts, progress: RestoreProgress): Promise<TableResult> {
  const name = `${table.schema}.${table.table}`;
  const started = Date.now();
  const parts = opened.get(table.source.manifestTable.folder) ?? [];
  progress.start(name, table.rows, table.bytes);
  const prefetched = new Map<number, Promise<RowGroupSource> | undefined>();
  const prefetch = (i: number) => {
    const bytes = parts[i] === undefined ? undefined : prefetchFirstRowGroup(parts[i]!.part);
    // Its failure is reported where the bytes are read; until then it is not unhandled.
    bytes?.catch(() => {});
    prefetched.set(i, bytes);
  };
  try {
    // The first file's first bytes arrive while the scales are read and the staging table is made.
    prefetch(0);
    const final = await withScales(plan.engine, table, parts);
    const rows = await loader.load({
      plan: final,
      ifExists: plan.ifExists,
      files: parts.map(({ key, part }, i) => () => {
        // The next file's first bytes are fetched while this one loads.
        prefetch(i + 1);
        const first = prefetched.get(i);
        prefetched.delete(i);
        return partLines(part, bindColumns(part, final.columns, key), plan.engine, first);
      }),
      onRows: (n) => progress.rows(name, n),
    });
    const result: TableResult = {
      table: name,
      source: table.source.name,
      status: 'restored',
      rows,
      bytes: table.bytes,
      seconds: (Date.now() - started) / 1000,
    };
    progress.finish(result);
    return result;
  } catch (error) {
    const message =
      error instanceof RestoreError ? error.message : (explainDatabaseError(error, plan.target) ?? `${(error as Error).name}: ${(error as Error).message}`);
    const result: TableResult = {
      table: name,
      source: table.source.name,
      status: 'failed',
      rows: 0,
      bytes: table.bytes,
      seconds: (Date.now() - started) / 1000,
      error: message,
    };
    progress.finish(result);
    return result;
  }
}

async function run(command: RestoreCommand, archive: ArchiveLocation, client: S3Client): Promise<number> {
  const manifest = await findManifest(command, archive, client);
  const engine = checkEngine(manifest, command.target);
  const tables = selectTables(manifest, engine, command.tables);
  // Bytes read count towards a table's progress once its load has started.
  let reportRead: (folder: string, bytes: number) => void = () => {};
  const opened = await openTables(manifest.bucket || archive.bucket, manifest.exportPrefix, tables, client, (folder, bytes) => reportRead(folder, bytes));
  const files = new Map<string, PlannedFile[]>(
    [...opened].map(([folder, parts]) => [folder, parts.map(({ key, part }) => ({ key, bytes: part.file.byteLength, rows: part.rows }))]),
  );
  const plan = buildRestorePlan({
    manifest,
    tables,
    target: command.target,
    ...(command.targetSchema ? { targetSchema: command.targetSchema } : {}),
    ifExists: command.ifExists,
    files,
  });
  if (command.dryRun) {
    console.log(command.json ? JSON.stringify({ ...plan, target: plan.target.display }, null, 2) : formatPlan(plan));
    return 0;
  }
  console.error(
    `restoring ${plan.tables.length} table(s) of ${plan.exportTaskIdentifier} (${plan.rows.toLocaleString('en-US')} rows) into ${plan.target.display}`,
  );
  // Only the target's driver is loaded (mysql2 alone takes a tenth of a second and 15 MB).
  const loader =
    engine === 'postgres'
      ? await (await import('../restore/postgres-loader')).postgresLoader(command.target)
      : await (await import('../restore/mysql-loader')).mysqlLoader(command.target);
  try {
    if (command.ifExists === 'fail') {
      for (const table of plan.tables) if (await loader.exists(table.schema, table.table)) throw tableExistsError(`${table.schema}.${table.table}`);
    }
    const progress = new RestoreProgress(command.json);
    const byFolder = new Map(plan.tables.map((t) => [t.source.manifestTable.folder, `${t.schema}.${t.table}`]));
    reportRead = (folder, bytes) => progress.bytes(byFolder.get(folder) ?? '', bytes);
    const started = Date.now();
    const results = await mapWithConcurrency(plan.tables, command.jobs, (table) => loadTable(loader, plan, table, opened, progress));
    progress.summary(results, (Date.now() - started) / 1000);
    return results.every((r) => r.status === 'restored') ? 0 : 1;
  } finally {
    await loader.close();
  }
}

export async function restore(command: RestoreCommand, archive: ArchiveLocation, deps: RestoreDependencies = {}): Promise<number> {
  try {
    return await run(command, archive, deps.s3 ?? s3);
  } catch (error) {
    const message = error instanceof RestoreError ? error.message : explainDatabaseError(error, command.target);
    if (message === undefined) throw error;
    console.error(`error: ${message}`);
    return error instanceof RestoreError ? error.exitCode : 1;
  }
}
