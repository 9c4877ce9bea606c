// The RDS event subscriptions: both exist, are enabled, publish to the deployment's topic and
// cover the source types and categories the stack subscribes to (stacks/snapshot-events.ts).
import { DescribeEventSubscriptionsCommand, type DescribeEventSubscriptionsCommandOutput, type EventSubscription } from '@aws-sdk/client-rds';
import { eventSubscriptionName, SNAPSHOT_EVENT_SUBSCRIPTIONS, snapshotTopicName } from '../../stacks/snapshot-events';
import { type Deployment, type DoctorCheck, type Finding, ok, problem } from './check';
import type { DoctorClients } from './clients';

/** The ARN of the deployment's snapshot event topic. */
export function snapshotTopicArn(deployment: Deployment): string {
  return `arn:${deployment.partition}:sns:${deployment.region}:${deployment.accountId}:${snapshotTopicName(deployment.settings.archiveName)}`;
}

/** Judges the subscriptions found against the ones the stack makes (pure). */
export function judgeEventSubscriptions(found: readonly EventSubscription[], baseName: string, topicArn: string): Finding {
  const problems: string[] = [];
  const fixes = new Set<string>();
  const fine: string[] = [];
  for (const expected of SNAPSHOT_EVENT_SUBSCRIPTIONS) {
    const name = eventSubscriptionName(baseName, expected.idSuffix);
    const subscription = found.find((s) => s.CustSubscriptionId === name);
    if (subscription === undefined) {
      problems.push(`${name} (${expected.sourceType}) does not exist`);
      fixes.add('deploy the stack (npx cdktf deploy) to create it');
      continue;
    }
    const before = problems.length;
    if (subscription.Enabled !== true) {
      problems.push(`${name} is disabled: RDS sends no ${expected.sourceType} events, so snapshots are exported only by the reconciliation`);
      fixes.add(`enable it: aws rds modify-event-subscription --subscription-name ${name} --enabled (or npx cdktf deploy)`);
    }
    if (subscription.SnsTopicArn !== topicArn) {
      problems.push(`${name} publishes to ${subscription.SnsTopicArn ?? 'no topic'}, not the deployment's topic ${topicArn}`);
      fixes.add('deploy the stack (npx cdktf deploy) to point it at the deployment topic');
    }
    if (subscription.SourceType !== expected.sourceType) {
      problems.push(`${name} is for ${subscription.SourceType ?? 'no source type'}, not ${expected.sourceType}`);
      fixes.add('deploy the stack (npx cdktf deploy) to restore its source type');
    }
    const categories = subscription.EventCategoriesList ?? [];
    const missing = expected.categories.filter((c) => !categories.includes(c));
    if (missing.length > 0) {
      problems.push(`${name} lacks the event categories ${missing.join(', ')}`);
      fixes.add('deploy the stack (npx cdktf deploy) to restore its event categories');
    }
    if ((subscription.SourceIdsList ?? []).length > 0) {
      problems.push(`${name} covers only ${subscription.SourceIdsList!.join(', ')}, not every ${expected.sourceType}`);
      fixes.add('deploy the stack (npx cdktf deploy): the deployment subscribes to every source');
    }
    if (subscription.Status !== undefined && subscription.Status !== 'active') {
      problems.push(`${name} has status ${subscription.Status}${subscription.Status === 'no-permission' ? ': RDS may not publish to the topic' : ''}`);
      fixes.add("check the topic's policy and key (see the event topic check)");
    }
    if (problems.length === before) fine.push(`${name} (${expected.sourceType}: ${expected.categories.join(', ')})`);
  }
  if (problems.length > 0) return problem(problems.join('; '), [...fixes].join('; '));
  return ok(`${fine.join(' and ')} exist, are enabled and publish to ${topicArn}`);
}

/** Every event subscription of the account and region, following the pages. */
async function allSubscriptions(clients: DoctorClients): Promise<EventSubscription[]> {
  const subscriptions: EventSubscription[] = [];
  let marker: string | undefined;
  do {
    const page: DescribeEventSubscriptionsCommandOutput = await clients.rds.send(new DescribeEventSubscriptionsCommand({ Marker: marker }));
    subscriptions.push(...(page.EventSubscriptionsList ?? []));
    marker = page.Marker;
  } while (marker);
  return subscriptions;
}

export const EVENT_SUBSCRIPTIONS_CHECK: DoctorCheck = {
  id: 'event-subscriptions',
  title: 'RDS event subscriptions (instance and cluster snapshots)',
  async run(deployment, clients) {
    return judgeEventSubscriptions(await allSubscriptions(clients), deployment.settings.archiveName, snapshotTopicArn(deployment));
  },
};
