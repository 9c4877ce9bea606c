import { Construct } from 'constructs';
import { DbEventSubscription } from '@cdktf/provider-aws/lib/db-event-subscription';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { policyDocument, servicePublishes, type AwsScope, type PolicyStatement } from './policy';

/** Settings of the snapshot event plumbing. */
export interface SnapshotEventsProps {
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources. */
  readonly baseName: string;
  /** The KMS key that encrypts the topic. */
  readonly kmsKeyArn: string;
}

/**
 * RDS event categories subscribed to, per source type. Instance snapshot events (0040/0042,
 * 0090/0091) are in "creation"; Aurora cluster snapshot events (0074/0075, 0168/0169) in
 * "backup"; export outcomes (0159-0161 instance, 0162-0164 cluster) in "notification".
 */
export const SNAPSHOT_EVENT_SUBSCRIPTIONS = [
  { sourceType: 'db-snapshot', categories: ['creation', 'notification'], idSuffix: 'instance-snapshots' },
  { sourceType: 'db-cluster-snapshot', categories: ['backup', 'notification'], idSuffix: 'cluster-snapshots' },
] as const;

/** The name of the topic RDS publishes snapshot events to; the CLI's doctor finds it by this name. */
export function snapshotTopicName(baseName: string): string {
  return `${baseName}-snapshot-events`;
}

/** The name of one RDS event subscription of {@link SNAPSHOT_EVENT_SUBSCRIPTIONS}. */
export function eventSubscriptionName(baseName: string, idSuffix: string): string {
  return `${baseName}-${idSuffix}`;
}

/**
 * The encrypted SNS topic RDS publishes snapshot events to, its policy, and the RDS event
 * subscriptions for instance and Aurora cluster snapshots.
 */
export class SnapshotEvents extends Construct {
  /** The topic's ARN; the exporter subscribes to it. */
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: SnapshotEventsProps) {
    super(scope, id);
    const topic = new SnsTopic(this, 'topic', {
      name: snapshotTopicName(props.baseName),
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.topicArn = topic.arn;
    const topicPolicy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: topic.arn,
      policy: policyDocument(snapshotTopicPolicy(topic.arn, props.scope)),
    });
    for (const subscription of SNAPSHOT_EVENT_SUBSCRIPTIONS) {
      new DbEventSubscription(this, subscription.idSuffix, {
        name: eventSubscriptionName(props.baseName, subscription.idSuffix),
        snsTopic: topic.arn,
        sourceType: subscription.sourceType,
        eventCategories: [...subscription.categories],
        enabled: true,
        // RDS checks that it may publish when the subscription is created.
        dependsOn: [topicPolicy],
      });
    }
  }
}

/** Topic policy: the account manages the topic; RDS's event service publishes for this account only. */
export function snapshotTopicPolicy(topicArn: string, scope: AwsScope): PolicyStatement[] {
  return [
    {
      Sid: 'AccountManagesTopic',
      Effect: 'Allow',
      Principal: { AWS: `arn:${scope.partition}:iam::${scope.accountId}:root` },
      Action: [
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:AddPermission',
        'sns:RemovePermission',
        'sns:DeleteTopic',
        'sns:Subscribe',
        'sns:ListSubscriptionsByTopic',
        'sns:Publish',
      ],
      Resource: topicArn,
    },
    servicePublishes('RdsEventsPublishForThisAccount', 'events.rds.amazonaws.com', topicArn, scope.accountId),
  ];
}
