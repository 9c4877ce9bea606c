import type { Construct } from 'constructs';
import type { ArchiveConfig } from './config';
import { FailureRouting } from './failure-routing';
import { Notifications } from './notifications';
import type { AwsScope } from './policy';
import { SnapshotEvents } from './snapshot-events';

/** What the exporter's topics and queue are made with. */
export interface ExporterRoutingProps {
  readonly config: ArchiveConfig;
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources. */
  readonly baseName: string;
  /** The key that encrypts the topics and the dead-letter queue. */
  readonly kmsKeyArn: string;
}

/** Where the exporter's events come from and its failures go. */
export interface ExporterRouting {
  /** The topic RDS publishes snapshot events to; the exporter is subscribed to it. */
  readonly events: SnapshotEvents;
  /** The topic that tells operators of alarms and export failures. */
  readonly notifications: Notifications;
  /** The dead-letter queue and its alarms. */
  readonly failures: FailureRouting;
}

/**
 * Makes in `scope` itself (the resources keep the addresses they have in the stacks) the snapshot
 * events topic, the notifications topic and the dead-letter queue of a single-account or source stack.
 */
export function deployExporterRouting(scope: Construct, props: ExporterRoutingProps): ExporterRouting {
  const { config, baseName, kmsKeyArn } = props;
  const events = new SnapshotEvents(scope, 'events', { scope: props.scope, baseName, kmsKeyArn });
  const notifications = new Notifications(scope, 'notifications', { scope: props.scope, baseName, kmsKeyArn, emails: config.notificationEmails });
  const failures = new FailureRouting(scope, 'failures', {
    baseName,
    kmsKeyArn,
    notificationsTopicArn: notifications.topicArn,
    reconcileEveryMinutes: config.reconciliation.everyMinutes,
  });
  return { events, notifications, failures };
}
