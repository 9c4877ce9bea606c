// The vault verifier's cursor (pure): for each source account, how far its scheduled run has
// read that source's handovers, so the next run lists only what is new (ListObjectsV2 StartAfter).
// One small object beside the sources' prefixes (vaultCursorKey). It is a bookmark, never the
// truth: a cursor that is lost, corrupt or of another version is rebuilt from a full listing of
// every source's handovers, slower but correct (a handover with a manifest costs a read and a listing).
//
// A handover's key holds the time its source wrote it, by the source's clock, and a slow write
// can land after a later key was listed: each run lists again from MARGIN before its cursor and
// skips the keys it handled there already (`recent`), so such a handover is still found.
import { parseHandoverKey } from '../contract/archive-layout';

/** The format written; a cursor of another version is rebuilt. */
export const CURSOR_VERSION = 1;

/** How far before its cursor a run lists again. */
export const CURSOR_MARGIN_MS = 15 * 60 * 1000;

/** One source's place. */
export interface SourceCursor {
  /** The last handover key such that it and every key before it was handled. */
  readonly after: string;
  /** Keys handled at or after `after`'s time less the margin: not handled again. */
  readonly recent: readonly string[];
}

/** A cursor read back, or why the text is not one. */
export type ParsedCursor = { readonly ok: true; readonly sources: ReadonlyMap<string, SourceCursor> } | { readonly ok: false; readonly reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The cursor's text. */
export function formatCursor(sources: ReadonlyMap<string, SourceCursor>, updatedAt: Date): string {
  const entries = [...sources]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([account, cursor]) => [account, { after: cursor.after, recent: [...cursor.recent].sort() }]);
  return `${JSON.stringify({ cursorVersion: CURSOR_VERSION, updatedAt: updatedAt.toISOString(), sources: Object.fromEntries(entries) })}\n`;
}

/** Reads a cursor's text; anything that is not a cursor of this version says why. */
export function parseCursor(text: string): ParsedCursor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message})` };
  }
  if (!isRecord(value)) return { ok: false, reason: 'not a JSON object' };
  if (value.cursorVersion !== CURSOR_VERSION)
    return { ok: false, reason: `cursorVersion is ${JSON.stringify(value.cursorVersion)}, expected ${CURSOR_VERSION}` };
  if (!isRecord(value.sources)) return { ok: false, reason: '"sources" is not an object' };
  const sources = new Map<string, SourceCursor>();
  for (const [account, cursor] of Object.entries(value.sources)) {
    if (
      !/^\d{12}$/.test(account) ||
      !isRecord(cursor) ||
      typeof cursor.after !== 'string' ||
      !Array.isArray(cursor.recent) ||
      !cursor.recent.every((k) => typeof k === 'string')
    )
      return { ok: false, reason: `"sources" entry ${JSON.stringify(account)} is malformed` };
    sources.set(account, { after: cursor.after, recent: cursor.recent as string[] });
  }
  return { ok: true, sources };
}

/** The time in a handover key, or undefined when the key is not one. */
function timeOf(vaultArchivePrefix: string, key: string): number | undefined {
  const parsed = parseHandoverKey(vaultArchivePrefix, key);
  return parsed.ok ? parsed.parts.handedOverAt.getTime() : undefined;
}

/** Where a run lists a source's handovers from: MARGIN before its cursor's time; undefined (everything) without a usable cursor. */
export function listFrom(vaultArchivePrefix: string, cursor: SourceCursor | undefined): Date | undefined {
  const time = cursor === undefined ? undefined : timeOf(vaultArchivePrefix, cursor.after);
  return time === undefined ? undefined : new Date(time - CURSOR_MARGIN_MS);
}

/**
 * The source's cursor after a run that listed `listed` (sorted or not) and handled `handled` of
 * them: `after` moves to the last key before the first one not handled (which the next run tries
 * again), `recent` keeps the handled keys within the margin of it.
 */
export function nextSourceCursor(
  vaultArchivePrefix: string,
  previous: SourceCursor | undefined,
  listed: readonly string[],
  handled: ReadonlySet<string>,
): SourceCursor | undefined {
  const done = new Set([...(previous?.recent ?? []), ...handled]);
  let after = previous?.after;
  for (const key of [...listed].sort()) {
    if (!done.has(key)) break;
    if (after === undefined || key > after) after = key;
  }
  if (after === undefined) return undefined;
  const afterTime = timeOf(vaultArchivePrefix, after);
  if (afterTime === undefined) return undefined;
  const recent = [...done].filter((key) => (timeOf(vaultArchivePrefix, key) ?? -Infinity) >= afterTime - CURSOR_MARGIN_MS);
  return { after, recent };
}
