import type { Construct } from 'constructs';
import { FailureRouting } from './failure-routing';
import { Notifications } from './notifications';
import { SnapshotEvents } from './snapshot-events';
import type { StackContext } from './stack-context';

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
 * events topic, the notifications topic and the dead-letter queue of a single-account or source
 * stack, all encrypted with `kmsKeyArn`.
 */
export function deployExporterRouting(scope: Construct, { config, aws, baseName }: StackContext, kmsKeyArn: string): ExporterRouting {
  const events = new SnapshotEvents(scope, 'events', { scope: aws, baseName, kmsKeyArn });
  const notifications = new Notifications(scope, 'notifications', { scope: aws, baseName, kmsKeyArn, emails: config.notificationEmails });
  const failures = new FailureRouting(scope, 'failures', {
    baseName,
    kmsKeyArn,
    notificationsTopicArn: notifications.topicArn,
    reconcileEveryMinutes: config.reconciliation.everyMinutes,
  });
  return { events, notifications, failures };
}
