// SNS record → typed RDS event, and the event's meaning from its event id (pure; never throws).

/** What an RDS event means to the archive. */
export type EventMeaning = 'snapshot-created' | 'snapshot-creating' | 'export-failed' | 'export-canceled' | 'export-completed' | 'other';

/** Snapshot kinds, by the RDS event source. */
export type SnapshotKind = 'instance' | 'cluster';

/**
 * Event ids by meaning, per source type: the RDS and Aurora user guides' event tables. Message
 * wording is never used; it changes, and the ids do not.
 */
const EVENT_MEANINGS: Readonly<Record<SnapshotKind, Readonly<Record<string, EventMeaning>>>> = {
  instance: {
    'RDS-EVENT-0040': 'snapshot-creating',
    'RDS-EVENT-0042': 'snapshot-created',
    'RDS-EVENT-0090': 'snapshot-creating',
    'RDS-EVENT-0091': 'snapshot-created',
    'RDS-EVENT-0159': 'export-failed',
    'RDS-EVENT-0160': 'export-canceled',
    'RDS-EVENT-0161': 'export-completed',
  },
  cluster: {
    'RDS-EVENT-0074': 'snapshot-creating',
    'RDS-EVENT-0075': 'snapshot-created',
    'RDS-EVENT-0168': 'snapshot-creating',
    'RDS-EVENT-0169': 'snapshot-created',
    'RDS-EVENT-0162': 'export-failed',
    'RDS-EVENT-0163': 'export-canceled',
    'RDS-EVENT-0164': 'export-completed',
  },
};

const SOURCE_KINDS: Readonly<Record<string, SnapshotKind>> = {
  'db-snapshot': 'instance',
  'db-cluster-snapshot': 'cluster',
};

/** An RDS event about a snapshot, as the archive reads it. */
export interface SnapshotEvent {
  readonly eventId: string;
  readonly meaning: EventMeaning;
  readonly kind: SnapshotKind;
  /** The snapshot identifier, e.g. "rds:orders-db-2019-08-18-10-36". */
  readonly snapshotIdentifier: string;
  readonly snapshotArn: string;
  /** Whether the ARN came from the message (or the Resource attribute) rather than derived. */
  readonly arnFromMessage: boolean;
  readonly eventMessage: string;
  readonly messageId: string;
  readonly topicArn: string;
}

/** A parsed record: a snapshot event, or the reason it is not one. */
export type ParsedRecord = { readonly ok: true; readonly event: SnapshotEvent } | { readonly ok: false; readonly reason: string; readonly messageId?: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The RDS-EVENT-NNNN id in an `Event ID` URL (whose base has changed over the years) or attribute. */
export function eventIdOf(value: string | undefined): string | undefined {
  // Exactly four digits: "RDS-EVENT-01234" is not RDS-EVENT-0123.
  const match = value === undefined ? null : /RDS-EVENT-(\d{4})(?!\d)/i.exec(value);
  return match ? `RDS-EVENT-${match[1]}` : undefined;
}

/** The meaning of an event id for a snapshot kind. */
export function meaningOf(kind: SnapshotKind, eventId: string): EventMeaning {
  return EVENT_MEANINGS[kind][eventId] ?? 'other';
}

/** Parts of an ARN: partition, service, region, account. */
export function arnParts(arn: string): { partition: string; service: string; region: string; account: string } | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):/.exec(arn);
  return match ? { partition: match[1]!, service: match[2]!, region: match[3]!, account: match[4]! } : undefined;
}

/** The snapshot ARN for deliveries without `Source ARN`: region, account and partition from the topic. */
export function deriveSnapshotArn(kind: SnapshotKind, snapshotIdentifier: string, topicArn: string): string | undefined {
  const topic = arnParts(topicArn);
  if (topic === undefined || topic.service !== 'sns') return undefined;
  const type = kind === 'cluster' ? 'cluster-snapshot' : 'snapshot';
  return `arn:${topic.partition}:rds:${topic.region}:${topic.account}:${type}:${snapshotIdentifier}`;
}

function attribute(sns: Json, name: string): string | undefined {
  const attributes = sns.MessageAttributes;
  if (!isObject(attributes)) return undefined;
  const entry = attributes[name];
  return isObject(entry) ? text(entry.Value) : undefined;
}

/** Reads one SNS record of a Lambda event. Never throws: anything unusable comes back with a reason. */
export function parseSnsRecord(record: unknown): ParsedRecord {
  if (!isObject(record) || !isObject(record.Sns)) return { ok: false, reason: 'the record is not an SNS record' };
  const sns = record.Sns;
  const messageId = text(sns.MessageId) ?? '(no MessageId)';
  const topicArn = text(sns.TopicArn) ?? '';
  const raw = sns.Message;
  if (typeof raw !== 'string') return { ok: false, reason: 'the SNS message has no text', messageId };
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { ok: false, reason: `the SNS message is not JSON (starts "${raw.slice(0, 40)}")`, messageId };
  }
  if (!isObject(message)) return { ok: false, reason: 'the SNS message is JSON but not an object', messageId };

  const source = text(message['Event Source']);
  const kind = source === undefined ? undefined : SOURCE_KINDS[source];
  if (kind === undefined) return { ok: false, reason: `not a snapshot event (Event Source "${source ?? 'missing'}")`, messageId };
  const eventId = eventIdOf(attribute(sns, 'EventID')) ?? eventIdOf(text(message['Event ID']));
  if (eventId === undefined) return { ok: false, reason: 'the message has no RDS-EVENT id in "Event ID" or the EventID attribute', messageId };
  const snapshotIdentifier = text(message['Source ID']);
  if (snapshotIdentifier === undefined) return { ok: false, reason: `${eventId} has no "Source ID"`, messageId };

  const fromMessage = text(message['Source ARN']) ?? attribute(sns, 'Resource');
  const snapshotArn = fromMessage ?? deriveSnapshotArn(kind, snapshotIdentifier, topicArn);
  if (snapshotArn === undefined) {
    return {
      ok: false,
      reason: `${eventId} for ${snapshotIdentifier} has no "Source ARN" and the topic ARN "${topicArn}" does not say where it is`,
      messageId,
    };
  }
  return {
    ok: true,
    event: {
      eventId,
      meaning: meaningOf(kind, eventId),
      kind,
      snapshotIdentifier,
      snapshotArn,
      arnFromMessage: fromMessage !== undefined,
      eventMessage: text(message['Event Message']) ?? '',
      messageId,
      topicArn,
    },
  };
}
