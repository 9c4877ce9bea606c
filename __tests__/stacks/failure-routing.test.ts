// Where failures end up, alone: the encrypted dead-letter queue and the alarms on dead letters,
// function errors and a silent reconciliation, all notifying the notifications topic.
import { describe, expect, it } from 'vitest';
import { FailureRouting, type FailureRoutingProps } from '../../stacks/failure-routing';
import { addressOf, onlyResource, resources, synthConstruct } from '../support/synthesized';

const NOTIFICATIONS_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications';
const PROPS: FailureRoutingProps = {
  baseName: 'rds-archive-dev',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  notificationsTopicArn: NOTIFICATIONS_TOPIC_ARN,
  reconcileEveryMinutes: 60,
};
const synthesized = synthConstruct((scope) => new FailureRouting(scope, 'failures', PROPS).watchFunction('rds-archive-dev-exporter'));
const queueAddress = addressOf(synthesized, 'aws_sqs_queue');
const alarms = resources(synthesized, 'aws_cloudwatch_metric_alarm');
const alarm = (suffix: string) => {
  const found = alarms.filter((a) => String(a.alarm_name).endsWith(suffix));
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('FailureRouting', () => {
  it('keeps dead letters 14 days, encrypted with the archive key', () => {
    expect(onlyResource(synthesized, 'aws_sqs_queue')).toMatchObject({
      name: 'rds-archive-dev-dead-letters',
      kms_master_key_id: PROPS.kmsKeyArn,
      message_retention_seconds: 1_209_600,
    });
  });

  it('alarms on dead letters, function errors and a silent reconciliation, to the notifications topic', () => {
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual([
      'rds-archive-dev-dead-letters',
      'rds-archive-dev-exporter-errors',
      'rds-archive-dev-reconciliation-silent',
    ]);
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([NOTIFICATIONS_TOPIC_ARN]);
      expect(a.ok_actions).toEqual([NOTIFICATIONS_TOPIC_ARN]);
    }
    expect(alarm('-dead-letters')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: `\${${queueAddress}.name}` },
      threshold: 0,
      comparison_operator: 'GreaterThanThreshold',
    });
    expect(alarm('-exporter-errors')).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: 'rds-archive-dev-exporter' },
      threshold: 0,
    });
    expect(alarm('-reconciliation-silent')).toMatchObject({
      namespace: 'RdsSnapshotArchive',
      metric_name: 'ReconciliationSucceeded',
      dimensions: { Archive: 'rds-archive-dev' },
      period: 3600,
      evaluation_periods: 2,
      threshold: 1,
      comparison_operator: 'LessThanThreshold',
      treat_missing_data: 'breaching',
    });
  });

  it('watches for a silent reconciliation over two periods of the given length', () => {
    // Act
    const quarterHourly = synthConstruct((scope) => new FailureRouting(scope, 'failures', { ...PROPS, reconcileEveryMinutes: 15 }).watchFunction('f'));

    // Assess
    const silent = resources(quarterHourly, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === 'rds-archive-dev-reconciliation-silent');
    expect(silent).toMatchObject({ period: 900, evaluation_periods: 2 });
  });

  it('has no function alarms until it is given a function to watch', () => {
    const queueOnly = synthConstruct((scope) => new FailureRouting(scope, 'failures', PROPS));
    expect(resources(queueOnly, 'aws_cloudwatch_metric_alarm').map((a) => a.alarm_name)).toEqual(['rds-archive-dev-dead-letters']);
  });
});
