// What to register in the Glue Data Catalog for one export (pure): a database per source
// database, a table per archived source table, and a partition per export, all from the
// export's own schema (no crawler).
//
// Layout: a table's partition for a snapshot is the table's folder in that export,
// s3://<bucket>/<S3Prefix>/<exportTaskIdentifier>/<db>/<schema>.<table>/, and RDS writes the
// Parquet parts one level down, in numbered batch folders (1/part-00000-….gz.parquet). Does
// Athena read them there? AWS's Athena guide ("Specify a table location in Amazon S3") says
// "Athena reads all data stored in the Amazon S3 folder that you specify", and the RDS guide
// ("File naming convention") recommends reading everything under a table's base prefix and names
// Athena as the reader; neither says "subfolders" in so many words. That Athena's Hive/Trino
// engine lists a location recursively, and skips names starting with "_" or "." (so RDS's empty
// _SUCCESS markers are not read as Parquet), is from our knowledge of the engine, not a quoted
// AWS page: the end-to-end test on a real export is where to confirm it. Were it not so, each
// batch folder would need a partition of its own (a second partition key).
//
// The table's own location: the common parent of all its partitions, the database's exports
// folder s3://<bucket>/<S3Prefix>/ (<archive prefix>/<database identifier>/). Under Lake
// Formation, Athena reads only partitions whose location lies under the table's location, so a
// table located at one export's folder would hide every other snapshot. A reader that ignores the
// partitions (Spark, a crawler) would see every export and table of the database there: read the
// table through its partitions, or query the typed view (views.ts).
import type { Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import type { ArchiveManifest, ManifestTable } from '../contract/manifest';
import { columnNameChanged, glueDatabaseName, glueTableName, resolveCollisions } from '../contract/catalog-names';
import { sourceColumnParameters } from './views';
import { glueType } from './glue-types';

/** The partition column: one partition per snapshot. */
export const SNAPSHOT_PARTITION_KEY = 'snapshot_time';

/** The Parquet SerDe and formats Athena reads Parquet with. */
export const PARQUET_FORMAT = {
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
} as const;

/** Table and partition parameters we write (and read back to decide updates). */
export const CATALOG_PARAMETERS = {
  classification: 'classification',
  snapshotArn: 'snapshotArn',
  exportTaskIdentifier: 'exportTaskIdentifier',
  snapshotTime: 'snapshotTime',
  sourceTarget: 'sourceTarget',
  sourceDatabase: 'sourceDatabase',
  archiveName: 'archiveName',
} as const;

/** Bad input for the catalog: the message names the problem and what to do. */
export class CatalogInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogInputError';
  }
}

/** What to register for one archived table. */
export interface TableRegistration {
  /** RDS's name of the source table. */
  readonly target: string;
  readonly tableName: string;
  /** The table as this export alone would define it. */
  readonly tableInput: TableInput;
  /** This export's partition of the table. */
  readonly partitionInput: PartitionInput;
  /** Things to log: guessed types, renamed columns. */
  readonly notes: readonly string[];
}

/** A table of the export that is not registered, and why. */
export interface SkippedRegistration {
  readonly target: string;
  readonly reason: string;
}

/** Everything one export asks of the catalog. */
export interface CatalogPlan {
  readonly databaseName: string;
  readonly databaseInput: DatabaseInput;
  /** The partition value of this export: its snapshot time. */
  readonly partitionValue: string;
  readonly tables: readonly TableRegistration[];
  readonly skipped: readonly SkippedRegistration[];
}

/**
 * The partition value of a snapshot time: ISO-8601 UTC to the second, e.g. "2026-11-20T03:10:41Z".
 * Sorting the values as text sorts the snapshots in time. Throws CatalogInputError when the
 * time cannot be read.
 */
export function snapshotPartitionValue(snapshotTime: string): string {
  const time = new Date(snapshotTime);
  if (typeof snapshotTime !== 'string' || snapshotTime.trim() === '' || Number.isNaN(time.getTime())) {
    throw new CatalogInputError(
      `the manifest's snapshotTime ${JSON.stringify(snapshotTime)} is not a date; expected ISO-8601 UTC such as "2026-11-20T03:10:41Z" (re-run verification to rewrite the manifest)`,
    );
  }
  return `${time.toISOString().slice(0, 19)}Z`;
}

/** "exports/orders-db/<id>/" → "exports/orders-db/": the export's folder without the export's own. */
function s3PrefixOf(exportPrefix: string): string {
  const trimmed = exportPrefix.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return cut < 0 ? '' : `${trimmed.slice(0, cut)}/`;
}

function joinS3(bucket: string, ...parts: string[]): string {
  const path = parts
    .join('/')
    .split('/')
    .filter((p) => p !== '')
    .join('/');
  return `s3://${bucket}/${path === '' ? '' : `${path}/`}`;
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CatalogInputError(`the manifest has no ${field}; it cannot be registered (re-run verification of the export to rewrite its manifest)`);
  }
  return value;
}

function storageDescriptor(columns: readonly Column[], location: string): StorageDescriptor {
  return {
    Columns: columns.map((c) => ({ ...c })),
    Location: location,
    InputFormat: PARQUET_FORMAT.inputFormat,
    OutputFormat: PARQUET_FORMAT.outputFormat,
    Compressed: false,
    SerdeInfo: { SerializationLibrary: PARQUET_FORMAT.serializationLibrary, Parameters: { 'serialization.format': '1' } },
  };
}

/** Glue's limit on a column comment. */
const MAX_COMMENT_LENGTH = 255;

function tableColumns(table: ManifestTable): { columns: Column[]; notes: string[] } {
  const names = resolveCollisions(table.columns.map((c) => c.columnName));
  const notes: string[] = [];
  const seen = new Set<string>();
  const columns: Column[] = [];
  for (const column of table.columns) {
    // A column listed twice is one column (RDS should never do it; the first wins).
    if (seen.has(column.columnName)) continue;
    seen.add(column.columnName);
    const name = names.get(column.columnName)!;
    const mapped = glueType(column);
    if (mapped.note !== undefined) notes.push(`column "${column.columnName}": ${mapped.note}`);
    if (columnNameChanged(column.columnName, name)) {
      notes.push(`column "${column.columnName}" is registered as "${name}"; Athena matches Parquet columns by name, so it will read this column as NULL`);
    }
    columns.push({
      Name: name,
      Type: mapped.type,
      ...(column.originalType ? { Comment: String(column.originalType).slice(0, MAX_COMMENT_LENGTH) } : {}),
      Parameters: sourceColumnParameters(column),
    });
  }
  return { columns, notes };
}

/**
 * Builds the catalog registration of one export: the database `<archive name>_<db>`, and for
 * each archived table with a stated schema a table `<db>_<schema>_<table>` (Parquet, external,
 * partitioned by snapshot_time) and this export's partition at the table's folder. Tables that
 * are not archived, or for which RDS stated no columns, are skipped with the reason; a `missing`
 * export registers nothing. Throws CatalogInputError when the manifest lacks what every table
 * needs (bucket, prefix, snapshot time, identifiers).
 */
export function buildCatalogPlan(manifest: ArchiveManifest, archiveName: string): CatalogPlan {
  if (typeof manifest !== 'object' || manifest === null) throw new CatalogInputError('the manifest is not an object; pass the parsed archive-manifest.json');
  if (typeof archiveName !== 'string' || archiveName.trim() === '') {
    throw new CatalogInputError('no archive name was given; pass the archive name (ARCHIVE_NAME) that prefixes the Glue databases');
  }
  const database = requireText(manifest.database, 'database (DB instance or cluster identifier)');
  const databaseName = glueDatabaseName(archiveName, database);
  const bucket = requireText(manifest.bucket, 'bucket');
  const exportPrefix = requireText(manifest.exportPrefix, 'exportPrefix');
  const exportTaskIdentifier = requireText(manifest.exportTaskIdentifier, 'exportTaskIdentifier');
  const snapshotArn = requireText(manifest.snapshotArn, 'snapshotArn');
  const partitionValue = snapshotPartitionValue(manifest.snapshotTime);

  const databaseLocation = joinS3(bucket, s3PrefixOf(exportPrefix));
  const databaseInput: DatabaseInput = {
    Name: databaseName,
    Description: `RDS snapshot exports of ${database}, archived by ${archiveName}`,
    LocationUri: databaseLocation,
    Parameters: { [CATALOG_PARAMETERS.sourceDatabase]: database, [CATALOG_PARAMETERS.archiveName]: archiveName },
  };
  const tablesIn = Array.isArray(manifest.tables) ? manifest.tables : [];
  if (manifest.outcome === 'missing') {
    const reason = `the export is missing${manifest.missingReason ? ` (${manifest.missingReason})` : ''}; nothing of it is registered`;
    return { databaseName, databaseInput, partitionValue, tables: [], skipped: tablesIn.map((t) => ({ target: String(t?.target), reason })) };
  }

  const tableNames = resolveCollisions(
    tablesIn.filter((t) => typeof t?.target === 'string').map((t) => t.target),
    glueTableName,
  );
  const tables: TableRegistration[] = [];
  const skipped: SkippedRegistration[] = [];
  for (const table of tablesIn) {
    if (typeof table?.target !== 'string' || table.target === '') {
      skipped.push({ target: String(table?.target), reason: 'the manifest lists a table without a target; re-run verification of the export' });
      continue;
    }
    if (!table.archived) {
      skipped.push({ target: table.target, reason: `not archived: ${table.reason ?? `status ${table.status}`}` });
      continue;
    }
    if (!Array.isArray(table.columns) || table.columns.length === 0) {
      skipped.push({ target: table.target, reason: 'the export states no columns for it (no schemaMetadata); register it by hand or with a crawler' });
      continue;
    }
    if (typeof table.folder !== 'string' || table.folder.trim() === '') {
      skipped.push({ target: table.target, reason: 'the manifest gives no folder for it; re-run verification of the export' });
      continue;
    }
    const tableName = tableNames.get(table.target)!;
    const { columns, notes } = tableColumns(table);
    const partitionLocation = joinS3(bucket, exportPrefix, table.folder);
    const sourceParameters = {
      [CATALOG_PARAMETERS.snapshotArn]: snapshotArn,
      [CATALOG_PARAMETERS.exportTaskIdentifier]: exportTaskIdentifier,
      [CATALOG_PARAMETERS.snapshotTime]: partitionValue,
    };
    tables.push({
      target: table.target,
      tableName,
      notes,
      tableInput: {
        Name: tableName,
        Description: `${table.target} from RDS snapshot exports of ${database}; one partition per snapshot`,
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: SNAPSHOT_PARTITION_KEY, Type: 'string' }],
        StorageDescriptor: storageDescriptor(columns, databaseLocation),
        Parameters: {
          EXTERNAL: 'TRUE',
          [CATALOG_PARAMETERS.classification]: 'parquet',
          [CATALOG_PARAMETERS.sourceTarget]: table.target,
          ...sourceParameters,
        },
      },
      partitionInput: {
        Values: [partitionValue],
        StorageDescriptor: storageDescriptor(columns, partitionLocation),
        Parameters: sourceParameters,
      },
    });
  }
  return { databaseName, databaseInput, partitionValue, tables, skipped };
}
