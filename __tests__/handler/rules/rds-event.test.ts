import { describe, expect, it } from 'vitest';
import { deriveSnapshotArn, eventIdOf, meaningOf, parseSnsRecord, type ParsedRecord } from '../../../handler/rules/rds-event';
import { fixtureNames, loadFixture, withMessage } from '../../support/fixtures';

const parse = (name: string): ParsedRecord => parseSnsRecord(loadFixture(name).Records[0]);

describe('parseSnsRecord over the real fixtures', () => {
  it('covers every fixture', () => {
    expect(fixtureNames()).toEqual([
      'automated-cluster-snapshot-created.json',
      'automated-snapshot-created.json',
      'creating-automated-snapshot.json',
      'instance-backup-finished.json',
      'manual-snapshot-created.json',
      'not-json-message.json',
    ]);
  });

  it('reads an automated instance snapshot without Source ARN, deriving it from the topic', () => {
    expect(parse('automated-snapshot-created.json')).toEqual({
      ok: true,
      event: {
        eventId: 'RDS-EVENT-0091',
        meaning: 'snapshot-created',
        kind: 'instance',
        snapshotIdentifier: 'rds:orders-db-2019-08-18-10-36',
        snapshotArn: 'arn:aws:rds:us-west-2:123456789012:snapshot:rds:orders-db-2019-08-18-10-36',
        arnFromMessage: false,
        eventMessage: 'Automated snapshot created',
        messageId: 'd51c16ad-b8e7-5bb2-b52d-437e954de8a6',
        topicArn: 'arn:aws:sns:us-west-2:123456789012:rds-snapshot-events',
      },
    });
  });

  it('reads a manual instance snapshot with its Source ARN', () => {
    const parsed = parse('manual-snapshot-created.json');
    expect(parsed).toMatchObject({
      ok: true,
      event: {
        eventId: 'RDS-EVENT-0042',
        meaning: 'snapshot-created',
        kind: 'instance',
        arnFromMessage: true,
        snapshotArn: 'arn:aws:rds:eu-west-1:123456789012:snapshot:billing-before-migration',
      },
    });
  });

  it('reads an Aurora cluster snapshot as a cluster-snapshot', () => {
    expect(parse('automated-cluster-snapshot-created.json')).toMatchObject({
      ok: true,
      event: {
        eventId: 'RDS-EVENT-0169',
        meaning: 'snapshot-created',
        kind: 'cluster',
        snapshotArn: 'arn:aws:rds:us-east-2:123456789012:cluster-snapshot:rds:ledger-cluster-2021-11-07-17-40',
      },
    });
  });

  it('reads the creating event as creating, which starts nothing', () => {
    expect(parse('creating-automated-snapshot.json')).toMatchObject({ ok: true, event: { eventId: 'RDS-EVENT-0090', meaning: 'snapshot-creating' } });
  });

  it('skips an instance event with the reason', () => {
    expect(parse('instance-backup-finished.json')).toEqual({
      ok: false,
      reason: 'not a snapshot event (Event Source "db-instance")',
      messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
  });

  it('skips a message that is not JSON with the reason', () => {
    expect(parse('not-json-message.json')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the SNS message is not JSON \(starts "Hello from SNS!"\)/),
    });
  });
});

describe('parseSnsRecord on damaged and unusual input', () => {
  it.each([
    ['null', null, /not an SNS record/],
    ['a string', 'hello', /not an SNS record/],
    ['a record without Sns', { EventSource: 'aws:sns' }, /not an SNS record/],
    ['a message that is not text', { Sns: { Message: 42 } }, /has no text/],
    ['a JSON array', { Sns: { Message: '[1,2]' } }, /JSON but not an object/],
  ])('never throws on %s', (_name, record, reason) => {
    expect(parseSnsRecord(record)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('skips a snapshot event without an event id or Source ID', () => {
    const noId = withMessage('manual-snapshot-created.json', (m) => delete m['Event ID']).Records[0];
    expect(parseSnsRecord(noId)).toMatchObject({ ok: false, reason: expect.stringMatching(/no RDS-EVENT id/) });
    const noSource = withMessage('manual-snapshot-created.json', (m) => delete m['Source ID']).Records[0];
    expect(parseSnsRecord(noSource)).toMatchObject({ ok: false, reason: 'RDS-EVENT-0042 has no "Source ID"' });
  });

  it('skips a derived ARN when the topic ARN is unusable', () => {
    const event = loadFixture('automated-snapshot-created.json');
    event.Records[0]!.Sns.TopicArn = 'not-an-arn';
    expect(parseSnsRecord(event.Records[0])).toMatchObject({ ok: false, reason: expect.stringMatching(/no "Source ARN" and the topic ARN "not-an-arn"/) });
  });

  it('prefers the EventID message attribute and the Resource attribute of newer deliveries', () => {
    const event = withMessage('automated-snapshot-created.json', (m) => {
      m['Event ID'] = 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html';
    });
    event.Records[0]!.Sns.MessageAttributes = {
      EventID: { Type: 'String', Value: 'RDS-EVENT-0091' },
      Resource: { Type: 'String', Value: 'arn:aws:rds:us-west-2:123456789012:snapshot:rds:orders-db-2019-08-18-10-36' },
    };
    expect(parseSnsRecord(event.Records[0])).toMatchObject({ ok: true, event: { eventId: 'RDS-EVENT-0091', arnFromMessage: true } });
  });

  it('derives ARNs in the China and GovCloud partitions', () => {
    expect(deriveSnapshotArn('instance', 'rds:a-1', 'arn:aws-cn:sns:cn-north-1:123456789012:t')).toBe(
      'arn:aws-cn:rds:cn-north-1:123456789012:snapshot:rds:a-1',
    );
    expect(deriveSnapshotArn('cluster', 'c1', 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:t')).toBe(
      'arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster-snapshot:c1',
    );
    expect(deriveSnapshotArn('cluster', 'c1', 'arn:aws:sqs:us-east-1:123456789012:q')).toBeUndefined();
  });
});

describe('event ids and meanings', () => {
  it('takes the id from any documentation URL base, in any case', () => {
    expect(eventIdOf('http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0091')).toBe('RDS-EVENT-0091');
    expect(eventIdOf('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.Messages.html#rds-event-0042')).toBe('RDS-EVENT-0042');
    expect(eventIdOf('RDS-EVENT-12')).toBeUndefined();
    // A longer number is another id, not one of ours cut short.
    expect(eventIdOf('https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-00910')).toBeUndefined();
  });

  it('knows created, creating and export outcomes per source, and nothing else', () => {
    expect(['RDS-EVENT-0042', 'RDS-EVENT-0091'].map((id) => meaningOf('instance', id))).toEqual(['snapshot-created', 'snapshot-created']);
    expect(['RDS-EVENT-0075', 'RDS-EVENT-0169'].map((id) => meaningOf('cluster', id))).toEqual(['snapshot-created', 'snapshot-created']);
    expect(['RDS-EVENT-0040', 'RDS-EVENT-0090'].map((id) => meaningOf('instance', id))).toEqual(['snapshot-creating', 'snapshot-creating']);
    expect(['RDS-EVENT-0074', 'RDS-EVENT-0168'].map((id) => meaningOf('cluster', id))).toEqual(['snapshot-creating', 'snapshot-creating']);
    expect(['RDS-EVENT-0159', 'RDS-EVENT-0160', 'RDS-EVENT-0161'].map((id) => meaningOf('instance', id))).toEqual([
      'export-failed',
      'export-canceled',
      'export-completed',
    ]);
    expect(['RDS-EVENT-0162', 'RDS-EVENT-0163', 'RDS-EVENT-0164'].map((id) => meaningOf('cluster', id))).toEqual([
      'export-failed',
      'export-canceled',
      'export-completed',
    ]);
    // An instance id under a cluster source (and the reverse) is not trusted to mean the same.
    expect(meaningOf('cluster', 'RDS-EVENT-0091')).toBe('other');
    expect(meaningOf('instance', 'RDS-EVENT-0169')).toBe('other');
  });
});
