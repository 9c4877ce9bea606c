// The snapshot event topic: its policy lets RDS's event service publish for this account, and
// the exporter is subscribed to it.
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, type ListSubscriptionsByTopicCommandOutput, type Subscription } from '@aws-sdk/client-sns';
import { type Deployment, type DoctorCheck, errorName, type Finding, ok, problem, couldNotCheck } from './check';
import type { DoctorClients } from './clients';
import { snapshotTopicArn } from './event-subscriptions';
import { evaluatePolicy, policyStatements } from './policy-evaluator';

/** The service that publishes RDS events. */
export const RDS_EVENTS_SERVICE = 'events.rds.amazonaws.com';

/** Judges the topic's policy and subscriptions (pure). */
export function judgeEventTopic(topicArn: string, policy: string | undefined, subscriptions: readonly Subscription[], deployment: Deployment): Finding {
  const problems: string[] = [];
  const fixes: string[] = [];
  const verdict =
    policy === undefined
      ? undefined
      : evaluatePolicy(policyStatements(policy), {
          principal: { kind: 'service', service: RDS_EVENTS_SERVICE },
          action: 'sns:Publish',
          resource: topicArn,
          context: { 'aws:SourceAccount': deployment.accountId },
        });
  if (verdict === undefined || verdict.decision === 'none') {
    problems.push(`the topic's policy does not let ${RDS_EVENTS_SERVICE} publish (sns:Publish) for account ${deployment.accountId}`);
    fixes.push('deploy the stack (npx cdktf deploy) to restore the topic policy (statement RdsEventsPublishForThisAccount)');
  } else if (verdict.decision === 'deny') {
    const sids = verdict.statements.filter((s) => s.effect === 'Deny').map((s) => s.sid);
    problems.push(`the topic's policy denies ${RDS_EVENTS_SERVICE} sns:Publish (statement ${sids.join(', ')})`);
    fixes.push(`remove the denying statement from the topic policy, or deploy the stack (npx cdktf deploy)`);
  } else if (verdict.decision === 'unknown') {
    const sids = verdict.statements.map((s) => s.sid).join(', ');
    return couldNotCheck(
      `the topic's policy has conditions doctor cannot decide for ${RDS_EVENTS_SERVICE} (statement ${sids}); read it with aws sns get-topic-attributes --topic-arn ${topicArn}`,
    );
  }
  const exporter = subscriptions.find(
    (s) => s.Protocol === 'lambda' && (s.Endpoint === deployment.functionArn || s.Endpoint?.startsWith(`${deployment.functionArn}:`) === true),
  );
  if (exporter === undefined) {
    problems.push(`the exporter ${deployment.functionName} is not subscribed to the topic, so snapshot events reach no one`);
    fixes.push('deploy the stack (npx cdktf deploy) to subscribe it');
  } else if (exporter.SubscriptionArn === 'PendingConfirmation') {
    problems.push(`the exporter's subscription is pending confirmation`);
    fixes.push('deploy the stack (npx cdktf deploy) again');
  }
  if (problems.length > 0) return problem(problems.join('; '), fixes.join('; '));
  return ok(`${topicArn}: its policy lets ${RDS_EVENTS_SERVICE} publish for account ${deployment.accountId}, and ${deployment.functionName} is subscribed`);
}

async function topicSubscriptions(clients: DoctorClients, topicArn: string): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  let token: string | undefined;
  do {
    const page: ListSubscriptionsByTopicCommandOutput = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }));
    subscriptions.push(...(page.Subscriptions ?? []));
    token = page.NextToken;
  } while (token);
  return subscriptions;
}

export const EVENT_TOPIC_CHECK: DoctorCheck = {
  id: 'event-topic',
  title: 'Snapshot event topic: RDS may publish, the exporter is subscribed',
  async run(deployment, clients) {
    const topicArn = snapshotTopicArn(deployment);
    let policy: string | undefined;
    try {
      const attributes = await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      policy = attributes.Attributes?.Policy;
    } catch (error) {
      if (errorName(error) === 'NotFoundException' || errorName(error) === 'NotFound') {
        return problem(`the topic ${topicArn} does not exist`, 'deploy the stack (npx cdktf deploy)');
      }
      throw error;
    }
    return judgeEventTopic(topicArn, policy, await topicSubscriptions(clients, topicArn), deployment);
  },
};
