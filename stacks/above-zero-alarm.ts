import type { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';

/** What an alarm on any occurrence watches and whom it tells. */
export interface AboveZeroAlarmProps {
  readonly alarmName: string;
  /** What happened and where to look, as the notification says it. */
  readonly alarmDescription: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** How a five-minute period's values add up: 'Sum' for counts, 'Maximum' for levels. */
  readonly statistic: 'Sum' | 'Maximum';
  /** The topic told when the alarm fires and when it clears. */
  readonly notificationsTopicArn: string;
}

/**
 * An alarm that fires in the five minutes a metric is above zero (a function's errors, messages in
 * a dead-letter queue) and clears after; no data is no failure.
 */
export function aboveZeroAlarm(scope: Construct, id: string, props: AboveZeroAlarmProps): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    namespace: props.namespace,
    metricName: props.metricName,
    dimensions: props.dimensions,
    statistic: props.statistic,
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: 'GreaterThanThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [props.notificationsTopicArn],
    okActions: [props.notificationsTopicArn],
  });
}
