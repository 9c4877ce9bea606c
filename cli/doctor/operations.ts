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
 * A deployment's alarms: named <archive name>-* and, when its notifications topic is known,
 * notifying it (another deployment's name may start with this one's, e.g. "archive-prod-2").
 */
export async function alarmsOf(archiveName: string, notifyTopicArn: string | undefined, clients: DoctorClients): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  let token: string | undefined;
  do {
    const page: DescribeAlarmsCommandOutput = await clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: `${archiveName}-`, AlarmTypes: ['MetricAlarm'], NextToken: token }),
    );
    alarms.push(...(page.MetricAlarms ?? []));
    token = page.NextToken;
  } while (token);
  return notifyTopicArn === undefined ? alarms : alarms.filter((a) => (a.AlarmActions ?? []).includes(notifyTopicArn));
}

/** The alarm on a scheduled run's heartbeat metric, whose period is the run's. */
export function heartbeatAlarm(alarms: readonly MetricAlarm[], metricName: string, archiveName: string): MetricAlarm | undefined {
  return alarms.find(
    (a) =>
      a.Namespace === METRICS_NAMESPACE &&
      a.MetricName === metricName &&
      (a.Dimensions ?? []).some((d) => d.Name === ARCHIVE_DIMENSION && d.Value === archiveName),
  );
}

/** A scheduled run whose heartbeat doctor judges: what it is called, its metric, and what to do when it is silent. */
export interface ScheduledRun {
  /** "reconciliation", "hourly vault verification". */
  readonly name: string;
  readonly metricName: string;
  readonly archiveName: string;
  /** What a silent run leaves undone. */
  readonly consequence: string;
  readonly fix: string;
}

/** Judges a run's last heartbeat against two of its periods (pure). */
export function judgeHeartbeat(last: Date | undefined, periodSeconds: number, now: Date, run: ScheduledRun): Finding {
  const minutes = periodSeconds / 60;
  if (last !== undefined && now.getTime() - last.getTime() <= 2 * periodSeconds * 1000) {
    return ok(`the last successful ${run.name} reported at ${last.toISOString()}, within two periods (${2 * minutes} minutes) of every ${minutes} minutes`);
  }
  const seen = last === undefined ? 'none in the last day' : `the last at ${last.toISOString()}`;
  return problem(
    `no ${run.name} has succeeded in the last two periods (${2 * minutes} minutes; ${run.metricName} for ${ARCHIVE_DIMENSION}=${run.archiveName}: ${seen}): ${run.consequence}`,
    run.fix,
  );
}

/** The reconciliation as doctor judges it in a single or source account. */
function reconciliationRun(deployment: Deployment): ScheduledRun {
  const { archiveName } = deployment.settings;
  return {
    name: 'reconciliation',
    metricName: RECONCILIATION_SUCCEEDED,
    archiveName,
    consequence: 'snapshots that events missed are not caught up',
    fix: `read the exporter's logs (aws logs tail /aws/lambda/${deployment.functionName} --since 2h) and check that the schedule ${archiveName}-reconcile is enabled (aws events describe-rule --name ${archiveName}-reconcile)`,
  };
}

/** Judges the last heartbeat against two reconciliation periods (pure). */
export function judgeReconciliation(last: Date | undefined, periodSeconds: number, now: Date, deployment: Deployment): Finding {
  return judgeHeartbeat(last, periodSeconds, now, reconciliationRun(deployment));
}

/** The latest time a run's heartbeat reported success, looking back a day (or two periods, if longer). */
export async function lastHeartbeat(run: ScheduledRun, clients: DoctorClients, periodSeconds: number, now: Date): Promise<Date | undefined> {
  const lookback = Math.max(86_400, 2 * periodSeconds);
  // GetMetricStatistics returns at most 1,440 datapoints; minute resolution for a day.
  const granularity = Math.max(60, Math.ceil(lookback / 1440 / 60) * 60);
  const out = await clients.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: METRICS_NAMESPACE,
      MetricName: run.metricName,
      Dimensions: [{ Name: ARCHIVE_DIMENSION, Value: run.archiveName }],
      StartTime: new Date(now.getTime() - lookback * 1000),
      EndTime: now,
      Period: granularity,
      Statistics: ['Sum'],
    }),
  );
  const times = (out.Datapoints ?? []).filter((d) => (d.Sum ?? 0) >= 1 && d.Timestamp !== undefined).map((d) => d.Timestamp!.getTime());
  return times.length === 0 ? undefined : new Date(Math.max(...times));
}

/** Judges a run's heartbeat, its period taken from the alarm on it; could not check without that alarm. */
export async function checkHeartbeat(
  run: ScheduledRun,
  alarms: readonly MetricAlarm[],
  alarmName: string,
  clients: DoctorClients,
  now: Date,
): Promise<Finding> {
  const alarm = heartbeatAlarm(alarms, run.metricName, run.archiveName);
  if (alarm?.Period === undefined) {
    return couldNotCheck(
      `no alarm on ${METRICS_NAMESPACE}/${run.metricName} is named ${run.archiveName}-*, so the ${run.name}'s period is not known`,
      `deploy the stack (npx cdktf deploy) to restore the alarm ${alarmName}`,
    );
  }
  return judgeHeartbeat(await lastHeartbeat(run, clients, alarm.Period, now), alarm.Period, now, run);
}

export const RECONCILIATION_CHECK: DoctorCheck = {
  id: 'reconciliation',
  title: 'Last successful reconciliation is recent',
  async run(deployment, clients, now) {
    const alarms = await alarmsOf(deployment.settings.archiveName, deployment.settings.notifyTopicArn, clients);
    return checkHeartbeat(reconciliationRun(deployment), alarms, 'reconciliation-silent', clients, now);
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

/** Judges a deployment's alarms (pure). */
export function judgeAlarms(alarms: readonly MetricAlarm[], archiveName: string): Finding {
  const prefix = `${archiveName}-`;
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

/** Reads and judges the alarms of a deployment (single, source or vault) by its name and topic. */
export async function checkAlarms(settings: { readonly archiveName: string; readonly notifyTopicArn?: string }, clients: DoctorClients): Promise<Finding> {
  return judgeAlarms(await alarmsOf(settings.archiveName, settings.notifyTopicArn, clients), settings.archiveName);
}

export const ALARMS_CHECK: DoctorCheck = {
  id: 'alarms',
  title: 'Alarms of the deployment are not in ALARM',
  run: (deployment, clients) => checkAlarms(deployment.settings, clients),
};
