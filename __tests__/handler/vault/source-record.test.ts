// The vault's record of a source (pure): entries are kept as long as a source window can hold
// their export, then dropped, so the record stays the size of the windows, not of the history.
import { describe, expect, it } from 'vitest';
import { formatVerifiedRecord, parseVerifiedRecord } from '../../../handler/verification/verified-record';
import { dayOf, nextSourceEntries, RECORD_KEEP_DAYS, sameEntries, YEARLY_RECORD_KEEP_DAYS } from '../../../handler/vault/source-record';
import { DAY_MS } from '../../../handler/common/time';

const NOW = new Date('2026-12-05T12:00:00Z');
const daysAgo = (days: number) => dayOf(new Date(NOW.getTime() - days * DAY_MS));
const EVERY = 'exports/222222222222/orders-db/orders-manual-1-0123456789/';
const YEARLY = 'exports/222222222222/orders-db/orders-db-yearly-2026-0123456789/';

describe("the vault's record of a source", () => {
  it('adds the confirmed exports with their day, and keeps a recorded entry without a day from today', () => {
    const entries = nextSourceEntries(new Set([EVERY]), undefined, new Map([[YEARLY, daysAgo(1)]]), NOW);
    expect(entries).toEqual(
      new Map([
        [EVERY, dayOf(NOW)],
        [YEARLY, daysAgo(1)],
      ]),
    );
  });

  it(`drops an export after ${RECORD_KEEP_DAYS} days, a yearly period's after ${YEARLY_RECORD_KEEP_DAYS}`, () => {
    const old = RECORD_KEEP_DAYS + 1;
    const days = new Map([
      [EVERY, daysAgo(old)],
      [YEARLY, daysAgo(old)],
    ]);
    expect([...nextSourceEntries(new Set(days.keys()), days, new Map(), NOW).keys()]).toEqual([YEARLY]);
    const older = new Map([[YEARLY, daysAgo(YEARLY_RECORD_KEEP_DAYS + 1)]]);
    expect(nextSourceEntries(new Set(older.keys()), older, new Map(), NOW).size).toBe(0);
  });

  it('is written in the record format a source reads, with its days, and an unchanged record is known as such', () => {
    const entries = new Map([
      [EVERY, daysAgo(2)],
      [YEARLY, daysAgo(3)],
    ]);
    const parsed = parseVerifiedRecord(formatVerifiedRecord(entries.keys(), NOW, entries));
    expect(parsed.ok && [...parsed.folders].sort()).toEqual([EVERY, YEARLY].sort());
    expect(parsed.ok && parsed.handedOver).toEqual(entries);
    expect(parsed.ok && sameEntries(entries, parsed.folders, parsed.handedOver)).toBe(true);
    expect(
      parsed.ok &&
        sameEntries(
          new Map([
            [EVERY, daysAgo(1)],
            [YEARLY, daysAgo(3)],
          ]),
          parsed.folders,
          parsed.handedOver,
        ),
    ).toBe(false);
  });
});
