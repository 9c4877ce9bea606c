import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { policyDocument, type AwsScope, type PolicyStatement } from './policy';

/** What `npm run archive -- doctor` reads besides what operating the archive takes. */
export interface DoctorReadTargets {
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources: its alarms are named <baseName>-*. */
  readonly baseName: string;
  readonly eventTopicArn: string;
  readonly exportRoleArn: string;
  readonly kmsKeyArn: string;
  readonly bucketArn: string;
  readonly deadLetterQueueArn: string;
  /** A source of a vault: doctor reads the export role's inline policy, since the vault's policies are out of its reach. @default false */
  readonly readsExportRolePolicy?: boolean;
}

/** Settings of the operator policy. */
export interface OperatorPolicyProps {
  /** Name shared by the deployment's resources, for the description. */
  readonly baseName: string;
  /** The policy's name (naming.ts: iamName). */
  readonly policyName: string;
  /** What operating the archive takes (archive-access.ts: archiveAccessStatements), as the exporter has it. */
  readonly archiveAccess: readonly PolicyStatement[];
  /** The deployed exporter function, whose environment the CLI reads its settings from. */
  readonly exporterFunctionArn: string;
  /** What doctor reads. */
  readonly doctorReads: DoctorReadTargets;
}

/**
 * A managed policy for the people and roles that run `npm run archive`: the same permissions
 * as the exporter (so the CLI can do what the exporter does, and no more), plus reading the
 * exporter's configuration. Attaching it is left to the account's owners.
 */
export class OperatorPolicy extends Construct {
  /** The policy's ARN, to attach to operators' roles or users. */
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: `Lets an operator run the archive CLI (npm run archive) for ${props.baseName}: find snapshots, start, verify and catalog their exports, as the exporter does`,
      policy: policyDocument(operatorPolicy(props.archiveAccess, props.exporterFunctionArn, props.doctorReads)),
    });
    this.policyArn = policy.arn;
  }
}

/** The operator's statements: what operating the archive takes, reading the deployed exporter's settings, and doctor's reads. */
export function operatorPolicy(archiveAccess: readonly PolicyStatement[], exporterFunctionArn: string, doctorReads: DoctorReadTargets): PolicyStatement[] {
  return [
    ...archiveAccess,
    {
      // The CLI takes its settings (bucket, roles, key, policy) from the deployed function's environment.
      Sid: 'ReadExporterConfiguration',
      Effect: 'Allow',
      Action: 'lambda:GetFunctionConfiguration',
      Resource: exporterFunctionArn,
    },
    {
      // When the exporter is not found by name, the CLI lists the functions to name the exporters it can see.
      // ListFunctions cannot be scoped to a resource.
      Sid: 'ListExporterFunctions',
      Effect: 'Allow',
      Action: 'lambda:ListFunctions',
      Resource: '*',
    },
    ...doctorStatements(doctorReads),
  ];
}

/** The read calls `npm run archive -- doctor` makes (cli/doctor/), each on the deployment's own resource. */
export function doctorStatements(targets: DoctorReadTargets): PolicyStatement[] {
  const { partition, region, accountId } = targets.scope;
  return [
    {
      Sid: 'DoctorReadsEventSubscriptions',
      Effect: 'Allow',
      Action: 'rds:DescribeEventSubscriptions',
      Resource: `arn:${partition}:rds:${region}:${accountId}:es:*`,
    },
    { Sid: 'DoctorReadsEventTopic', Effect: 'Allow', Action: ['sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic'], Resource: targets.eventTopicArn },
    // The trust policy, and the simulation of what the role's own policies allow.
    { Sid: 'DoctorReadsExportRole', Effect: 'Allow', Action: ['iam:GetRole', 'iam:SimulatePrincipalPolicy'], Resource: targets.exportRoleArn },
    ...(targets.readsExportRolePolicy === true
      ? [{ Sid: 'DoctorReadsExportRolePolicy', Effect: 'Allow' as const, Action: 'iam:GetRolePolicy', Resource: targets.exportRoleArn }]
      : []),
    { Sid: 'DoctorReadsKeyPolicy', Effect: 'Allow', Action: 'kms:GetKeyPolicy', Resource: targets.kmsKeyArn },
    {
      // GetBucketEncryption is authorized as s3:GetEncryptionConfiguration.
      Sid: 'DoctorReadsBucketSettings',
      Effect: 'Allow',
      Action: ['s3:GetBucketVersioning', 's3:GetEncryptionConfiguration', 's3:GetBucketPolicy'],
      Resource: targets.bucketArn,
    },
    ...doctorReadsRunsStatements(targets.scope, targets.baseName),
    { Sid: 'DoctorReadsDeadLetters', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], Resource: targets.deadLetterQueueArn },
  ];
}

/**
 * What doctor reads of how a deployment has been running, in a single, source or vault account:
 * its alarms (named <baseName>-*) and the heartbeat metric of its scheduled runs.
 */
export function doctorReadsRunsStatements(scope: AwsScope, baseName: string): PolicyStatement[] {
  const { partition, region, accountId } = scope;
  return [
    {
      Sid: 'DoctorReadsAlarms',
      Effect: 'Allow',
      Action: 'cloudwatch:DescribeAlarms',
      Resource: `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${baseName}-*`,
    },
    {
      // The scheduled runs' heartbeat; GetMetricStatistics cannot be scoped to a resource.
      Sid: 'DoctorReadsHeartbeat',
      Effect: 'Allow',
      Action: 'cloudwatch:GetMetricStatistics',
      Resource: '*',
    },
  ];
}
