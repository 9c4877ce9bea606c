// The events the exporter receives, built one way for every test: an RDS snapshot event's message
// as RDS writes it, the SNS envelope Lambda receives around a message (the shape of the real
// payloads in fixtures/rds-events), and the reconciliation schedule's EventBridge event.
import type { SnsEvent } from './fixtures';

/** RDS's event IDs are this page with the event's number as its anchor. */
export const RDS_EVENT_ID_URL = 'http://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#';

/** RDS's "Event Time": UTC with a space for the T and no Z, e.g. "2026-11-25 03:10:41.123". */
export function rdsEventTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

/** One RDS event about a snapshot. */
export interface RdsSnapshotEvent {
  readonly kind: 'instance' | 'cluster';
  readonly snapshotIdentifier: string;
  /** Absent as in RDS's automated-snapshot events, which name the snapshot by its identifier only. */
  readonly snapshotArn?: string;
  /** e.g. "RDS-EVENT-0042". */
  readonly eventId: string;
  /** RDS's "Event Message", e.g. "Manual snapshot created". */
  readonly message: string;
  /** @default now */
  readonly at?: Date;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/** The message of an RDS snapshot event, with RDS's keys in RDS's order. */
export function rdsEventMessage(event: RdsSnapshotEvent): Record<string, string> {
  const { snapshotIdentifier, snapshotArn } = event;
  return {
    'Event Source': event.kind === 'cluster' ? 'db-cluster-snapshot' : 'db-snapshot',
    'Event Time': rdsEventTime(event.at ?? new Date()),
    'Identifier Link': `https://console.aws.amazon.com/rds/home?region=${event.region ?? 'us-east-1'}#snapshot:id=${snapshotIdentifier}`,
    'Source ID': snapshotIdentifier,
    ...(snapshotArn === undefined ? {} : { 'Source ARN': snapshotArn }),
    'Event ID': `${RDS_EVENT_ID_URL}${event.eventId}`,
    'Event Message': event.message,
  };
}

/** The message of a manual snapshot-created event (RDS-EVENT-0042, or RDS-EVENT-0075 for a cluster). */
export function snapshotCreatedMessage(kind: 'instance' | 'cluster', snapshotIdentifier: string, snapshotArn: string): Record<string, string> {
  return rdsEventMessage(
    kind === 'cluster'
      ? { kind, snapshotIdentifier, snapshotArn, eventId: 'RDS-EVENT-0075', message: 'Manual cluster snapshot created' }
      : { kind, snapshotIdentifier, snapshotArn, eventId: 'RDS-EVENT-0042', message: 'Manual snapshot created' },
  );
}

/** The message of an instance snapshot's export-completed event (RDS-EVENT-0161). */
export function exportCompletedMessage(snapshotIdentifier: string, snapshotArn: string): Record<string, string> {
  return rdsEventMessage({ kind: 'instance', snapshotIdentifier, snapshotArn, eventId: 'RDS-EVENT-0161', message: 'Snapshot export task completed.' });
}

/** What SNS says about one delivery, beside the message. */
export interface SnsDelivery {
  readonly topicArn: string;
  readonly messageId: string;
  /** The subscription's id, after the topic ARN in EventSubscriptionArn. @default the fixtures' id */
  readonly subscriptionId?: string;
  /** @default 'RDS Notification Message', RDS's subject */
  readonly subject?: string;
  /** When SNS received the message. @default now */
  readonly timestamp?: Date | string;
  /** @default 'Notification' */
  readonly type?: string;
  /** @default {} */
  readonly messageAttributes?: SnsEvent['Records'][number]['Sns']['MessageAttributes'];
}

/** The event Lambda receives for one SNS delivery of `message` (an object is sent as its JSON text). */
export function snsEvent(message: string | Readonly<Record<string, string>>, delivery: SnsDelivery): SnsEvent {
  const timestamp = delivery.timestamp ?? new Date();
  const record = {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${delivery.topicArn}:${delivery.subscriptionId ?? '2f3cf643-6854-475e-9f95-676fd3cc7bd9'}`,
    Sns: {
      Type: delivery.type ?? 'Notification',
      MessageId: delivery.messageId,
      TopicArn: delivery.topicArn,
      Subject: delivery.subject ?? 'RDS Notification Message',
      Message: typeof message === 'string' ? message : JSON.stringify(message),
      Timestamp: typeof timestamp === 'string' ? timestamp : timestamp.toISOString(),
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      MessageAttributes: delivery.messageAttributes ?? {},
    },
  };
  return { Records: [record] };
}

/** Where and when the reconciliation schedule fires. */
export interface Schedule {
  /** @default now */
  readonly time?: Date;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly account?: string;
  /** The EventBridge rule's name. @default 'rds-archive-test-reconcile' */
  readonly ruleName?: string;
}

/** The EventBridge event the reconciliation schedule sends to the exporter. */
export function scheduledEvent(schedule: Schedule = {}): unknown {
  const time = schedule.time ?? new Date();
  const region = schedule.region ?? 'us-east-1';
  const account = schedule.account ?? '123456789012';
  return {
    version: '0',
    id: `schedule-${time.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account,
    // EventBridge writes the time to the second.
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${account}:rule/${schedule.ruleName ?? 'rds-archive-test-reconcile'}`],
    detail: {},
  };
}
