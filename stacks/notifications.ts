import { Construct } from 'constructs';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { policyDocument, servicePublishes, type AwsScope, type PolicyStatement } from './policy';

/** Settings of the notifications topic. */
export interface NotificationsProps {
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources. */
  readonly baseName: string;
  /** The KMS key that encrypts the topic. */
  readonly kmsKeyArn: string;
  /** Addresses to subscribe; each must confirm the subscription e-mail AWS sends. */
  readonly emails: readonly string[];
}

/**
 * The encrypted SNS topic that tells operators what needs them: alarms, failed or abandoned
 * exports, databases that cannot be exported.
 */
export class Notifications extends Construct {
  /** The topic's ARN. */
  readonly topicArn: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const topic = new SnsTopic(this, 'topic', {
      name: `${props.baseName}-notifications`,
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.topicArn = topic.arn;
    new SnsTopicPolicy(this, 'topic-policy', {
      arn: topic.arn,
      policy: policyDocument(notificationsTopicPolicy(topic.arn, props.scope)),
    });
    props.emails.forEach((email, index) => {
      new SnsTopicSubscription(this, `email-${index}`, { topicArn: topic.arn, protocol: 'email', endpoint: email });
    });
  }
}

/** Topic policy: the account manages it; CloudWatch alarms of this account publish to it. */
export function notificationsTopicPolicy(topicArn: string, scope: AwsScope): PolicyStatement[] {
  return [
    {
      Sid: 'AccountManagesTopic',
      Effect: 'Allow',
      Principal: { AWS: `arn:${scope.partition}:iam::${scope.accountId}:root` },
      Action: ['sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:ListSubscriptionsByTopic', 'sns:Publish'],
      Resource: topicArn,
    },
    servicePublishes('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com', topicArn, scope.accountId),
  ];
}
