// doctor's pure core: the policy evaluator, the judges of each check, the report and the exit code.
import { describe, expect, it } from 'vitest';
import { judgeBucket, sameKey } from '../../cli/doctor/bucket';
import { judgeTopicKey } from '../../cli/doctor/event-topic';
import { judgeTrust } from '../../cli/doctor/export-role';
import { judgeKeyPolicy, readKeyPolicy } from '../../cli/doctor/key-policy';
import { judgeAlarms, judgeReconciliation } from '../../cli/doctor/operations';
import { conditionsHold, evaluatePolicy, policyStatements } from '../../cli/doctor/policy-evaluator';
import { type CheckResult, exitCode, formatReport, reportDocument } from '../../cli/doctor/report';
import { unanswered } from '../../cli/doctor/run';
import { simulationUnavailable } from '../../cli/doctor/simulation';
import { archiveKeyPolicy } from '../../stacks/archive-key';
import { exportTrustPolicy } from '../../stacks/export-role';
import { policyDocument } from '../../stacks/policy';
import { exporterDeployment } from '../support/doctor-deployment';
import { TEST_SCOPE } from '../support/synth';

const ROLE = 'arn:aws:iam::123456789012:role/rds-archive-dev-us-east-1-export';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const DEPLOYMENT = exporterDeployment('123456789012', 'us-east-1', {
  archiveBucket: 'rds-archive-dev-123456789012-us-east-1',
  exportRoleArn: ROLE,
  exportKmsKeyArn: KEY,
  archivePrefix: 'exports',
  catalogEnabled: true,
});
const KEY_STATEMENTS = archiveKeyPolicy({ scope: TEST_SCOPE, baseName: 'rds-archive-dev', exportRoleArn: ROLE, exporterRoleArn: `${ROLE}er` });

describe('the policy evaluator', () => {
  const role = { kind: 'aws', arn: ROLE, accountId: '123456789012' } as const;

  it('reads a named principal, the account (delegation to IAM), and anyone, and lets a Deny win', () => {
    // Prepare
    const statements = policyStatements(
      JSON.stringify({
        Statement: [
          { Sid: 'Named', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Encrypt', Resource: '*' },
          { Sid: 'Account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
          { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' },
        ],
      }),
    );
    const ask = (action: string) => evaluatePolicy(statements, { principal: role, action, resource: KEY, context: {} });

    // Act
    const encrypt = ask('kms:Encrypt');
    const describe = ask('kms:DescribeKey');
    const decrypt = ask('kms:Decrypt');

    // Assess
    expect(encrypt.decision).toBe('allow');
    expect(encrypt.statements.map((s) => [s.sid, s.via])).toEqual([
      ['Named', 'named'],
      ['Account', 'account'],
    ]);
    expect(describe.statements.map((s) => s.via)).toEqual(['account']);
    expect(decrypt.decision).toBe('deny');
  });

  it('decides conditions on known keys, and calls a condition on an unknown key or operator unknown rather than guess', () => {
    const context = { 'aws:SecureTransport': 'true', 'aws:SourceAccount': '123456789012' };
    expect(conditionsHold({ Bool: { 'aws:SecureTransport': 'false' } }, context)).toBe(false);
    expect(conditionsHold({ StringEquals: { 'aws:SourceAccount': '123456789012' } }, context)).toBe(true);
    expect(conditionsHold({ StringNotEquals: { 'aws:SourceAccount': '123456789012' } }, context)).toBe(false);
    expect(conditionsHold({ StringLike: { 'aws:SourceAccount': '1234*' } }, context)).toBe(true);
    expect(conditionsHold({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, context)).toBe('unknown');
    expect(conditionsHold({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, context)).toBe('unknown');
    expect(conditionsHold({ 'ForAnyValue:StringEquals': { 'aws:SourceAccount': '123456789012' } }, context)).toBe('unknown');
  });

  it('reads the URL-encoded trust policies IAM returns', () => {
    const encoded = encodeURIComponent(policyDocument(exportTrustPolicy(TEST_SCOPE)));
    expect(policyStatements(encoded).map((s) => s.Sid)).toEqual(['RdsExportServiceOnly']);
  });
});

describe('the judges', () => {
  it("the stack's trust policy: OK for the export service on behalf of this account; a policy for another service is a problem", () => {
    expect(judgeTrust(policyDocument(exportTrustPolicy(TEST_SCOPE)), DEPLOYMENT).status).toBe('ok');
    const other = policyDocument([{ Sid: 'Lambda', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(judgeTrust(other, DEPLOYMENT)).toMatchObject({ status: 'problem', fix: expect.stringContaining('RdsExportServiceOnly') });
  });

  it("the event topic's key: the stack's policy lets RDS's event service publish; without that statement, a problem", () => {
    expect(judgeTopicKey(KEY, policyDocument(KEY_STATEMENTS), DEPLOYMENT).status).toBe('ok');
    const without = judgeTopicKey(KEY, policyDocument(KEY_STATEMENTS.filter((s) => s.Sid !== 'RdsEventsPublishToEncryptedTopic')), DEPLOYMENT);
    expect(without).toMatchObject({
      status: 'problem',
      detail: `the policy of ${KEY}, which encrypts the event topic, does not let events.rds.amazonaws.com kms:GenerateDataKey, kms:Decrypt: RDS cannot publish snapshot events`,
    });
  });

  it("the stack's key policy names the role: OK without a simulation", () => {
    expect(judgeKeyPolicy(readKeyPolicy(policyDocument(KEY_STATEMENTS), DEPLOYMENT), DEPLOYMENT).status).toBe('ok');
  });

  it('a key policy that leaves the role to IAM: decided by the simulation, or could not check with its reason', () => {
    // Prepare
    const reading = readKeyPolicy(policyDocument(KEY_STATEMENTS.filter((s) => s.Sid !== 'ExportRoleEncryptsExports')), DEPLOYMENT);

    // Act
    const allowed = judgeKeyPolicy(reading, DEPLOYMENT, { refused: [] });
    const refused = judgeKeyPolicy(reading, DEPLOYMENT, { refused: [{ action: 'kms:Encrypt', resource: KEY, decision: 'implicitDeny' }] });
    const refusedApi = judgeKeyPolicy(reading, DEPLOYMENT, { unavailable: 'you may not call iam:SimulatePrincipalPolicy' });

    // Assess
    expect(allowed.status).toBe('ok');
    expect(refused).toMatchObject({ status: 'problem', detail: expect.stringContaining(`kms:Encrypt on ${KEY} (implicitDeny)`) });
    expect(refusedApi).toMatchObject({ status: 'could-not-check', detail: expect.stringContaining('you may not call iam:SimulatePrincipalPolicy') });
  });

  it('a key policy that denies the role: a problem naming the statement', () => {
    const deny = { Sid: 'NoExports', Effect: 'Deny' as const, Principal: { AWS: ROLE }, Action: 'kms:GenerateDataKey', Resource: '*' };
    const finding = judgeKeyPolicy(readKeyPolicy(policyDocument([...KEY_STATEMENTS, deny]), DEPLOYMENT), DEPLOYMENT);
    expect(finding).toMatchObject({ status: 'problem', detail: expect.stringContaining('denies the export role kms:GenerateDataKey (statement NoExports)') });
  });

  it('the bucket: versioning suspended and another key are both named, each with its fix', () => {
    // Act
    const finding = judgeBucket('Suspended', [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'other-key-id' } }], DEPLOYMENT);

    // Assess
    expect(finding.status).toBe('problem');
    expect(finding.detail).toBe(
      `s3://${DEPLOYMENT.settings.archiveBucket}: versioning is Suspended: an overwritten or deleted export cannot be recovered; its default encryption uses other-key-id, not the deployment's key ${KEY}`,
    );
    expect(finding.fix).toMatch(/^turn it on: aws s3api put-bucket-versioning .*; deploy the stack/);
    expect(sameKey('1234abcd-12ab-34cd-56ef-1234567890ab', KEY)).toBe(true);
  });

  it('the reconciliation: recent within two periods, else a problem with the last time seen', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    expect(judgeReconciliation(new Date('2026-12-04T11:31:00Z'), 900, now, DEPLOYMENT).status).toBe('ok');
    const stale = judgeReconciliation(new Date('2026-12-04T11:29:00Z'), 900, now, DEPLOYMENT);
    expect(stale).toMatchObject({ status: 'problem', detail: expect.stringContaining('the last at 2026-12-04T11:29:00.000Z') });
    expect(judgeReconciliation(undefined, 900, now, DEPLOYMENT).detail).toContain('none in the last day');
  });

  it('the alarms: one in ALARM is named with its reason; none at all is a problem too', () => {
    const firing = judgeAlarms(
      [
        { AlarmName: 'rds-archive-dev-dead-letters', StateValue: 'ALARM', AlarmDescription: 'events wait in the DLQ', StateReason: 'Threshold Crossed' },
        { AlarmName: 'rds-archive-dev-archive-lag', StateValue: 'OK' },
      ],
      DEPLOYMENT.settings.archiveName,
    );
    expect(firing).toMatchObject({ status: 'problem', detail: 'in ALARM: rds-archive-dev-dead-letters (events wait in the DLQ; Threshold Crossed)' });
    expect(judgeAlarms([], DEPLOYMENT.settings.archiveName).status).toBe('problem');
  });
});

describe('errors while checking', () => {
  it('a refused or unimplemented simulation is a reason, not a verdict; other errors are not swallowed as one', () => {
    expect(simulationUnavailable({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })).toMatch(/you may not call iam:SimulatePrincipalPolicy/);
    expect(simulationUnavailable({ name: 'Error', $metadata: { httpStatusCode: 500 } })).toMatch(/HTTP 500\): an emulator such as moto/);
    expect(simulationUnavailable({ name: 'NoSuchEntity', $metadata: { httpStatusCode: 404 } })).toBeUndefined();
  });

  it('an access denied while reading becomes could not check, naming the call and the operator policy', () => {
    const finding = unanswered({
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: kms:GetKeyPolicy on resource: arn:aws:kms:us-east-1:123456789012:key/x',
      $metadata: { httpStatusCode: 403 },
    });
    expect(finding.status).toBe('could-not-check');
    expect(finding.detail).toMatch(/^access denied: arn:aws:iam::123456789012:user\/ops may not perform kms:GetKeyPolicy on .*operator-policy-arn/);
  });
});

describe('the report', () => {
  const results: CheckResult[] = [
    { id: 'a', title: 'First', status: 'ok', detail: 'fine' },
    { id: 'b', title: 'Second', status: 'could-not-check', detail: 'moto' },
  ];

  it('exits 0 when nothing is a problem, could-not-check included, and 1 with a problem', () => {
    expect(exitCode(results)).toBe(0);
    expect(exitCode([...results, { id: 'c', title: 'Third', status: 'problem', detail: 'broken', fix: 'mend it' }])).toBe(1);
    expect(reportDocument(results)).toEqual({ ok: true, exitCode: 0, checks: results });
  });

  it('prints each check with its status, what it found and what to do, then a summary', () => {
    const text = formatReport([...results, { id: 'c', title: 'Third', status: 'problem', detail: 'broken', fix: 'mend it' }]);
    expect(text.split('\n')).toEqual([
      'OK               First',
      '                 fine',
      'COULD NOT CHECK  Second',
      '                 moto',
      'PROBLEM          Third',
      '                 broken',
      '                 what to do: mend it',
      '3 checks: 1 OK, 1 problem, 1 could not check',
    ]);
  });
});
