import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ARCHIVE_DIMENSION, ARCHIVE_LAG_HOURS, EXPORTS_INCOMPLETE, METRICS_NAMESPACE } from '../handler/contract';

/** Settings of the alarms on what the archive reports about itself. */
export interface ArchiveAlarmsProps {
  /** Name shared by the deployment's resources; also the Archive metric dimension. */
  readonly baseName: string;
  /** The topic the alarms notify. */
  readonly notificationsTopicArn: string;
  /** Minutes between reconciliations, which emit the lag: the alarms' period. */
  readonly reconcileEveryMinutes: number;
  /** Hours the oldest snapshot due for archiving may wait before the lag alarm fires. */
  readonly maxLagHours: number;
}

/**
 * Alarms on the archive's own metrics (handler/contract/metric-names.ts): snapshots waiting too long for
 * a complete export, and exports that verification found incomplete. Both notify the
 * notifications topic, like the failure alarms, so a report whose SNS publish failed is not lost.
 */
export class ArchiveAlarms extends Construct {
  constructor(scope: Construct, id: string, props: ArchiveAlarmsProps) {
    super(scope, id);
    const { baseName, notificationsTopicArn, reconcileEveryMinutes, maxLagHours } = props;
    // Each reconciliation emits one value per run; CloudWatch periods are multiples of 60 seconds.
    const period = reconcileEveryMinutes * 60;
    new CloudwatchMetricAlarm(this, 'lag-alarm', {
      alarmName: `${baseName}-archive-lag`,
      alarmDescription: `A snapshot due for archiving has waited more than ${maxLagHours} hours without a complete export; the reconciliation logs name it`,
      namespace: METRICS_NAMESPACE,
      metricName: ARCHIVE_LAG_HOURS,
      // The overall lag, not the per-database values emitted beside it.
      dimensions: { [ARCHIVE_DIMENSION]: baseName },
      statistic: 'Maximum',
      period,
      evaluationPeriods: 1,
      threshold: maxLagHours,
      comparisonOperator: 'GreaterThanThreshold',
      // No lag reported means no reconciliation ran: the reconciliation-silent alarm says so.
      treatMissingData: 'notBreaching',
      alarmActions: [notificationsTopicArn],
      okActions: [notificationsTopicArn],
    });
    new CloudwatchMetricAlarm(this, 'incomplete-alarm', {
      alarmName: `${baseName}-exports-incomplete`,
      alarmDescription: 'Verification found an export incomplete or missing; its archive-manifest.json says which tables and why',
      namespace: METRICS_NAMESPACE,
      metricName: EXPORTS_INCOMPLETE,
      dimensions: { [ARCHIVE_DIMENSION]: baseName },
      statistic: 'Sum',
      period,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      // No verification in a period is not a failure.
      treatMissingData: 'notBreaching',
      alarmActions: [notificationsTopicArn],
      okActions: [notificationsTopicArn],
    });
  }
}
