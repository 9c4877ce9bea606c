// The snapshot event plumbing alone: the encrypted topic RDS publishes to, who may publish, and
// the RDS event subscriptions for instance and Aurora cluster snapshots.
import { describe, expect, it } from 'vitest';
import { SnapshotEvents } from '../../stacks/snapshot-events';
import { addressOf, onlyResource, resources, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const synthesized = synthConstruct((scope) => new SnapshotEvents(scope, 'events', { scope: TEST_SCOPE, baseName: 'rds-archive-dev', kmsKeyArn: KEY_ARN }));
const topicArn = `\${${addressOf(synthesized, 'aws_sns_topic')}.arn}`;

describe('SnapshotEvents', () => {
  it('go to a topic encrypted with the archive key', () => {
    expect(onlyResource(synthesized, 'aws_sns_topic')).toMatchObject({ name: 'rds-archive-dev-snapshot-events', kms_master_key_id: KEY_ARN });
  });

  it("are published by RDS's event service for this account only", () => {
    const topicPolicy = onlyResource(synthesized, 'aws_sns_topic_policy');
    expect(topicPolicy.arn).toBe(topicArn);
    expect(statement(statementsOf(topicPolicy.policy), 'RdsEventsPublishForThisAccount')).toEqual({
      Sid: 'RdsEventsPublishForThisAccount',
      Effect: 'Allow',
      Principal: { Service: 'events.rds.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('come from instance snapshots (creation) and Aurora cluster snapshots (backup), with export outcomes (notification)', () => {
    const subscriptions = resources(synthesized, 'aws_db_event_subscription').map((s) => ({
      source_type: s.source_type,
      event_categories: s.event_categories,
      sns_topic: s.sns_topic,
    }));
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { source_type: 'db-snapshot', event_categories: ['creation', 'notification'], sns_topic: topicArn },
        { source_type: 'db-cluster-snapshot', event_categories: ['backup', 'notification'], sns_topic: topicArn },
      ]),
    );
    expect(subscriptions).toHaveLength(2);
  });
});
