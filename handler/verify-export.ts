// What a completed RDS snapshot export really holds (pure): the files RDS wrote beside the data
// (export_info, export_tables_info), the WarningMessage of DescribeExportTasks and the listing of
// the export's folder → an archive manifest, table by table. AWS documents neither the two JSON
// files nor WarningMessage's shape, so everything here is read defensively: unknown fields and
// statuses are carried along, and a file that cannot be read makes the export `missing`, never
// an exception.
import {
  MANIFEST_FILE_NAME,
  MANIFEST_VERSION,
  VERIFICATION_OUTCOMES,
  type ArchiveManifest,
  type ExportedColumn,
  type ManifestDatabaseEntry,
  type ManifestTable,
  type VerificationOutcome,
} from './archive-manifest';
import { exportPathName } from './export-naming';

/**
 * The fields of a DescribeExportTasks answer that verification needs. The SDK's `ExportTask`
 * satisfies it, so callers pass what RDS returned.
 */
export interface ExportTaskDescription {
  readonly ExportTaskIdentifier?: string;
  readonly SourceArn?: string;
  readonly SnapshotTime?: Date;
  readonly S3Bucket?: string;
  /** The prefix the export was started with; the export's folder is `<S3Prefix>/<ExportTaskIdentifier>/`. */
  readonly S3Prefix?: string;
  readonly Status?: string;
  /** Plain text or a JSON document (`{"skippedTables":[...],"skippedObjectives":[],"general":[]}`). */
  readonly WarningMessage?: string;
  readonly TotalExtractedDataInGB?: number;
}

/** One object of the export's folder. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

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

/** WarningMessage, taken apart. */
export interface ParsedWarningMessage {
  /** Tables RDS skipped, with its reason code (e.g. UNSUPPORTED_CHARACTER_IN_COLUMN_NAME). */
  readonly skippedTables: readonly { readonly tableName: string; readonly reason: string }[];
  /** General warnings, and plain-text WarningMessages line by line. */
  readonly general: readonly string[];
  /** Anything else RDS put there (skippedObjectives, unknown fields, malformed entries), as text. */
  readonly other: readonly string[];
}

/** The export's folder: `<s3Prefix>/<exportTaskIdentifier>/`, or `<exportTaskIdentifier>/` without a prefix. */
export function exportFolder(s3Prefix: string | undefined, exportTaskIdentifier: string): string {
  const prefix = (s3Prefix ?? '').replace(/\/+$/, '');
  return prefix === '' ? `${exportTaskIdentifier}/` : `${prefix}/${exportTaskIdentifier}/`;
}

/** The file directly in `folder` whose name is `<start>...<.json>`; RDS puts its metadata there. */
function isMetadataFile(folder: string, key: string, start: string): boolean {
  if (!key.startsWith(folder)) return false;
  const name = key.slice(folder.length);
  return !name.includes('/') && name.startsWith(start) && name.endsWith('.json');
}

/** Whether `key` is the export's export_info_<id>.json. */
export function isExportInfoKey(folder: string, key: string): boolean {
  return isMetadataFile(folder, key, 'export_info_');
}

/** Whether `key` is one of the export's export_tables_info_<id>_from_<n>_to_<m>.json files. */
export function isTablesInfoKey(folder: string, key: string): boolean {
  return isMetadataFile(folder, key, 'export_tables_info_');
}

/** Where the export's manifest lives. */
export function manifestKey(folder: string): string {
  return `${folder}${MANIFEST_FILE_NAME}`;
}

// AWS says part names may change: anything ending in .parquet is a part, _SUCCESS and the like are not.
function isParquetPart(key: string): boolean {
  return key.endsWith('.parquet');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));
const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);

/** Takes WarningMessage apart; never throws. Plain text becomes general warnings, one a line. */
export function parseWarningMessage(text: string | undefined): ParsedWarningMessage {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return { skippedTables: [], general: [], other: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { skippedTables: [], general: lines(trimmed), other: [] };
  }
  if (typeof parsed === 'string') return { skippedTables: [], general: lines(parsed), other: [] };
  if (!isRecord(parsed)) return { skippedTables: [], general: [], other: [trimmed] };

  const skippedTables: Array<{ tableName: string; reason: string }> = [];
  const general: string[] = [];
  const other: string[] = [];
  for (const [field, value] of Object.entries(parsed)) {
    if (isEmpty(value)) continue;
    const entries = Array.isArray(value) ? value : [value];
    if (field === 'skippedTables') {
      for (const entry of entries) {
        if (isRecord(entry) && typeof entry.tableName === 'string' && entry.tableName !== '') {
          skippedTables.push({
            tableName: entry.tableName,
            reason: typeof entry.reason === 'string' && entry.reason !== '' ? entry.reason : 'no reason given',
          });
        } else {
          other.push(`skippedTables: ${asText(entry)}`);
        }
      }
    } else if (field === 'general') {
      general.push(...entries.filter((entry) => !isEmpty(entry)).map(asText));
    } else {
      other.push(...entries.filter((entry) => !isEmpty(entry)).map((entry) => `${field}: ${asText(entry)}`));
    }
  }
  return { skippedTables, general, other };
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The manifest's warning lines for a parsed WarningMessage. */
function warningLines(warning: ParsedWarningMessage): string[] {
  return [...warning.skippedTables.map((t) => `table ${t.tableName} skipped: ${t.reason}`), ...warning.general, ...warning.other];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Reads export_info's Java-style time ("Nov 20, 2026 3:10:41 AM") as UTC, which is what the
 * DescribeExportTasks times of the same exports show. Undefined when it is not in that form.
 */
export function parseExportInfoTime(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}), (\d{4}),? (\d{1,2}):(\d{2}):(\d{2})\s*([AP]M)$/i.exec(text.trim());
  if (m === null) return undefined;
  const month = MONTHS.indexOf(m[1]!.toLowerCase());
  const hour12 = Number(m[4]);
  if (month < 0 || hour12 < 1 || hour12 > 12) return undefined;
  const hour = (hour12 % 12) + (m[7]!.toUpperCase() === 'PM' ? 12 : 0);
  const date = new Date(Date.UTC(Number(m[3]), month, Number(m[2]), hour, Number(m[5]), Number(m[6])));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** One table as export_tables_info (or WarningMessage alone) describes it. */
interface StatedTable {
  readonly target: string;
  readonly status: string;
  readonly sizeGB: number;
  readonly warningMessage?: string;
  /** WarningMessage's reason code for the table, when it names the table. */
  readonly warningReason?: string;
  readonly columns: readonly ExportedColumn[];
  /** Set when the entry could not be read as a table; explains why. */
  readonly malformed?: string;
}

function readColumns(schemaMetadata: unknown): ExportedColumn[] {
  const mappings = isRecord(schemaMetadata) ? schemaMetadata.originalTypeMappings : undefined;
  if (!Array.isArray(mappings)) return [];
  return mappings
    .filter((m): m is Record<string, unknown> => isRecord(m) && typeof m.columnName === 'string')
    .map((m) => ({
      columnName: m.columnName as string,
      originalType: typeof m.originalType === 'string' ? m.originalType : '',
      expectedExportedType: typeof m.expectedExportedType === 'string' ? m.expectedExportedType : '',
      ...statedNumber(m, 'originalCharMaxLength', 1),
      ...statedNumber(m, 'originalNumPrecision', 1),
      ...statedNumber(m, 'originalNumScale', 0),
      ...statedNumber(m, 'originalDateTimePrecision', 1),
    }));
}

/**
 * `{ [field]: value }` when the column entry states a whole number of at least `least`, else `{}`.
 * RDS writes 0 for "not applicable" (a bigint's char length), so 0 is kept only where it means
 * something (a scale of 0).
 */
function statedNumber<F extends keyof ExportedColumn>(entry: Record<string, unknown>, field: F, least: number): Partial<Record<F, number>> {
  const value = entry[field];
  return typeof value === 'number' && Number.isInteger(value) && value >= least ? ({ [field]: value } as Partial<Record<F, number>>) : {};
}

/**
 * Whether an entry names a database rather than a table: RDS writes `{"warningMessage": "...",
 * "target": "postgres"}` with no status, statistics or schema, and a target without the dots
 * every table target has ("db.table", "db.schema.table").
 */
function databaseEntry(entry: unknown): ManifestDatabaseEntry | undefined {
  if (!isRecord(entry) || typeof entry.target !== 'string') return undefined;
  const name = entry.target.trim();
  if (name === '' || name.includes('.') || entry.status !== undefined || entry.schemaMetadata !== undefined || entry.tableStatistics !== undefined) {
    return undefined;
  }
  const message = typeof entry.warningMessage === 'string' ? entry.warningMessage.trim() : '';
  return { name, message };
}

/**
 * Whether a database-level message reports tables that were not exported. The texts are not
 * documented: a message that speaks of skipped or failed tables is taken as a warning about
 * data, every other one (such as PostgreSQL's note on its `postgres` database) as information.
 */
export function databaseMessageReportsSkippedTables(message: string): boolean {
  return /\btables?\b/i.test(message) && /\b(?:skipp(?:ed|ing)|fail(?:ed|ure)?|not exported|could not be exported)\b/i.test(message);
}

function readTableEntry(entry: unknown, position: number, fileName: string): StatedTable {
  const e = isRecord(entry) ? entry : {};
  const status = typeof e.status === 'string' && e.status.trim() !== '' ? e.status.trim().toUpperCase() : 'UNKNOWN';
  const sizeGB = typeof e.sizeGB === 'number' && Number.isFinite(e.sizeGB) ? e.sizeGB : 0;
  const warningMessage = typeof e.warningMessage === 'string' && e.warningMessage.trim() !== '' ? e.warningMessage.trim() : undefined;
  const columns = readColumns(e.schemaMetadata);
  if (typeof e.target === 'string' && e.target.trim() !== '') return { target: e.target.trim(), status, sizeGB, warningMessage, columns };
  return {
    target: `(entry ${position + 1} of ${fileName})`,
    status,
    sizeGB,
    warningMessage,
    columns,
    malformed: `entry ${position + 1} of ${fileName} names no target table, so its data cannot be found; the file's format may have changed: look at the file and tell the archive's maintainers`,
  };
}

/** What the tables-info files say, or why they cannot be read. */
function readTablesInfo(
  files: readonly { key: string; text: string }[],
  location: (key: string) => string,
): { tables: StatedTable[]; databases: ManifestDatabaseEntry[]; problems: string[] } {
  const tables = new Map<string, StatedTable>();
  const databases = new Map<string, ManifestDatabaseEntry>();
  const problems: string[] = [];
  // from_1_to_2 before from_10_to_11: a table listed twice keeps its first statement.
  const ordered = [...files].sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
  for (const file of ordered) {
    const fileName = file.key.slice(file.key.lastIndexOf('/') + 1);
    let parsed: unknown;
    try {
      parsed = JSON.parse(file.text);
    } catch (error) {
      problems.push(
        `${location(file.key)} is not valid JSON (${(error as Error).message}): the file is truncated or was replaced, so the export's tables cannot be checked`,
      );
      continue;
    }
    const perTable = isRecord(parsed) ? parsed.perTableStatus : undefined;
    if (!Array.isArray(perTable)) {
      problems.push(`${location(file.key)} has no perTableStatus list: the file was replaced or its format changed, so the export's tables cannot be checked`);
      continue;
    }
    perTable.forEach((entry, position) => {
      const database = databaseEntry(entry);
      if (database !== undefined) {
        if (!databases.has(database.name)) databases.set(database.name, database);
        return;
      }
      const table = readTableEntry(entry, position, fileName);
      if (!tables.has(table.target)) tables.set(table.target, table);
    });
  }
  return { tables: [...tables.values()], databases: [...databases.values()], problems };
}

/** The tables RDS skipped per WarningMessage, joined to the stated tables (added when absent). */
function joinSkipped(stated: readonly StatedTable[], skipped: ParsedWarningMessage['skippedTables']): StatedTable[] {
  const tables = [...stated];
  for (const { tableName, reason } of skipped) {
    // MySQL names match exactly; a PostgreSQL name may come without the database in front.
    let index = tables.findIndex((t) => t.target === tableName);
    if (index < 0) {
      const bySuffix = tables.flatMap((t, i) => (t.target.endsWith(`.${tableName}`) ? [i] : []));
      if (bySuffix.length === 1) index = bySuffix[0]!;
    }
    if (index < 0) {
      tables.push({ target: tableName, status: 'SKIPPED', sizeGB: 0, warningReason: reason, columns: [] });
    } else {
      const table = tables[index]!;
      tables[index] = { ...table, warningReason: table.warningReason === undefined ? reason : `${table.warningReason}, ${reason}` };
    }
  }
  return tables;
}

/**
 * The folders, relative to the export's folder, where a table's parts may be:
 * PostgreSQL "db.schema.table" → "db/schema.table/"; MySQL "db.table" → "db/db.table/" (the
 * schema is the database). A dotted MySQL table name looks like a PostgreSQL target, so both
 * readings are tried. Names are written as RDS writes them into S3 paths (see exportPathName).
 */
function tableFolderCandidates(target: string): string[] {
  const dot = target.indexOf('.');
  if (dot <= 0) return [`${exportPathName(target)}/`];
  const database = exportPathName(target.slice(0, dot));
  const rest = target.slice(dot + 1);
  const candidates = [`${database}/${exportPathName(target)}/`];
  return rest.includes('.') ? [`${database}/${exportPathName(rest)}/`, ...candidates] : candidates;
}

/** Parquet parts by table folder ("<database>/<schema>.<table>/", relative to the export's folder). */
function partsByTableFolder(folder: string, listing: readonly ListedObject[]): { byFolder: Map<string, { files: number; bytes: number }>; total: number } {
  const byFolder = new Map<string, { files: number; bytes: number }>();
  let total = 0;
  for (const object of listing) {
    if (!object.key.startsWith(folder) || !isParquetPart(object.key)) continue;
    total++;
    const segments = object.key.slice(folder.length).split('/');
    if (segments.length < 3) continue;
    const tableFolder = `${segments[0]}/${segments[1]}/`;
    const stats = byFolder.get(tableFolder) ?? { files: 0, bytes: 0 };
    stats.files++;
    stats.bytes += Number.isFinite(object.size) && object.size > 0 ? object.size : 0;
    byFolder.set(tableFolder, stats);
  }
  return { byFolder, total };
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

/**
 * Reads a stored manifest. Undefined when the text is not JSON or lacks what readers rely on;
 * a newer manifestVersion with the same fields is accepted (fields are only ever added).
 */
export function parseManifest(text: string): ArchiveManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.totals) || !Array.isArray(parsed.tables) || !Array.isArray(parsed.warnings)) return undefined;
  const valid =
    typeof parsed.manifestVersion === 'number' &&
    parsed.manifestVersion >= 1 &&
    typeof parsed.exportTaskIdentifier === 'string' &&
    typeof parsed.exportPrefix === 'string' &&
    (VERIFICATION_OUTCOMES as readonly unknown[]).includes(parsed.outcome) &&
    parsed.tables.every((t) => isRecord(t) && typeof t.target === 'string' && typeof t.archived === 'boolean');
  return valid ? (parsed as unknown as ArchiveManifest) : undefined;
}

const SUBJECT_LIMIT = 100;

/** "RDS snapshot archive: <database> <what>", shortening the database name to fit SNS's 100 characters. */
function subject(database: string, what: string): string {
  const head = 'RDS snapshot archive: ';
  const room = SUBJECT_LIMIT - head.length - what.length - 1;
  const name = database.length <= room ? database : `${database.slice(0, Math.max(0, room - 3))}...`;
  return `${head}${name} ${what}`;
}

/** The operators' notification for a manifest: what was checked, what is not archived and why, what to do. */
export function formatManifestReport(manifest: ArchiveManifest): { subject: string; message: string } {
  const { totals } = manifest;
  const folder = `s3://${manifest.bucket}/${manifest.exportPrefix}`;
  const taken = manifest.snapshotTime === '' ? '' : ` (taken ${manifest.snapshotTime})`;
  const snapshot = `the snapshot ${manifest.snapshotArn || '(unknown ARN)'} of ${manifest.database}${taken}`;
  const where = [`Export: ${manifest.exportTaskIdentifier}, files in ${folder}`, `Manifest: ${folder}${MANIFEST_FILE_NAME}`];
  const notArchived = manifest.tables.filter((t) => !t.archived);
  const tableLines =
    notArchived.length === 0
      ? []
      : [
          '',
          `Not archived (${notArchived.length} of ${totals.tables} tables):`,
          ...notArchived.map((t) => `- ${t.target}: ${t.reason ?? 'no reason recorded'}`),
        ];
  const warningLines = manifest.warnings.length === 0 ? [] : ['', 'Warnings from RDS:', ...manifest.warnings.map((w) => `- ${w}`)];
  const keepSnapshot =
    'Until a new export holds them, this snapshot is the only copy of what is not archived: keep it (copy an automated snapshot to a manual one, or RDS deletes it when its retention period ends).';

  if (manifest.outcome === 'verified') {
    return {
      subject: subject(manifest.database, 'export verified'),
      message: [`Every table of ${snapshot} is archived: ${totals.archived} tables, ${totals.files} Parquet files, ${totals.bytes} bytes.`, ...where].join(
        '\n',
      ),
    };
  }
  if (manifest.outcome === 'missing') {
    return {
      subject: subject(manifest.database, 'export files missing'),
      message: [
        `RDS reports the export of ${snapshot} COMPLETE, but it is not in the archive: ${manifest.missingReason ?? 'no reason recorded'}.`,
        ...where,
        ...tableLines,
        ...warningLines,
        '',
        `What to do: find out where the files went: deletions in CloudTrail, the bucket's lifecycle rules, and whether the export was written to this bucket and prefix. The bucket keeps deleted objects as noncurrent versions, so they can often be restored. If they are lost and the snapshot still exists, export the snapshot again. ${keepSnapshot}`,
      ].join('\n'),
    };
  }
  return {
    subject: subject(
      manifest.database,
      totals.skipped > 0 ? `export incomplete: ${totals.skipped} of ${totals.tables} tables not archived` : 'export incomplete: RDS gave warnings',
    ),
    message: [
      `The export of ${snapshot} is incomplete: ${totals.archived} of ${totals.tables} tables archived${manifest.warnings.length > 0 ? ', and RDS gave warnings' : ''}.`,
      ...where,
      ...tableLines,
      ...warningLines,
      '',
      `What to do: each table's line says how to fix its cause. ${keepSnapshot}`,
    ].join('\n'),
  };
}
