// The vault's checks of a handover (pure): a source is believed about its own exports in its own
// folders of this bucket, and about nothing else.
import { describe, expect, it } from 'vitest';
import { handoverKey, parseHandoverKey, sourceArchivePrefix } from '../../../handler/contract/archive-layout';
import { buildHandover, type Handover } from '../../../handler/contract/handover';
import { handoverProblems, taskOfHandover } from '../../../handler/vault/checks';

const SOURCE = '222222222222';
const OTHER = '333333333333';
const SETTINGS = { archiveBucket: 'vault-archive', sourceAccountIds: [SOURCE, OTHER] };
const AT = new Date('2026-12-05T01:43:49.123Z');
const ID = 'orders-manual-1-0123456789';
const prefixOf = (account: string) => sourceArchivePrefix('exports', account);

const task = (change: Record<string, unknown> = {}) => ({
  ExportTaskIdentifier: ID,
  SourceArn: `arn:aws:rds:eu-west-1:${SOURCE}:snapshot:orders-manual-1`,
  S3Bucket: 'vault-archive',
  S3Prefix: `${prefixOf(SOURCE)}/orders-db`,
  Status: 'COMPLETE',
  SnapshotTime: new Date('2026-12-05T00:00:00Z'),
  ...change,
});
/** The problems of a handover of `exportTask` by `account`, found under `keyAccount`'s prefix. */
const check = (options: { change?: Record<string, unknown>; account?: string; keyAccount?: string; edit?: (h: Handover) => Handover } = {}) => {
  const keyAccount = options.keyAccount ?? SOURCE;
  const parsed = parseHandoverKey('exports', handoverKey(prefixOf(keyAccount), AT, ID));
  if (!parsed.ok) throw new Error(parsed.problem);
  const handover = buildHandover(task(options.change), options.account ?? SOURCE, AT);
  return handoverProblems(parsed.parts, options.edit ? options.edit(handover) : handover, SETTINGS).join('\n');
};

describe('a handover the vault trusts', () => {
  it('is a COMPLETE export of the source own snapshot, in a database folder under its prefix of this bucket', () => {
    expect(check()).toBe('');
  });

  it('gives verification the task with its times as dates', () => {
    const described = taskOfHandover(buildHandover(task({ Status: 'complete' }), SOURCE, AT));
    expect(described).toMatchObject({
      ExportTaskIdentifier: ID,
      Status: 'COMPLETE',
      SnapshotTime: new Date('2026-12-05T00:00:00Z'),
      S3Prefix: `${prefixOf(SOURCE)}/orders-db`,
    });
  });
});

describe('a handover the vault rejects', () => {
  it.each([
    [
      'from an account that is not a source',
      {
        keyAccount: '444444444444',
        account: '444444444444',
        change: { SourceArn: 'arn:aws:rds:eu-west-1:444444444444:snapshot:s', S3Prefix: 'exports/444444444444/orders-db' },
      },
      /444444444444, which is not a source account/,
    ],
    ['claiming another account in the document', { account: OTHER }, /says it is from account 333333333333, but it is under account 222222222222's prefix/],
    [
      'naming a snapshot of another account (forged)',
      { change: { SourceArn: `arn:aws:rds:eu-west-1:${OTHER}:snapshot:theirs` } },
      /a snapshot of account 333333333333, not of account 222222222222/,
    ],
    ['naming something that is not a snapshot', { change: { SourceArn: `arn:aws:s3:::${SOURCE}` } }, /is not an RDS snapshot ARN/],
    ['in a foreign bucket', { change: { S3Bucket: 'someone-elses-bucket' } }, /S3Bucket "someone-elses-bucket" is not this vault's bucket vault-archive/],
    [
      'in another source account prefix',
      { change: { S3Prefix: `${prefixOf(OTHER)}/orders-db` } },
      /is not a database folder under account 222222222222's prefix/,
    ],
    ['in the archive own folder', { change: { S3Prefix: `${prefixOf(SOURCE)}/_archive` } }, /not a database folder/],
    ['climbing out of the prefix', { change: { S3Prefix: `${prefixOf(SOURCE)}/../${OTHER}/orders-db` } }, /not a database folder/],
    ['at the prefix itself', { change: { S3Prefix: prefixOf(SOURCE) } }, /not a database folder/],
    ['below a database folder', { change: { S3Prefix: `${prefixOf(SOURCE)}/orders-db/deeper` } }, /not a database folder/],
    ['for an export that is not COMPLETE', { change: { Status: 'FAILED' } }, /Status is FAILED, not COMPLETE/],
    ['for another export than its key names', { change: { ExportTaskIdentifier: 'other-export' } }, /is not the export the key names/],
    ['with a time that is not its key', { edit: (h: Handover) => ({ ...h, handedOverAt: '2026-12-05T02:00:00.000Z' }) }, /is not the time in the key/],
  ])('%s', (_what, options, problem) => {
    expect(check(options as Parameters<typeof check>[0])).toMatch(problem);
  });
});
