// The handover's shape and key (pure): what a source writes is what the vault reads back, and the
// strict parser names every field it does not trust.
import { describe, expect, it } from 'vitest';
import {
  handoverKey,
  handoversPrefix,
  handoversStartAfter,
  parseHandoverKey,
  sourceArchivePrefix,
  vaultCursorKey,
} from '../../../handler/contract/archive-layout';
import { buildHandover, formatHandover, HANDOVER_VERSION, MAX_HANDOVER_BYTES, parseHandover } from '../../../handler/contract/handover';

const SOURCE = '222222222222';
const PREFIX = sourceArchivePrefix('exports', SOURCE);
const AT = new Date('2026-12-05T01:43:49.123Z');
const TASK = {
  ExportTaskIdentifier: 'orders-manual-1-0123456789',
  SourceArn: `arn:aws:rds:eu-west-1:${SOURCE}:snapshot:orders-manual-1`,
  S3Bucket: 'vault-archive',
  S3Prefix: `${PREFIX}/orders-db`,
  Status: 'COMPLETE',
  SnapshotTime: new Date('2026-12-05T00:00:00Z'),
  TaskStartTime: new Date('2026-12-05T00:10:00Z'),
  TaskEndTime: new Date('2026-12-05T01:40:00Z'),
  TotalExtractedDataInGB: 1.5,
  WarningMessage: '{"skippedTables":[]}',
  SourceType: 'SNAPSHOT',
};
const text = formatHandover(buildHandover(TASK, SOURCE, AT));
/** A handover document as JSON gives it back: every field open to change. */
type Document = Record<string, unknown> & { exportTask?: Record<string, unknown> };
const edited = (change: (doc: Document) => void) => {
  const doc = JSON.parse(text) as Document;
  change(doc);
  return JSON.stringify(doc);
};
const problemsOf = (input: string) => {
  const parsed = parseHandover(input);
  return parsed.ok ? [] : parsed.problems;
};

describe('the handover key', () => {
  it('is under the source account prefix, named by time and export, and reads back', () => {
    const key = handoverKey(PREFIX, AT, TASK.ExportTaskIdentifier);
    expect(key).toBe(`exports/${SOURCE}/_archive/handovers/20261205T014349123Z-${TASK.ExportTaskIdentifier}.json`);
    expect(key.startsWith(handoversPrefix(PREFIX))).toBe(true);
    expect(parseHandoverKey('exports', key)).toEqual({
      ok: true,
      parts: { sourceAccountId: SOURCE, sourcePrefix: PREFIX, handedOverAt: AT, exportTaskIdentifier: TASK.ExportTaskIdentifier },
    });
  });

  it('sorts by time, and StartAfter a time lists exactly the handovers made at or after it', () => {
    const earlier = handoverKey(PREFIX, new Date(AT.getTime() - 1), 'zzz');
    const later = handoverKey(PREFIX, AT, 'aaa');
    expect([later, earlier].sort()).toEqual([earlier, later]);
    const startAfter = handoversStartAfter(PREFIX, AT);
    expect(earlier < startAfter && startAfter < later).toBe(true);
  });

  it.each([
    ['another archive prefix', 'elsewhere/222222222222/_archive/handovers/20261205T014349123Z-x.json', /not under the archive prefix/],
    ['a segment that is not an account', 'exports/orders-db/_archive/handovers/20261205T014349123Z-x.json', /not an account id/],
    ['an export file', 'exports/222222222222/orders-db/x/export_info_x.json', /not a handover key/],
    ['a nested folder', 'exports/222222222222/_archive/handovers/a/20261205T014349123Z-x.json', /not a handover key/],
    ['an impossible time', 'exports/222222222222/_archive/handovers/20261345T014349123Z-x.json', /valid time/],
    ['no export id', 'exports/222222222222/_archive/handovers/20261205T014349123Z.json', /valid time/],
  ])('rejects %s', (_what, key, problem) => {
    const parsed = parseHandoverKey('exports', key);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(problem);
  });

  it('keeps the vault cursor beside the sources, under none of them', () => {
    expect(vaultCursorKey('exports')).toBe('exports/_archive/vault-cursor.json');
    expect(parseHandoverKey('exports', vaultCursorKey('exports')).ok).toBe(false);
  });
});

describe('the handover document', () => {
  it('round-trips the export task description, times as ISO text', () => {
    const parsed = parseHandover(text);
    expect(parsed).toEqual({
      ok: true,
      handover: {
        handoverVersion: HANDOVER_VERSION,
        sourceAccountId: SOURCE,
        handedOverAt: AT.toISOString(),
        exportTask: {
          ...TASK,
          SnapshotTime: '2026-12-05T00:00:00.000Z',
          TaskStartTime: '2026-12-05T00:10:00.000Z',
          TaskEndTime: '2026-12-05T01:40:00.000Z',
        },
      },
    });
  });

  it('cannot be built from a task that lacks what the vault needs', () => {
    expect(() => buildHandover({ ...TASK, S3Bucket: undefined }, SOURCE, AT)).toThrow(/without S3Bucket/);
  });

  it.each([
    ['malformed JSON', '{"handoverVersion": 1,', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['another version', edited((d) => (d.handoverVersion = 2)), /handoverVersion is 2, expected 1/],
    ['an account that is not 12 digits', edited((d) => (d.sourceAccountId = '2222')), /sourceAccountId must be an account id/],
    ['a time that is not ISO UTC', edited((d) => (d.handedOverAt = 'yesterday')), /handedOverAt must be an ISO-8601 UTC time/],
    ['no export task', edited((d) => delete d.exportTask), /exportTask must be an object/],
    ['a field it does not know', edited((d) => (d.trustMe = true)), /"trustMe" is not a handover field/],
    ['a task field it does not know', edited((d) => (d.exportTask!.KmsKeyId = 'k')), /exportTask.KmsKeyId is not a field/],
    ['an empty bucket', edited((d) => (d.exportTask!.S3Bucket = '')), /exportTask.S3Bucket must be a non-empty string/],
    ['a numeric status', edited((d) => (d.exportTask!.Status = 1)), /exportTask.Status must be a non-empty string/],
    ['a prefix that is not a string', edited((d) => (d.exportTask!.S3Prefix = ['a'])), /exportTask.S3Prefix must be a string/],
    ['a negative size', edited((d) => (d.exportTask!.TotalExtractedDataInGB = -1)), /TotalExtractedDataInGB must be a number of at least 0/],
    ['a bad end time', edited((d) => (d.exportTask!.TaskEndTime = '2026-13-01T00:00:00Z')), /TaskEndTime must be an ISO-8601 UTC time/],
    ['ExportOnly of numbers', edited((d) => (d.exportTask!.ExportOnly = [1])), /ExportOnly must be a list of strings/],
    ['a huge file', `${text}${' '.repeat(MAX_HANDOVER_BYTES)}`, /more than a handover's/],
  ])('rejects %s, naming the problem', (_what, input, problem) => {
    expect(problemsOf(input).join('\n')).toMatch(problem);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(
      edited((d) => {
        d.sourceAccountId = 'x';
        d.exportTask!.S3Bucket = 7;
      }),
    );
    expect(problems).toHaveLength(2);
  });
});
