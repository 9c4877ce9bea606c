// Where RDS puts an export's files (pure): the export's folder, its metadata files, its Parquet
// parts and each table's folder, named as RDS names S3 paths. AWS says part names may change, so
// parts are recognized by their ending, never built.
import { MANIFEST_FILE_NAME } from '../contract/manifest';

/** One object of the export's folder. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
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
export function isParquetPart(key: string): boolean {
  return key.endsWith('.parquet');
}

// RDS and Aurora user guides, "Limitations" of exporting snapshot data: "The following characters
// in the S3 file path are converted to underscores (_) during export: \ ` " (space)".
const CONVERTED_PATH_CHARACTERS = /[\\`" ]/g;

/** A database, schema or table name as it appears in the S3 path of an export. */
export function exportPathName(name: string): string {
  return name.replace(CONVERTED_PATH_CHARACTERS, '_');
}

/**
 * The folders, relative to the export's folder, where a table's parts may be:
 * PostgreSQL "db.schema.table" → "db/schema.table/"; MySQL "db.table" → "db/db.table/" (the
 * schema is the database). A dotted MySQL table name looks like a PostgreSQL target, so both
 * readings are tried. Names are written as RDS writes them into S3 paths (see exportPathName).
 */
export function tableFolderCandidates(target: string): string[] {
  const dot = target.indexOf('.');
  if (dot <= 0) return [`${exportPathName(target)}/`];
  const database = exportPathName(target.slice(0, dot));
  const rest = target.slice(dot + 1);
  const candidates = [`${database}/${exportPathName(target)}/`];
  return rest.includes('.') ? [`${database}/${exportPathName(rest)}/`, ...candidates] : candidates;
}

/** Parquet parts by table folder ("<database>/<schema>.<table>/", relative to the export's folder). */
export function partsByTableFolder(
  folder: string,
  listing: readonly ListedObject[],
): { byFolder: Map<string, { files: number; bytes: number }>; total: number } {
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
