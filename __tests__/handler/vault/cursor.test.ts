// The vault's cursor (pure): a run lists from a margin before it, skips what it handled there, and
// moves only past keys it handled, so a key that failed, or that landed late, is tried again.
import { describe, expect, it } from 'vitest';
import { handoverKey, sourceArchivePrefix } from '../../../handler/contract/archive-layout';
import { CURSOR_MARGIN_MS, formatCursor, listFrom, nextSourceCursor, parseCursor } from '../../../handler/vault/cursor';

const PREFIX = sourceArchivePrefix('exports', '222222222222');
const T0 = new Date('2026-12-05T01:00:00.000Z');
const keyAt = (minutes: number, id: string) => handoverKey(PREFIX, new Date(T0.getTime() + minutes * 60_000), id);

describe('the vault cursor', () => {
  it('round-trips, and a corrupt or foreign text says why it is not a cursor', () => {
    const sources = new Map([['222222222222', { after: keyAt(0, 'a'), recent: [keyAt(0, 'a')] }]]);
    expect(parseCursor(formatCursor(sources, T0))).toEqual({ ok: true, sources });
    expect(parseCursor('not json')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseCursor('{"cursorVersion":2,"sources":{}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/cursorVersion is 2/) });
    expect(parseCursor('{"cursorVersion":1,"sources":{"x":{"after":"k","recent":[]}}}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed/),
    });
  });

  it('lists from the margin before its time; without one, from the start', () => {
    expect(listFrom('exports', { after: keyAt(30, 'a'), recent: [] })).toEqual(new Date(T0.getTime() + 30 * 60_000 - CURSOR_MARGIN_MS));
    expect(listFrom('exports', undefined)).toBeUndefined();
    expect(listFrom('exports', { after: 'garbage', recent: [] })).toBeUndefined();
  });

  it('moves to the last key handled, and keeps the handled keys of the margin', () => {
    const keys = [keyAt(0, 'a'), keyAt(20, 'b'), keyAt(30, 'c')];
    const next = nextSourceCursor('exports', undefined, keys, new Set(keys));
    expect(next).toEqual({ after: keyAt(30, 'c'), recent: [keyAt(20, 'b'), keyAt(30, 'c')] });
  });

  it('stops before a key that failed, which the next run lists again, and does not handle again the keys after it', () => {
    const keys = [keyAt(0, 'a'), keyAt(20, 'b'), keyAt(30, 'c')];
    const next = nextSourceCursor('exports', undefined, keys, new Set([keys[0]!, keys[2]!]))!;
    expect(next.after).toBe(keys[0]);
    expect(next.recent).toContain(keys[2]);
    expect(listFrom('exports', next)!.getTime()).toBeLessThanOrEqual(T0.getTime() + 20 * 60_000);
  });

  it('a key that lands late, within the margin before the cursor, is listed and handled by the next run', () => {
    const previous = { after: keyAt(30, 'c'), recent: [keyAt(20, 'b'), keyAt(30, 'c')] };
    const late = keyAt(25, 'late');
    const listed = [keyAt(20, 'b'), late, keyAt(30, 'c')];
    expect(listed.every((key) => key > `${PREFIX}/_archive/handovers/${listFrom('exports', previous)!.toISOString().replace(/[-:.]/g, '')}`)).toBe(true);
    const toHandle = listed.filter((key) => !previous.recent.includes(key));
    expect(toHandle).toEqual([late]);
    expect(nextSourceCursor('exports', previous, listed, new Set(toHandle))).toEqual({ after: keyAt(30, 'c'), recent: [keyAt(20, 'b'), keyAt(30, 'c'), late] });
  });
});
