// The vault's record of one source's verified exports (pure): the same object a single-account
// reconciliation keeps (`<source prefix>/_archive/verified-exports.json`, verified-record.ts), so the
// source's reconciliation reads it the same way and hands over only what it does not name. The
// vault writes it, with the day each export was handed over, and keeps an entry as long as any
// source window can hold its export: the source's window (its lookback, widened back to the start
// of the oldest cadence period) is unknown to the vault, and an export is handed over after its
// snapshot was taken, so an entry kept as long as the longest window is kept long enough.
import { DAY_MS } from '../common/time';

/** Days an entry is kept: the longest lookback (35 days) plus a monthly period (31), with margin. */
export const RECORD_KEEP_DAYS = 70;

/** Days a yearly period's export is kept: a year plus the longest lookback, with margin. */
export const YEARLY_RECORD_KEEP_DAYS = 400;

/** A yearly period's export identifier (periodExportIdentifier): `<db>-yearly-<year>-<hash>[-a<n>]`. */
const YEARLY_EXPORT = /-yearly-\d{4}-[0-9a-f]{10}(?:-a\d+)?\/$/;

/** The day (YYYY-MM-DD, UTC) of a time, as the record keeps it. */
export function dayOf(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/**
 * The entries to keep: the record's (an entry without a day counts from `now`), this run's
 * confirmations (which win), less those older than they need to be kept.
 */
export function nextSourceEntries(
  recorded: ReadonlySet<string>,
  recordedDays: ReadonlyMap<string, string> | undefined,
  confirmed: ReadonlyMap<string, string>,
  now: Date,
): Map<string, string> {
  const entries = new Map<string, string>();
  for (const folder of recorded) entries.set(folder, recordedDays?.get(folder) ?? dayOf(now));
  for (const [folder, day] of confirmed) if ((entries.get(folder) ?? '') < day) entries.set(folder, day);
  for (const [folder, day] of entries) {
    const keepDays = YEARLY_EXPORT.test(folder) ? YEARLY_RECORD_KEEP_DAYS : RECORD_KEEP_DAYS;
    if (Date.parse(`${day}T00:00:00Z`) < now.getTime() - keepDays * DAY_MS) entries.delete(folder);
  }
  return entries;
}

/** Whether the entries are what the record holds already (then it is not written again). */
export function sameEntries(
  entries: ReadonlyMap<string, string>,
  recorded: ReadonlySet<string>,
  recordedDays: ReadonlyMap<string, string> | undefined,
): boolean {
  if (entries.size !== recorded.size) return false;
  for (const [folder, day] of entries) if (!recorded.has(folder) || recordedDays?.get(folder) !== day) return false;
  return true;
}
