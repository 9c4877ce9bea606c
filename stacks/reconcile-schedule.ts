import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';

/** Settings of the reconciliation schedule. */
export interface ReconcileScheduleProps {
  /** Name shared by the deployment's resources. */
  readonly baseName: string;
  readonly everyMinutes: number;
  /** The exporter function, invoked with EventBridge's "Scheduled Event". */
  readonly functionName: string;
  readonly functionArn: string;
  /** What the schedule does, for the rule's description. @default the exporter's reconciliation */
  readonly description?: string;
}

/** An EventBridge schedule that invokes the exporter to reconcile: start what events missed. */
export class ReconcileSchedule extends Construct {
  /** The rule's ARN. */
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id);
    const rule = new CloudwatchEventRule(this, 'rule', {
      name: `${props.baseName}-reconcile`,
      description: props.description ?? 'Starts the exports that snapshot events missed, the quota deferred or that failed',
      scheduleExpression: `rate(${props.everyMinutes} minutes)`,
    });
    this.ruleArn = rule.arn;
    const permission = new LambdaPermission(this, 'invoke-from-schedule', {
      statementId: 'AllowReconcileSchedule',
      action: 'lambda:InvokeFunction',
      functionName: props.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: rule.arn,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: rule.name,
      arn: props.functionArn,
      dependsOn: [permission],
    });
  }
}
