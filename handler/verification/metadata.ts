// The files RDS writes beside an export's data (export_info, export_tables_info) and the
// WarningMessage of DescribeExportTasks, read defensively (pure): AWS documents neither the two
// JSON files nor WarningMessage's shape, so unknown fields and statuses are carried along, and a
// file that cannot be read is reported as a problem, never thrown.
import type { ExportedColumn, ManifestDatabaseEntry } from '../contract/manifest';

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

/** WarningMessage, taken apart. */
export interface ParsedWarningMessage {
  /** Tables RDS skipped, with its reason code (e.g. UNSUPPORTED_CHARACTER_IN_COLUMN_NAME). */
  readonly skippedTables: readonly { readonly tableName: string; readonly reason: string }[];
  /** General warnings, and plain-text WarningMessages line by line. */
  readonly general: readonly string[];
  /** Anything else RDS put there (skippedObjectives, unknown fields, malformed entries), as text. */
  readonly other: readonly string[];
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
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
export function warningLines(warning: ParsedWarningMessage): string[] {
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
export interface StatedTable {
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
export function readTablesInfo(
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
export function joinSkipped(stated: readonly StatedTable[], skipped: ParsedWarningMessage['skippedTables']): StatedTable[] {
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
