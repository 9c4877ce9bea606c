// The archive's KMS key alone: rotation, alias and a key policy that lets exactly the account,
// the export role, the exporter (grants for AWS resources) and the services that publish to the
// encrypted topics use it.
import { describe, expect, it } from 'vitest';
import { ArchiveKey, type ArchiveKeyProps } from '../../stacks/archive-key';
import { addressOf, onlyResource, resources, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const PROPS: ArchiveKeyProps = {
  scope: TEST_SCOPE,
  baseName: 'rds-archive-dev',
  exportRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-dev-us-east-1-export',
  exporterRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-dev-us-east-1-exporter',
};
const created = synthConstruct((scope) => new ArchiveKey(scope, 'key', PROPS));
const key = onlyResource(created, 'aws_kms_key');
const policy = statementsOf(key.policy);

describe('ArchiveKey', () => {
  it('rotates and has an alias', () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(onlyResource(created, 'aws_kms_alias')).toMatchObject({
      name: 'alias/rds-archive-dev',
      target_key_id: `\${${addressOf(created, 'aws_kms_key')}.key_id}`,
    });
  });

  it('keeps the account in control', () => {
    expect(statement(policy, 'AccountControlsTheKey')).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' } });
  });

  it('lets the exporter create grants for AWS resources only', () => {
    expect(statement(policy, 'ExporterGrantsToRdsOnly')).toMatchObject({
      Principal: { AWS: PROPS.exporterRoleArn },
      Action: ['kms:CreateGrant', 'kms:DescribeKey'],
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
  });

  it("lets RDS's event service publish to the encrypted topic, for this account only", () => {
    expect(statement(policy, 'RdsEventsPublishToEncryptedTopic')).toMatchObject({
      Principal: { Service: 'events.rds.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('lets the export role encrypt exports', () => {
    const s = statement(policy, 'ExportRoleEncryptsExports');
    expect(s.Principal).toEqual({ AWS: PROPS.exportRoleArn });
    expect(s.Action).toEqual(expect.arrayContaining(['kms:GenerateDataKey', 'kms:Encrypt']));
  });

  it('lets CloudWatch alarms publish to the encrypted notifications topic, for this account only', () => {
    expect(statement(policy, 'CloudWatchAlarmsPublishToEncryptedTopic')).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });

  it('grants no one else', () => {
    expect(policy.map((s) => s.Sid).sort()).toEqual(
      [
        'AccountControlsTheKey',
        'CloudWatchAlarmsPublishToEncryptedTopic',
        'ExportRoleEncryptsExports',
        'ExporterGrantsToRdsOnly',
        'RdsEventsPublishToEncryptedTopic',
      ].sort(),
    );
  });

  it('creates no key and no alias when an existing key is given, and hands that key on', () => {
    // Prepare
    const existing = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    let keyArn: string | undefined;

    // Act
    const synthesized = synthConstruct((scope) => {
      keyArn = new ArchiveKey(scope, 'key', { ...PROPS, existingKeyArn: existing }).keyArn;
    });

    // Assess
    expect(resources(synthesized, 'aws_kms_key')).toHaveLength(0);
    expect(resources(synthesized, 'aws_kms_alias')).toHaveLength(0);
    expect(keyArn).toBe(existing);
  });
});
