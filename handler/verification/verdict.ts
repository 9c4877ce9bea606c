// The verdict on one completed export (pure): its metadata, WarningMessage and listing → an
// archive manifest, table by table, with the reason and the fix for every table not archived.
import { MANIFEST_VERSION, type ArchiveManifest, type ManifestTable, type VerificationOutcome } from '../contract/manifest';
import { exportFolder, isExportInfoKey, isTablesInfoKey, partsByTableFolder, tableFolderCandidates, type ListedObject } from './layout';
import {
  databaseMessageReportsSkippedTables,
  isRecord,
  joinSkipped,
  parseExportInfoTime,
  parseWarningMessage,
  readTablesInfo,
  warningLines,
  type ExportTaskDescription,
  type StatedTable,
} from './metadata';

/** Everything {@link verifyExport} looks at. */
export interface VerifyExportInput {
  readonly task: ExportTaskDescription;
  /** The DB instance or cluster identifier. */
  readonly database: string;
  /** The bucket the listing and files come from. @default task.S3Bucket */
  readonly bucket?: string;
  /** Every object under the export's folder (full keys). */
  readonly listing: readonly ListedObject[];
  /** The text of export_info_<id>.json; absent when the file is not there. */
  readonly exportInfoText?: string;
  /** The text of every export_tables_info_*.json file that could be read. */
  readonly tablesInfoTexts: readonly { readonly key: string; readonly text: string }[];
  readonly verifiedAt: Date;
}

const EXPORT_ONLY_HINT = 'or leave the table out of future exports by listing only the databases, schemas or tables to keep in the exportOnly setting';

/** What an operator can do about a table RDS did not export, from its reason code and message. */
function fixHint(table: StatedTable): string {
  const cause = `${table.warningReason ?? ''} ${table.warningMessage ?? ''}`;
  if (/COLUMN/i.test(cause)) {
    return `rename the columns whose names hold spaces or any of , ; { } ( ) = newline or tab (snapshots taken afterwards export the table), ${EXPORT_ONLY_HINT}`;
  }
  if (/TABLE_NAME|table name|slash/i.test(cause))
    return `rename the table so its name holds no "/" (snapshots taken afterwards export it), ${EXPORT_ONLY_HINT}`;
  if (/UNLOGGED|TEMP/i.test(cause)) {
    return `PostgreSQL never exports temporary or unlogged tables: make the table logged (ALTER TABLE ... SET LOGGED) if it must be archived, ${EXPORT_ONLY_HINT}`;
  }
  if (/\bROWS?\b|ROW_SIZE|2 ?GB|TOO_LARGE/i.test(cause)) {
    return `a row is close to 2 GB, which an export cannot hold: move the large values out of the table (e.g. to S3), ${EXPORT_ONLY_HINT}`;
  }
  if (/PERMISSION|PRIVILEGE|ACCESS|DENIED/i.test(cause))
    return "grant the database's master user SELECT on the table (RDS exports with its rights); snapshots taken afterwards export it";
  if (table.status === 'FAILED')
    return `look up the export's FailureCause in the RDS console, fix it, and start a new export of the snapshot, ${EXPORT_ONLY_HINT}`;
  return `look at the export in the RDS console and fix the cause, ${EXPORT_ONLY_HINT}`;
}

function notArchivedReason(table: StatedTable, folderLocation: string): string {
  if (table.malformed !== undefined) return table.malformed;
  if (table.status === 'COMPLETE') {
    const empty = table.sizeGB === 0 ? ' RDS reports 0 GB for it: if the table is empty, RDS may have written no file and nothing is lost.' : '';
    return `RDS reports it COMPLETE, but no Parquet file is under ${folderLocation}: the data files are gone (deleted, expired by a lifecycle rule, or written to another bucket or prefix). Restore them from the bucket's noncurrent versions, or export the snapshot again.${empty}`;
  }
  const what =
    table.status === 'SKIPPED'
      ? 'RDS skipped it'
      : table.status === 'FAILED'
        ? 'RDS failed to export it'
        : `RDS reports status ${table.status}, which this archive does not know as archived`;
  const code = table.warningReason === undefined ? '' : ` (${table.warningReason})`;
  const message = table.warningMessage === undefined ? '' : `: ${table.warningMessage.replace(/[.\s]+$/, '')}`;
  return `${what}${code}${message}. What to do: ${fixHint(table)}.`;
}

const toIso = (date: Date | undefined): string | undefined => (date !== undefined && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined);

/**
 * Verifies one export table by table. A table is archived when its status is COMPLETE and its
 * folder holds at least one Parquet part. The outcome is `missing` when the metadata files are
 * absent or unreadable, or tables are COMPLETE but no Parquet part exists at all; `verified`
 * when every table is archived and RDS gave no warning; `incomplete` otherwise. Never throws.
 */
export function verifyExport(input: VerifyExportInput): ArchiveManifest {
  const { task, listing } = input;
  const exportTaskIdentifier = task.ExportTaskIdentifier ?? '';
  const folder = exportFolder(task.S3Prefix, exportTaskIdentifier);
  const bucket = input.bucket ?? task.S3Bucket ?? '';
  const location = (key: string) => `s3://${bucket}/${key}`;
  const missing: string[] = [];

  // Metadata: export_info, then every tables-info file listed or handed in.
  let exportInfo: Record<string, unknown> = {};
  const exportInfoKey = listing.find((o) => isExportInfoKey(folder, o.key))?.key;
  if (input.exportInfoText === undefined) {
    missing.push(
      exportInfoKey === undefined
        ? `export_info_${exportTaskIdentifier}.json is not in ${location(folder)}: the export's files were deleted, or RDS wrote them to another bucket or prefix`
        : `${location(exportInfoKey)} is listed but could not be read (deleted while verifying?)`,
    );
  } else {
    try {
      const parsed: unknown = JSON.parse(input.exportInfoText);
      if (isRecord(parsed)) exportInfo = parsed;
      else
        missing.push(
          `${location(exportInfoKey ?? `${folder}export_info_${exportTaskIdentifier}.json`)} is not a JSON object: the file was replaced or its format changed`,
        );
    } catch (error) {
      missing.push(
        `${location(exportInfoKey ?? `${folder}export_info_${exportTaskIdentifier}.json`)} is not valid JSON (${(error as Error).message}): the file is truncated or was replaced`,
      );
    }
  }
  const handedIn = new Set(input.tablesInfoTexts.map((f) => f.key));
  const unread = listing.filter((o) => isTablesInfoKey(folder, o.key) && !handedIn.has(o.key));
  for (const object of unread) missing.push(`${location(object.key)} is listed but could not be read (deleted while verifying?)`);
  if (input.tablesInfoTexts.length === 0 && unread.length === 0) {
    missing.push(
      `no export_tables_info_*.json file is in ${location(folder)}: without it the export's tables cannot be checked; the files were deleted, or RDS wrote them to another bucket or prefix`,
    );
  }
  const tablesInfo = readTablesInfo(input.tablesInfoTexts, location);
  missing.push(...tablesInfo.problems);

  const warning = parseWarningMessage(task.WarningMessage);
  const warnings = [
    ...warningLines(warning),
    ...tablesInfo.databases.filter((d) => databaseMessageReportsSkippedTables(d.message)).map((d) => `database ${d.name}: ${d.message}`),
  ];
  const stated = joinSkipped(tablesInfo.tables, warning.skippedTables);

  const parts = partsByTableFolder(folder, listing);
  const tables: ManifestTable[] = stated.map((table) => {
    const candidates = tableFolderCandidates(table.target);
    const tableFolder = candidates.find((c) => parts.byFolder.has(c)) ?? candidates[0]!;
    const { files, bytes } = parts.byFolder.get(tableFolder) ?? { files: 0, bytes: 0 };
    const archived = table.malformed === undefined && table.status === 'COMPLETE' && files > 0;
    return {
      target: table.target,
      status: table.status,
      sizeGB: table.sizeGB,
      files,
      bytes,
      archived,
      folder: tableFolder,
      ...(archived ? {} : { reason: notArchivedReason(table, location(folder + tableFolder)) }),
      columns: table.columns,
    };
  });

  const complete = tables.filter((t) => t.status === 'COMPLETE').length;
  if (missing.length === 0 && complete > 0 && parts.total === 0) {
    missing.push(
      `RDS reports ${complete} table${complete === 1 ? '' : 's'} COMPLETE, but no Parquet file is in ${location(folder)}: the data files are gone (deleted, expired by a lifecycle rule, or written to another bucket or prefix)`,
    );
  }

  const archived = tables.filter((t) => t.archived).length;
  const outcome: VerificationOutcome = missing.length > 0 ? 'missing' : archived === tables.length && warnings.length === 0 ? 'verified' : 'incomplete';
  return {
    manifestVersion: MANIFEST_VERSION,
    exportTaskIdentifier,
    snapshotArn: task.SourceArn ?? (typeof exportInfo.sourceArn === 'string' ? exportInfo.sourceArn : ''),
    database: input.database,
    // Empty when neither RDS nor export_info says when the snapshot was taken.
    snapshotTime: toIso(task.SnapshotTime) ?? toIso(parseExportInfoTime(exportInfo.snapshotTime)) ?? '',
    verifiedAt: input.verifiedAt.toISOString(),
    outcome,
    bucket,
    exportPrefix: folder,
    warnings,
    ...(missing.length > 0 ? { missingReason: missing.join('; ') } : {}),
    tables,
    databases: tablesInfo.databases,
    totals: {
      tables: tables.length,
      archived,
      skipped: tables.length - archived,
      files: tables.reduce((sum, t) => sum + t.files, 0),
      bytes: tables.reduce((sum, t) => sum + t.bytes, 0),
    },
  };
}
