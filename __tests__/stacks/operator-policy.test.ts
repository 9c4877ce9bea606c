// The operator policy alone: what operating the archive takes, unchanged, plus reading the
// exporter's configuration and listing functions, and nothing of the exporter's own.
import { describe, expect, it } from 'vitest';
import { archiveAccessStatements } from '../../stacks/archive-access';
import { type DoctorReadTargets, doctorStatements, OperatorPolicy } from '../../stacks/operator-policy';
import { onlyResource, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:rds-archive-dev-exporter';
const ARCHIVE_ACCESS = archiveAccessStatements({
  scope: TEST_SCOPE,
  exportRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-dev-us-east-1-export',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  bucketArn: 'arn:aws:s3:::rds-archive-dev-123456789012-us-east-1',
  archivePrefix: 'exports',
  notificationsTopicArn: 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-notifications',
  catalogArchiveName: 'rds-archive-dev',
});
const DOCTOR_READS: DoctorReadTargets = {
  scope: TEST_SCOPE,
  baseName: 'rds-archive-dev',
  eventTopicArn: 'arn:aws:sns:us-east-1:123456789012:rds-archive-dev-snapshot-events',
  exportRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-dev-us-east-1-export',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  bucketArn: 'arn:aws:s3:::rds-archive-dev-123456789012-us-east-1',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:rds-archive-dev-dead-letters',
};
const policy = onlyResource(
  synthConstruct(
    (scope) =>
      new OperatorPolicy(scope, 'operator', {
        baseName: 'rds-archive-dev',
        policyName: 'rds-archive-dev-us-east-1-operator',
        archiveAccess: ARCHIVE_ACCESS,
        exporterFunctionArn: FUNCTION_ARN,
        doctorReads: DOCTOR_READS,
      }),
  ),
  'aws_iam_policy',
);
const operator = statementsOf(policy.policy);

describe('OperatorPolicy', () => {
  it('is named after the deployment and says what it is for', () => {
    expect(policy.name).toBe('rds-archive-dev-us-east-1-operator');
    expect(String(policy.description)).toMatch(/npm run archive/);
  });

  it('holds every statement of what operating the archive takes, unchanged', () => {
    expect(ARCHIVE_ACCESS.length).toBeGreaterThan(10);
    for (const s of ARCHIVE_ACCESS) expect(operator, s.Sid).toContainEqual(s);
  });

  it("adds reading the exporter's configuration, listing functions and doctor's reads, and nothing else", () => {
    const extra = operator.filter((s) => !ARCHIVE_ACCESS.some((e) => e.Sid === s.Sid));
    expect(extra).toEqual([
      { Sid: 'ReadExporterConfiguration', Effect: 'Allow', Action: 'lambda:GetFunctionConfiguration', Resource: FUNCTION_ARN },
      { Sid: 'ListExporterFunctions', Effect: 'Allow', Action: 'lambda:ListFunctions', Resource: '*' },
      ...doctorStatements(DOCTOR_READS),
    ]);
  });

  it("lets doctor make only read calls, each on the deployment's own resource but the metric statistics", () => {
    const reads = doctorStatements(DOCTOR_READS);
    const actions = reads.flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...s.Action]));
    expect(actions.filter((a) => !/^\w+:(Get|Describe|List|Simulate)/.test(a))).toEqual([]);
    expect(reads.filter((s) => s.Resource === '*').map((s) => s.Action)).toEqual(['cloudwatch:GetMetricStatistics']);
    expect(reads.find((s) => s.Sid === 'DoctorReadsAlarms')!.Resource).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:rds-archive-dev-*');
  });

  it("has none of the exporter's own logs, dead-letter or SQS key permissions", () => {
    const exporterOnly = ['WriteOwnLogs', 'SendDeadLetters', 'UseKeyThroughSqs'];
    expect(operator.map((s) => s.Sid).filter((sid) => exporterOnly.includes(sid))).toEqual([]);
  });
});
