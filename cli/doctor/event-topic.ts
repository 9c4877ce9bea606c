// The snapshot event topic: its policy lets RDS's event service publish for this account, and
// the exporter is subscribed to it.
import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, type ListSubscriptionsByTopicCommandOutput, type Subscription } from '@aws-sdk/client-sns';
import { accountOf, type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import type { DoctorClients } from './clients';
import { snapshotTopicArn } from './event-subscriptions';
import { evaluatePolicy, policyStatements } from './policy-evaluator';
import { awsErrorName } from '../../handler/aws';

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
      if (awsErrorName(error) === 'NotFoundException' || awsErrorName(error) === 'NotFound') {
        return problem(`the topic ${topicArn} does not exist`, 'deploy the stack (npx cdktf deploy)');
      }
      throw error;
    }
    return judgeEventTopic(topicArn, policy, await topicSubscriptions(clients, topicArn), deployment);
  },
};

/** What RDS's event service does with the topic's key to publish (stacks/archive-key.ts: RdsEventsPublishToEncryptedTopic). */
export const PUBLISH_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** Judges the policy of the topic's key for RDS's event service (pure). */
export function judgeTopicKey(keyArn: string, keyPolicy: string, deployment: Deployment): Finding {
  const statements = policyStatements(keyPolicy);
  const verdicts = PUBLISH_KEY_ACTIONS.map((action) => ({
    action,
    verdict: evaluatePolicy(statements, {
      principal: { kind: 'service', service: RDS_EVENTS_SERVICE },
      action,
      resource: keyArn,
      context: { 'aws:SourceAccount': deployment.accountId },
    }),
  }));
  const refused = verdicts.filter((v) => v.verdict.decision === 'none' || v.verdict.decision === 'deny').map((v) => v.action);
  if (refused.length > 0) {
    return problem(
      `the policy of ${keyArn}, which encrypts the event topic, does not let ${RDS_EVENTS_SERVICE} ${refused.join(', ')}: RDS cannot publish snapshot events`,
      "deploy the stack (npx cdktf deploy) to restore the key policy's statement RdsEventsPublishToEncryptedTopic; for a key of your own, add it",
    );
  }
  const undecided = verdicts.filter((v) => v.verdict.decision === 'unknown');
  if (undecided.length > 0) {
    const sids = [...new Set(undecided.flatMap((v) => v.verdict.statements.map((s) => s.sid)))];
    return couldNotCheck(`the policy of ${keyArn} has conditions doctor cannot decide for ${RDS_EVENTS_SERVICE} (statement ${sids.join(', ')})`);
  }
  return ok(
    `the event topic is encrypted with ${keyArn}, whose policy lets ${RDS_EVENTS_SERVICE} ${PUBLISH_KEY_ACTIONS.join(', ')} for account ${deployment.accountId}`,
  );
}

export const EVENT_TOPIC_KEY_CHECK: DoctorCheck = {
  id: 'event-topic-key',
  title: "Snapshot event topic's key lets RDS publish",
  async run(deployment, clients) {
    const topicArn = snapshotTopicArn(deployment);
    let configured: string | undefined;
    try {
      configured = (await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.KmsMasterKeyId;
    } catch (error) {
      if (awsErrorName(error) === 'NotFoundException' || awsErrorName(error) === 'NotFound')
        return couldNotCheck(`the topic ${topicArn} does not exist (see the event topic check)`);
      throw error;
    }
    if (configured === undefined || configured === '') return ok(`${topicArn} is not encrypted, so RDS needs no key to publish`);
    // The attribute may name the key by id, ARN or alias; KMS says which key it is (kms:DescribeKey).
    const keyArn =
      configured.startsWith('arn:') && configured.includes(':key/')
        ? configured
        : ((await clients.kms.send(new DescribeKeyCommand({ KeyId: configured }))).KeyMetadata?.Arn ?? configured);
    const keyAccount = accountOf(keyArn);
    if (keyAccount !== undefined && keyAccount !== deployment.accountId) {
      return couldNotCheck(`the topic's key ${keyArn} belongs to account ${keyAccount}: KMS lets only that account read its policy`);
    }
    const policy = (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy ?? '{}';
    return judgeTopicKey(keyArn, policy, deployment);
  },
};
