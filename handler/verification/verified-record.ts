// The record of exports already verified (pure): which export folders of the archive bucket are
// known to hold their manifest, so the scheduled reconciliation checks only exports that
// completed since the last run instead of listing every export of the window again.
//
// One object for the whole archive, `<archivePrefix>/_archive/verified-exports.json`, read once
// per run (one GET) and written at most once per run when it changed (one conditional PUT).
// One object per database would cost a read per database (2,000 GETs on a large account) for
// nothing: only the scheduled reconciliation writes it, so writers meet only when two scheduled
// runs overlap (a delivery repeated by EventBridge, a run longer than the schedule's period).
// Those are ordered by S3's conditional writes (If-Match on the ETag that was read, or
// If-None-Match: * for the first) and the loser reads again and merges: the record only grows
// by facts (a manifest was seen or written), so the union of two writers' records is true.
//
// The record is a cache, never the truth: an export it names has had its manifest seen or written;
// an export it does not name is checked with one listing, as before. So a record that is lost,
// stale (an older version) or corrupt (then rebuilt) only makes a run list more, and an export
// without a manifest is still verified by the next run.
import { exportFolder } from './layout';

/** The format written; a record of another version is rebuilt. */
export const VERIFIED_RECORD_VERSION = 1;

/** The export folder an export task's manifest is in (the key the record keeps), e.g. `exports/orders-db/<id>/`. */
export function verifiedFolderOf(task: { readonly S3Prefix?: string; readonly ExportTaskIdentifier?: string }): string {
  return exportFolder(task.S3Prefix, task.ExportTaskIdentifier ?? '');
}

/**
 * The stored form: folders grouped by their parent (`<archivePrefix>/<database>/`), each with the
 * sorted names of its export folders. About 50 bytes per export: 6,750 exports take about 340 KB.
 */
interface StoredRecord {
  readonly recordVersion: number;
  readonly updatedAt: string;
  readonly exports: Record<string, string[]>;
  /**
   * Only in a vault's record of a source (handler/vault/): the day (YYYY-MM-DD) each folder's export
   * was handed over, by day, which the vault prunes by. Readers that do not need it ignore it.
   */
  readonly handedOver?: Record<string, string[]>;
}

/** A record read back: the verified folders (and, in a vault's record, the day each was handed over), or why the text is not a record. */
export type ParsedRecord =
  | { readonly ok: true; readonly folders: ReadonlySet<string>; readonly handedOver?: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly reason: string };

/** Splits `a/b/<name>/` into `a/b/` and `<name>`. */
function splitFolder(folder: string): [parent: string, name: string] {
  const trimmed = folder.replace(/\/$/, '');
  const slash = trimmed.lastIndexOf('/');
  return [trimmed.slice(0, slash + 1), trimmed.slice(slash + 1)];
}

/**
 * The record's text for these folders (sorted, so equal sets give equal text). A vault passes
 * `handedOver` (folder → day) for the folders it names.
 */
export function formatVerifiedRecord(folders: Iterable<string>, updatedAt: Date, handedOver?: ReadonlyMap<string, string>): string {
  const grouped: Record<string, string[]> = {};
  for (const folder of [...folders].sort()) {
    const [parent, name] = splitFolder(folder);
    grouped[parent] ??= [];
    grouped[parent].push(name);
  }
  const byDay: Record<string, string[]> = {};
  for (const [folder, day] of [...(handedOver ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    byDay[day] ??= [];
    byDay[day].push(folder);
  }
  const record: StoredRecord = {
    recordVersion: VERIFIED_RECORD_VERSION,
    updatedAt: updatedAt.toISOString(),
    exports: grouped,
    ...(handedOver === undefined ? {} : { handedOver: Object.fromEntries(Object.entries(byDay).sort(([a], [b]) => (a < b ? -1 : 1))) }),
  };
  return `${JSON.stringify(record)}\n`;
}

/** The day each folder was handed over, from a vault's record; entries that are not a day and a list of strings are left out. */
function readHandedOver(value: unknown): Map<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const days = new Map<string, string>();
  for (const [day, folders] of Object.entries(value)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Array.isArray(folders)) continue;
    for (const folder of folders as unknown[]) if (typeof folder === 'string') days.set(folder, day);
  }
  return days;
}

/** Reads a record's text; anything that is not a record of this version says why, and is rebuilt. */
export function parseVerifiedRecord(text: string): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  const record = value as Partial<StoredRecord> | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return { ok: false, reason: 'not a JSON object' };
  if (record.recordVersion !== VERIFIED_RECORD_VERSION)
    return { ok: false, reason: `recordVersion is ${JSON.stringify(record.recordVersion)}, expected ${VERIFIED_RECORD_VERSION}` };
  const exports = record.exports as unknown;
  if (typeof exports !== 'object' || exports === null || Array.isArray(exports)) return { ok: false, reason: '"exports" is not an object' };
  const folders = new Set<string>();
  for (const [parent, names] of Object.entries(exports)) {
    if ((parent !== '' && !parent.endsWith('/')) || !Array.isArray(names))
      return { ok: false, reason: `"exports" entry ${JSON.stringify(parent)} is malformed` };
    for (const name of names as unknown[]) {
      if (typeof name !== 'string' || name === '' || name.includes('/'))
        return { ok: false, reason: `"exports" entry ${JSON.stringify(parent)} names ${JSON.stringify(name)}` };
      folders.add(`${parent}${name}/`);
    }
  }
  const handedOver = readHandedOver(record.handedOver);
  return handedOver === undefined ? { ok: true, folders } : { ok: true, folders, handedOver };
}

/** The completed exports the record does not name: those the run checks (one listing each, verified when they have no manifest). */
export function exportsToCheck<T extends { readonly S3Prefix?: string; readonly ExportTaskIdentifier?: string }>(
  completed: readonly T[],
  recorded: ReadonlySet<string>,
): T[] {
  return completed.filter((task) => !recorded.has(verifiedFolderOf(task)));
}

/**
 * The record to write: every folder known verified (the record read, another writer's newer
 * record, this run's confirmations), kept only while its export is among the window's completed
 * exports, so the record stays the size of the window, not of the export history.
 */
export function nextVerifiedFolders(window: ReadonlySet<string>, known: readonly Iterable<string>[]): Set<string> {
  const next = new Set<string>();
  for (const folders of known) for (const folder of folders) if (window.has(folder)) next.add(folder);
  return next;
}

/** Whether two sets of folders are equal (an unchanged record is not written again). */
export function sameFolders(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const folder of a) if (!b.has(folder)) return false;
  return true;
}
