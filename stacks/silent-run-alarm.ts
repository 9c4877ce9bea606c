import type { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ARCHIVE_DIMENSION, METRICS_NAMESPACE } from '../handler/contract';

/** A scheduled run's heartbeat and whom its silence is told to. */
export interface SilentRunAlarmProps {
  readonly alarmName: string;
  /** What stopped and what that means, as the notification says it. */
  readonly alarmDescription: string;
  /** The metric every successful run emits with value 1 (handler/contract/metric-names.ts). */
  readonly metricName: string;
  /** The deployment's name, the metric's Archive dimension. */
  readonly archiveName: string;
  /** Minutes between runs; the alarm fires after two periods without a success. */
  readonly everyMinutes: number;
  /** The topic told when the alarm fires and when it clears. */
  readonly notificationsTopicArn: string;
}

/**
 * An alarm that fires when a scheduled run has not succeeded for two periods, including when it
 * has not run at all: no data is the failure this alarm is for.
 */
export function silentRunAlarm(scope: Construct, id: string, props: SilentRunAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    namespace: METRICS_NAMESPACE,
    metricName: props.metricName,
    dimensions: { [ARCHIVE_DIMENSION]: props.archiveName },
    statistic: 'Sum',
    period: props.everyMinutes * 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: 'LessThanThreshold',
    treatMissingData: 'breaching',
    alarmActions: [props.notificationsTopicArn],
    okActions: [props.notificationsTopicArn],
  });
}
