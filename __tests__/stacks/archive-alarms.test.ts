// The alarms on what the archive reports about itself, alone: the overall lag above maxLagHours
// and incomplete exports, over one reconciliation period, notifying the notifications topic.
import { describe, expect, it } from 'vitest';
import { ArchiveAlarms, type ArchiveAlarmsProps } from '../../stacks/archive-alarms';
import { resources, synthConstruct } from '../support/synthesized';

const NOTIFICATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications';
/** The alarms with the default settings: hourly reconciliation, 48 hours of lag at most. */
const PROPS: ArchiveAlarmsProps = { baseName: 'rds-archive-dev', notificationsTopicArn: NOTIFICATIONS_TOPIC_ARN, reconcileEveryMinutes: 60, maxLagHours: 48 };
const alarmsWith = (props: Partial<ArchiveAlarmsProps> = {}) =>
  resources(
    synthConstruct((scope) => new ArchiveAlarms(scope, 'archive-alarms', { ...PROPS, ...props })),
    'aws_cloudwatch_metric_alarm',
  );
const alarms = alarmsWith();
const lag = alarms.find((a) => a.alarm_name === 'rds-archive-dev-archive-lag')!;
const incomplete = alarms.find((a) => a.alarm_name === 'rds-archive-dev-exports-incomplete')!;

describe('ArchiveAlarms', () => {
  it('are the lag and incomplete-exports alarms, and no others', () => {
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(['rds-archive-dev-archive-lag', 'rds-archive-dev-exports-incomplete']);
  });

  it("watch the archive's overall lag, the maximum over one reconciliation period", () => {
    expect(lag).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ArchiveLagHours',
      dimensions: { Archive: 'rds-archive-dev' },
      statistic: 'Maximum',
      period: 3600,
      evaluation_periods: 1,
    });
  });

  it('fire on a lag above maxLagHours, and leave missing data to the reconciliation-silent alarm', () => {
    expect(lag).toMatchObject({ threshold: 48, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching' });
  });

  it('follow the configured reconciliation period and maximum lag', () => {
    const configured = alarmsWith({ reconcileEveryMinutes: 15, maxLagHours: 6 }).find((a) => a.alarm_name === 'rds-archive-dev-archive-lag');
    expect(configured).toMatchObject({ period: 900, threshold: 6 });
  });

  it('fire on any incomplete export in a period', () => {
    expect(incomplete).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ExportsIncomplete',
      dimensions: { Archive: 'rds-archive-dev' },
      statistic: 'Sum',
      period: 3600,
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
      treat_missing_data: 'notBreaching',
    });
  });

  it('notify the notifications topic when they fire and when they clear', () => {
    for (const alarm of [lag, incomplete]) expect(alarm).toMatchObject({ alarm_actions: [NOTIFICATIONS_TOPIC_ARN], ok_actions: [NOTIFICATIONS_TOPIC_ARN] });
  });
});
