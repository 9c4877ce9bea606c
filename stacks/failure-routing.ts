import { Construct } from 'constructs';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { RECONCILIATION_SUCCEEDED } from '../handler/contract';
import { aboveZeroAlarm } from './above-zero-alarm';
import { silentRunAlarm } from './silent-run-alarm';

/** Settings of the dead-letter queue and the alarms. */
export interface FailureRoutingProps {
  /** Name shared by the deployment's resources; also the Archive metric dimension. */
  readonly baseName: string;
  /** The KMS key that encrypts the queue. */
  readonly kmsKeyArn: string;
  /** The topic the alarms notify. */
  readonly notificationsTopicArn: string;
  /** Minutes between reconciliations; the heartbeat alarm fires after two silent periods. */
  readonly reconcileEveryMinutes: number;
}

/** Seconds SQS keeps a message at most: 14 days. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** The dead-letter queue's name; the CLI's doctor finds it by this name when Lambda does not report it. */
export function deadLetterQueueName(baseName: string): string {
  return `${baseName}-dead-letters`;
}

/**
 * Where failures end up: an encrypted dead-letter queue for events the exporter could not
 * handle after its retries, and alarms (dead letters, function errors, reconciliation silent
 * for two periods) that notify the operators.
 */
export class FailureRouting extends Construct {
  /** The dead-letter queue's ARN, for the function's dead_letter_config. */
  readonly deadLetterQueueArn: string;
  /** The dead-letter queue's URL, for operators who inspect or redrive it. */
  readonly deadLetterQueueUrl: string;

  private readonly props: FailureRoutingProps;

  constructor(scope: Construct, id: string, props: FailureRoutingProps) {
    super(scope, id);
    this.props = props;
    const queue = new SqsQueue(this, 'dead-letters', {
      name: deadLetterQueueName(props.baseName),
      kmsMasterKeyId: props.kmsKeyArn,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    this.deadLetterQueueArn = queue.arn;
    this.deadLetterQueueUrl = queue.url;
    aboveZeroAlarm(this, 'dead-letters-alarm', {
      alarmName: `${props.baseName}-dead-letters`,
      alarmDescription: 'Snapshot events the exporter could not handle after its retries are waiting in the dead-letter queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: queue.name },
      statistic: 'Maximum',
      notificationsTopicArn: props.notificationsTopicArn,
    });
  }

  /** Alarms on the exporter function: errors, and reconciliation that stopped succeeding. */
  watchFunction(functionName: string): void {
    const { baseName, notificationsTopicArn, reconcileEveryMinutes } = this.props;
    aboveZeroAlarm(this, 'errors-alarm', {
      alarmName: `${baseName}-exporter-errors`,
      alarmDescription: 'The snapshot exporter failed; its logs say which snapshot and why',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: functionName },
      statistic: 'Sum',
      notificationsTopicArn,
    });
    silentRunAlarm(this, 'reconciliation-alarm', {
      alarmName: `${baseName}-reconciliation-silent`,
      alarmDescription: `No reconciliation has succeeded in two periods (${2 * reconcileEveryMinutes} minutes): missed snapshots are not being caught up`,
      metricName: RECONCILIATION_SUCCEEDED,
      archiveName: baseName,
      everyMinutes: reconcileEveryMinutes,
      notificationsTopicArn,
    });
  }
}
