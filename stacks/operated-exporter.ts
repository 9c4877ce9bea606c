import type { Construct } from 'constructs';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { ArchiveAlarms } from './archive-alarms';
import { exporterFunctionName, iamName } from './config';
import { ExporterFunction } from './exporter-function';
import type { ExporterRouting } from './exporter-routing';
import { type DoctorReadTargets, OperatorPolicy } from './operator-policy';
import type { PolicyStatement } from './policy';
import { ReconcileSchedule } from './reconcile-schedule';
import type { StackContext } from './stack-context';

/**
 * Makes in `scope` itself the exporter's role and log group, named from the configuration; its
 * function follows in {@link deployOperatedExporter}, once the key and topics exist.
 */
export function prepareExporter(scope: Construct, { config, aws }: StackContext): ExporterFunction {
  return new ExporterFunction(scope, 'exporter', {
    scope: aws,
    functionName: exporterFunctionName(config),
    roleName: iamName(config, aws.region, 'exporter'),
    logRetentionDays: config.logRetentionDays,
  });
}

/** What a single-account stack and a source stack give the exporter; the rest comes from the configuration. */
export interface OperatedExporterProps {
  /** The exporter, its role already made (its function follows here). */
  readonly exporter: ExporterFunction;
  /** The topics and the dead-letter queue (with the alarms the function is watched by). */
  readonly routing: ExporterRouting;
  /** What operating the archive takes, granted alike to the exporter and to operators. */
  readonly archiveAccess: readonly PolicyStatement[];
  /** The key of the event topic and the dead-letter queue. */
  readonly kmsKeyArn: string;
  /** The exporter's environment (writeSettings). */
  readonly environment: Readonly<Record<string, string>>;
  /** What doctor reads besides the topic, key and queue named above. */
  readonly doctorReads: Pick<DoctorReadTargets, 'exportRoleArn' | 'bucketArn' | 'readsExportRolePolicy'>;
}

/** The deployed exporter and the policy operators attach. */
export interface OperatedExporter {
  readonly function: LambdaFunction;
  readonly operator: OperatorPolicy;
}

/**
 * Deploys the exporter function with what operates it, in `scope` itself (the resources keep the
 * addresses they have in the stacks): its failure alarms, the reconciliation schedule, the
 * archive's alarms and the operator policy.
 */
export function deployOperatedExporter(scope: Construct, { config, aws, baseName }: StackContext, props: OperatedExporterProps): OperatedExporter {
  const { archiveAccess, kmsKeyArn } = props;
  const { events, notifications, failures } = props.routing;
  const fn = props.exporter.deploy({
    archiveAccess,
    kmsKeyArn,
    topicArn: events.topicArn,
    deadLetterQueueArn: failures.deadLetterQueueArn,
    asyncRetryAttempts: config.asyncRetryAttempts,
    reservedConcurrency: config.exporterReservedConcurrency ?? undefined,
    environment: props.environment,
  });
  failures.watchFunction(fn.functionName);
  new ReconcileSchedule(scope, 'reconcile', {
    baseName,
    everyMinutes: config.reconciliation.everyMinutes,
    functionName: fn.functionName,
    functionArn: fn.arn,
  });
  new ArchiveAlarms(scope, 'archive-alarms', {
    baseName,
    notificationsTopicArn: notifications.topicArn,
    reconcileEveryMinutes: config.reconciliation.everyMinutes,
    maxLagHours: config.reconciliation.maxLagHours,
  });
  const operator = new OperatorPolicy(scope, 'operator', {
    baseName,
    policyName: iamName(config, aws.region, 'operator'),
    archiveAccess,
    exporterFunctionArn: fn.arn,
    doctorReads: {
      ...props.doctorReads,
      scope: aws,
      baseName,
      eventTopicArn: events.topicArn,
      kmsKeyArn,
      deadLetterQueueArn: failures.deadLetterQueueArn,
    },
  });
  return { function: fn, operator };
}

/** A stack output: a value and what it is for. */
export interface StackOutput {
  readonly value: string;
  readonly description: string;
}

/** The outputs of the exporter and what operates it, in the order the stacks list them; `exporterDescription` says what the function does there. */
export function operatedExporterOutputs(
  routing: ExporterRouting,
  exporter: ExporterFunction,
  operator: OperatorPolicy,
  exporterDescription: string,
): Record<string, StackOutput> {
  return {
    'snapshot-events-topic-arn': { value: routing.events.topicArn, description: 'SNS topic RDS publishes snapshot events to' },
    'exporter-function-name': { value: exporter.functionName, description: exporterDescription },
    'notifications-topic-arn': { value: routing.notifications.topicArn, description: 'SNS topic for alarms and export failures; subscribe operators here' },
    'dead-letter-queue-url': { value: routing.failures.deadLetterQueueUrl, description: 'SQS queue holding snapshot events the exporter could not handle' },
    'operator-policy-arn': { value: operator.policyArn, description: 'IAM policy to attach to the roles or users that run `npm run archive`' },
  };
}
