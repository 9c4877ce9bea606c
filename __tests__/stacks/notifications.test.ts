// The notifications topic alone: encrypted, CloudWatch alarms of this account may publish to it,
// and the configured addresses are subscribed.
import { describe, expect, it } from 'vitest';
import { Notifications, type NotificationsProps } from '../../stacks/notifications';
import { addressOf, onlyResource, resources, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const PROPS: NotificationsProps = {
  scope: TEST_SCOPE,
  baseName: 'rds-archive-dev',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  emails: [],
};
const notificationsWith = (emails: readonly string[]) => synthConstruct((scope) => new Notifications(scope, 'notifications', { ...PROPS, emails }));

describe('Notifications', () => {
  it('notifies through an encrypted topic CloudWatch may publish to, with the configured e-mail subscriptions', () => {
    // Act
    const none = notificationsWith([]);
    const two = notificationsWith(['dba@example.com', 'oncall@example.com']);

    // Assess
    expect(onlyResource(none, 'aws_sns_topic')).toMatchObject({ name: 'rds-archive-dev-notifications', kms_master_key_id: PROPS.kmsKeyArn });
    const topicPolicy = onlyResource(none, 'aws_sns_topic_policy');
    expect(topicPolicy.arn).toBe(`\${${addressOf(none, 'aws_sns_topic')}.arn}`);
    expect(statement(statementsOf(topicPolicy.policy), 'CloudWatchAlarmsPublish')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
    expect(resources(none, 'aws_sns_topic_subscription')).toEqual([]);
    const emails = resources(two, 'aws_sns_topic_subscription')
      .filter((s) => s.protocol === 'email')
      .map((s) => s.endpoint);
    expect(emails).toEqual(['dba@example.com', 'oncall@example.com']);
  });
});
