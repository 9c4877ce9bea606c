// The reconciliation schedule alone: an EventBridge rule at the configured rate that invokes the
// exporter, with the permission for that rule alone.
import { describe, expect, it } from 'vitest';
import { ReconcileSchedule, type ReconcileScheduleProps } from '../../stacks/reconcile-schedule';
import { addressOf, onlyResource, synthConstruct } from '../support/synthesized';

const PROPS: ReconcileScheduleProps = {
  baseName: 'rds-archive-dev',
  everyMinutes: 60,
  functionName: 'rds-archive-dev-exporter',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:rds-archive-dev-exporter',
};
const scheduleEvery = (everyMinutes: number) => synthConstruct((scope) => new ReconcileSchedule(scope, 'reconcile', { ...PROPS, everyMinutes }));

describe('ReconcileSchedule', () => {
  it('reconciles on a schedule, at the rate it is given (hourly by default)', () => {
    // Act
    const hourly = scheduleEvery(60);
    const quarterHourly = scheduleEvery(15);

    // Assess
    expect(onlyResource(hourly, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(60 minutes)');
    expect(onlyResource(hourly, 'aws_cloudwatch_event_target')).toMatchObject({ arn: PROPS.functionArn });
    expect(onlyResource(quarterHourly, 'aws_cloudwatch_event_rule').schedule_expression).toBe('rate(15 minutes)');
  });

  it('lets only its rule invoke the exporter', () => {
    const hourly = scheduleEvery(60);
    expect(onlyResource(hourly, 'aws_lambda_permission')).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      source_arn: `\${${addressOf(hourly, 'aws_cloudwatch_event_rule')}.arn}`,
      function_name: PROPS.functionName,
    });
  });
});
