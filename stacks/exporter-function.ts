import { Construct } from 'constructs';
import { Fn, type TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { handlerCodeAsset } from './handler-zip';
import { policyDocument, serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';

/** Settings of the exporter Lambda. */
export interface ExporterFunctionProps {
  readonly scope: AwsScope;
  /** The function's name (naming.ts: exporterFunctionName); its log group follows it. */
  readonly functionName: string;
  /** The execution role's name (naming.ts: iamName). */
  readonly roleName: string;
  /** Days the function's logs are kept. */
  readonly logRetentionDays: number;
}

/** What the exporter is wired to once the key, bucket, export role and topic exist. */
export interface ExporterWiring {
  /** What operating the archive takes (archive-access.ts: archiveAccessStatements). */
  readonly archiveAccess: readonly PolicyStatement[];
  /** The archive key, which encrypts the dead-letter queue. */
  readonly kmsKeyArn: string;
  /** The SNS topic whose messages invoke the function. */
  readonly topicArn: string;
  /** Asynchronous invocations that still fail after their retries go to this queue. */
  readonly deadLetterQueueArn: string;
  /** Retries of a failed asynchronous invocation (0-2). */
  readonly asyncRetryAttempts: number;
  /** Invocations that may run at once; undefined leaves the function unreserved. */
  readonly reservedConcurrency?: number;
  /** Environment variables of the handler (its contract: see README, "Handler contract"). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Memory and timeout of the functions that run the handler (the exporter, the vault verifier).
 * Measured (npm run bench, scripts/bench-reconcile.ts): a scheduled reconciliation of 2,000
 * databases with 10,000 snapshots in its window, including the manifest check of its 6,750
 * completed exports, takes about 12 s at 20 ms per call and peaks at about 200 MB RSS. 512 MB
 * leaves 2.5 times that, and Lambda's CPU share grows with memory (the run parses RDS's XML);
 * 300 s leaves room for real latency, throttling back-off and the clients' timeouts
 * (handler/aws/client-settings.ts). A snapshot event takes well under a second.
 */
export const HANDLER_FUNCTION_SIZE = { memorySize: 512, timeout: 300 } as const;

/** The Lambda runtime and architecture the handler is built for. */
export const EXPORTER_RUNTIME = 'nodejs22.x';
export const EXPORTER_ARCHITECTURE = 'arm64';

/**
 * The exporter Lambda with its role, its own log group, its SNS subscription and the
 * permission for that topic alone to invoke it. The role exists from construction, so the
 * key policy can name it; the function follows in deploy(), once the key exists.
 */
export class ExporterFunction extends Construct {
  /** The function's name. */
  readonly functionName: string;
  /** The function's execution role ARN. */
  readonly roleArn: string;
  /** The zip of the bundled handler, as deployed. */
  readonly asset: TerraformAsset;

  private readonly role: IamRole;
  private readonly logGroup: CloudwatchLogGroup;
  private readonly props: ExporterFunctionProps;

  constructor(scope: Construct, id: string, props: ExporterFunctionProps) {
    super(scope, id);
    this.props = props;
    const { functionName } = props;
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Runs the RDS snapshot exporter Lambda',
      assumeRolePolicy: policyDocument([
        {
          Sid: 'LambdaService',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]),
    });
    this.roleArn = this.role.arn;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.asset = handlerCodeAsset(this, 'code');
    this.functionName = functionName;
  }

  /** Grants the function what it needs, then creates it and subscribes it to the topic. */
  deploy(wiring: ExporterWiring): LambdaFunction {
    const { topicArn, environment, asyncRetryAttempts, reservedConcurrency, archiveAccess, kmsKeyArn, deadLetterQueueArn } = wiring;
    const rolePolicy = new IamRolePolicy(this, 'permissions', {
      name: 'export-snapshots',
      role: this.role.name,
      policy: policyDocument(exporterRolePolicy({ scope: this.props.scope, logGroupArn: this.logGroup.arn, archiveAccess, kmsKeyArn, deadLetterQueueArn })),
    });
    const fn = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      description: 'Starts an RDS export to S3 for every snapshot-created event',
      role: this.role.arn,
      runtime: EXPORTER_RUNTIME,
      architectures: [EXPORTER_ARCHITECTURE],
      handler: 'index.handler',
      filename: this.asset.path,
      sourceCodeHash: Fn.filebase64sha256(this.asset.path),
      ...HANDLER_FUNCTION_SIZE,
      // One invocation at a time makes each quota check and start one step (see config-types.ts).
      ...(reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: reservedConcurrency }),
      environment: { variables: { ...environment } },
      deadLetterConfig: { targetArn: deadLetterQueueArn },
      // The log group and permissions exist before the first invocation can need them.
      dependsOn: [this.logGroup, rolePolicy],
    });
    new LambdaFunctionEventInvokeConfig(this, 'async-retries', {
      functionName: fn.functionName,
      maximumRetryAttempts: asyncRetryAttempts,
    });
    const permission = new LambdaPermission(this, 'invoke-from-topic', {
      statementId: 'AllowSnapshotEventsTopic',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: topicArn,
    });
    new SnsTopicSubscription(this, 'subscription', {
      topicArn,
      protocol: 'lambda',
      endpoint: fn.arn,
      dependsOn: [permission],
    });
    return fn;
  }
}

/** Inputs of the exporter's permissions policy. */
export interface ExporterPolicyInputs {
  readonly scope: AwsScope;
  readonly logGroupArn: string;
  /** What operating the archive takes (archive-access.ts), shared with the operator policy. */
  readonly archiveAccess: readonly PolicyStatement[];
  readonly kmsKeyArn: string;
  readonly deadLetterQueueArn: string;
}

/**
 * The exporter role's permissions: its own logs, what operating the archive takes, and the
 * dead-letter queue Lambda writes to as this role.
 */
export function exporterRolePolicy(inputs: ExporterPolicyInputs): PolicyStatement[] {
  return [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${inputs.logGroupArn}:*`,
    },
    ...inputs.archiveAccess,
    {
      // Lambda sends events that failed every retry to the dead-letter queue as this role.
      Sid: 'SendDeadLetters',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: inputs.deadLetterQueueArn,
    },
    {
      // The dead-letter queue is encrypted with the archive key; SQS uses it on the sender's behalf.
      Sid: 'UseKeyThroughSqs',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: inputs.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': serviceEndpoint(inputs.scope, 'sqs') } },
    },
  ];
}
