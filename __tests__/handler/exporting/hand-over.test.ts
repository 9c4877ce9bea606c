// The source's side of vault mode (pure parts): whose export it is, and what has been handed over.
import { describe, expect, it } from 'vitest';
import { handoverKey, handoversPrefix, sourceArchivePrefix } from '../../../handler/contract/archive-layout';
import { HandoverSettingsError, handoverTimes, sourceAccountOf } from '../../../handler/exporting/hand-over';

const SOURCE = '222222222222';
const PREFIX = sourceArchivePrefix('exports', SOURCE);
const task = { ExportTaskIdentifier: 'orders-manual-1-0123456789', SourceArn: `arn:aws:rds:us-east-1:${SOURCE}:snapshot:orders-manual-1` };

describe('the source of a handover', () => {
  it("is the snapshot's account, when the archive prefix ends with it", () => {
    expect(sourceAccountOf(task, { archivePrefix: PREFIX })).toBe(SOURCE);
  });

  it('is refused, naming the setting and the fix, when the prefix is not the vault layout the vault checks', () => {
    expect(() => sourceAccountOf(task, { archivePrefix: 'exports' })).toThrow(HandoverSettingsError);
    expect(() => sourceAccountOf(task, { archivePrefix: 'exports/333333333333' })).toThrow(
      /ARCHIVE_PREFIX "exports\/333333333333" does not end with this account's id 222222222222.*Redeploy the source stack/,
    );
    expect(() => sourceAccountOf({ ...task, SourceArn: 'orders-manual-1' }, { archivePrefix: PREFIX })).toThrow(/names no account in its SourceArn/);
  });
});

describe('the handovers made', () => {
  it("give each export's latest handover time, and ignore other keys", () => {
    const early = new Date('2026-12-05T01:00:00.000Z');
    const late = new Date('2026-12-05T02:00:00.000Z');
    const keys = [
      handoverKey(PREFIX, early, 'a-export'),
      handoverKey(PREFIX, late, 'a-export'),
      handoverKey(PREFIX, early, 'b-export'),
      `${handoversPrefix(PREFIX)}notes.txt`,
      `${PREFIX}/orders-db/a-export/archive-manifest.json`,
    ];
    expect(handoverTimes(handoversPrefix(PREFIX), keys)).toEqual(
      new Map([
        ['a-export', late.getTime()],
        ['b-export', early.getTime()],
      ]),
    );
  });
});
