// How the deployment has been running: the last successful reconciliation (its heartbeat
// metric), the dead-letter queue, and the deployment's alarms.
import { DescribeAlarmsCommand, type DescribeAlarmsCommandOutput, GetMetricStatisticsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { ARCHIVE_DIMENSION, METRICS_NAMESPACE, RECONCILIATION_SUCCEEDED } from '../../handler/contract';
import { deadLetterQueueName } from '../../stacks/failure-routing';
import { type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import type { DoctorClients } from './clients';
import { awsErrorName } from '../../handler/aws';

/**
 * The deployment's alarms: named <archive name>-* and, when the exporter names its notifications
 * topic, notifying it (another deployment's name may start with this one's, e.g. "archive-prod-2").
 */
async function deploymentAlarms(deployment: Deployment, clients: DoctorClients): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  let token: string | undefined;
  do {
    const page: DescribeAlarmsCommandOutput = await clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${deployment.settings.archiveName}-`, AlarmTypes: ['MetricAlarm'], NextToken: token }),
    );
    alarms.push(...(page.MetricAlarms ?? []));
    token = page.NextToken;
  } while (token);
  const topic = deployment.settings.notifyTopicArn;
  return topic === undefined ? alarms : alarms.filter((a) => (a.AlarmActions ?? []).includes(topic));
}

/** The alarm on the reconciliation heartbeat, whose period is the reconciliation's. */
function heartbeatAlarm(alarms: readonly MetricAlarm[], archiveName: string): MetricAlarm | undefined {
  return alarms.find(
    (a) =>
      a.Namespace === METRICS_NAMESPACE &&
      a.MetricName === RECONCILIATION_SUCCEEDED &&
      (a.Dimensions ?? []).some((d) => d.Name === ARCHIVE_DIMENSION && d.Value === archiveName),
  );
}

/** Judges the last heartbeat against two reconciliation periods (pure). */
export function judgeReconciliation(last: Date | undefined, periodSeconds: number, now: Date, deployment: Deployment): Finding {
  const window = 2 * periodSeconds;
  const minutes = periodSeconds / 60;
  if (last !== undefined && now.getTime() - last.getTime() <= window * 1000) {
    return ok(`the last successful reconciliation reported at ${last.toISOString()}, within two periods (${2 * minutes} minutes) of every ${minutes} minutes`);
  }
  const seen = last === undefined ? 'none in the last day' : `the last at ${last.toISOString()}`;
  return problem(
    `no reconciliation has succeeded in the last two periods (${2 * minutes} minutes; ${RECONCILIATION_SUCCEEDED} for ${ARCHIVE_DIMENSION}=${deployment.settings.archiveName}: ${seen}): snapshots that events missed are not caught up`,
    `read the exporter's logs (aws logs tail /aws/lambda/${deployment.functionName} --since 2h) and check that the schedule ${deployment.settings.archiveName}-reconcile is enabled (aws events describe-rule --name ${deployment.settings.archiveName}-reconcile)`,
  );
}

/** The latest time the heartbeat reported success, looking back a day (or two periods, if longer). */
async function lastHeartbeat(deployment: Deployment, clients: DoctorClients, periodSeconds: number, now: Date): Promise<Date | undefined> {
  const lookback = Math.max(86_400, 2 * periodSeconds);
  // GetMetricStatistics returns at most 1,440 datapoints; minute resolution for a day.
  const granularity = Math.max(60, Math.ceil(lookback / 1440 / 60) * 60);
  const out = await clients.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: METRICS_NAMESPACE,
      MetricName: RECONCILIATION_SUCCEEDED,
      Dimensions: [{ Name: ARCHIVE_DIMENSION, Value: deployment.settings.archiveName }],
      StartTime: new Date(now.getTime() - lookback * 1000),
      EndTime: now,
      Period: granularity,
      Statistics: ['Sum'],
    }),
  );
  const times = (out.Datapoints ?? []).filter((d) => (d.Sum ?? 0) >= 1 && d.Timestamp !== undefined).map((d) => d.Timestamp!.getTime());
  return times.length === 0 ? undefined : new Date(Math.max(...times));
}

export const RECONCILIATION_CHECK: DoctorCheck = {
  id: 'reconciliation',
  title: 'Last successful reconciliation is recent',
  async run(deployment, clients, now) {
    const alarm = heartbeatAlarm(await deploymentAlarms(deployment, clients), deployment.settings.archiveName);
    if (alarm?.Period === undefined) {
      return couldNotCheck(
        `no alarm on ${METRICS_NAMESPACE}/${RECONCILIATION_SUCCEEDED} is named ${deployment.settings.archiveName}-*, so the reconciliation period is not known`,
        'deploy the stack (npx cdktf deploy) to restore the alarm reconciliation-silent',
      );
    }
    return judgeReconciliation(await lastHeartbeat(deployment, clients, alarm.Period, now), alarm.Period, now, deployment);
  },
};

/** The dead-letter queue: the function's dead-letter target, else the deployment's queue by name. */
function deadLetterQueue(deployment: Deployment): { name: string; account: string; source: string } {
  const target = deployment.deadLetterTargetArn;
  const match = target === undefined ? null : /^arn:[^:]+:sqs:[^:]+:(\d{12}):(.+)$/.exec(target);
  if (match !== null) return { name: match[2]!, account: match[1]!, source: "the exporter's dead-letter target" };
  return {
    name: deadLetterQueueName(deployment.settings.archiveName),
    account: deployment.accountId,
    source: "the deployment's queue (the function reported no dead-letter target)",
  };
}

/** Judges the queue's depth (pure). */
export function judgeDeadLetters(queueUrl: string, visible: number, inFlight: number, deployment: Deployment): Finding {
  if (visible === 0) return ok(`${queueUrl} is empty${inFlight > 0 ? ` (${inFlight} message(s) being read now)` : ''}`);
  return problem(
    `${visible} message(s) wait in ${queueUrl}: snapshot events the exporter could not handle after its retries`,
    `read them (aws sqs receive-message --queue-url ${queueUrl} --max-number-of-messages 10) and the exporter's logs (aws logs tail /aws/lambda/${deployment.functionName} --since 1d); after fixing the cause, start what they missed (npm run archive -- backfill --since <date>) and delete the messages`,
  );
}

export const DEAD_LETTERS_CHECK: DoctorCheck = {
  id: 'dead-letters',
  title: 'Dead-letter queue is empty',
  async run(deployment, clients) {
    const queue = deadLetterQueue(deployment);
    let queueUrl: string | undefined;
    try {
      queueUrl = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name, QueueOwnerAWSAccountId: queue.account }))).QueueUrl;
    } catch (error) {
      if (/NonExistentQueue|QueueDoesNotExist/.test(awsErrorName(error))) {
        return problem(`the dead-letter queue ${queue.name} (${queue.source}) does not exist`, 'deploy the stack (npx cdktf deploy)');
      }
      throw error;
    }
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return judgeDeadLetters(
      queueUrl ?? queue.name,
      Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0),
      Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      deployment,
    );
  },
};

/** Judges the deployment's alarms (pure). */
export function judgeAlarms(alarms: readonly MetricAlarm[], deployment: Deployment): Finding {
  const prefix = `${deployment.settings.archiveName}-`;
  if (alarms.length === 0) return problem(`no alarms are named ${prefix}*: failures would reach no one`, 'deploy the stack (npx cdktf deploy) to create them');
  const firing = alarms.filter((a) => a.StateValue === 'ALARM');
  if (firing.length > 0) {
    return problem(
      `in ALARM: ${firing.map((a) => `${a.AlarmName} (${a.AlarmDescription ?? a.MetricName}; ${a.StateReason ?? 'no reason given'})`).join('; ')}`,
      'each alarm description says where to look; the notifications topic (stack output notifications-topic-arn) has the details',
    );
  }
  return ok(`${alarms.length} alarm(s), none in ALARM: ${alarms.map((a) => `${a.AlarmName} ${a.StateValue}`).join(', ')}`);
}

export const ALARMS_CHECK: DoctorCheck = {
  id: 'alarms',
  title: 'Alarms of the deployment are not in ALARM',
  async run(deployment, clients) {
    return judgeAlarms(await deploymentAlarms(deployment, clients), deployment);
  },
};
