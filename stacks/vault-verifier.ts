// The vault verifier: a Lambda in the vault account that verifies what the sources wrote into
// the vault and catalogs it. S3 invokes it when a source hands an export over; an hourly schedule
// invokes it too, to catch an event S3 did not deliver. It runs the same bundle as the exporter
// (entry vault-record.handler), with its own role and settings (handler/contract/vault-settings.ts).
import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { MANIFEST_FILE_NAME, VAULT_VERIFIER_HANDLER, VERIFIED_RECORD_PATH, vaultCursorKey } from '../handler/contract';
import { aboveZeroAlarm } from './above-zero-alarm';
import { catalogStatement } from './archive-access';
import { EXPORTER_ARCHITECTURE, EXPORTER_RUNTIME, HANDLER_FUNCTION_SIZE } from './exporter-function';
import { handlerCodeAsset } from './handler-zip';
import { policyDocument, serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';

/** Settings of the vault verifier. */
export interface VaultVerifierProps {
  readonly scope: AwsScope;
  readonly functionName: string;
  /** The execution role's name (naming.ts: iamName). */
  readonly roleName: string;
  readonly logRetentionDays: number;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The base prefix the sources' prefixes are under. */
  readonly archivePrefix: string;
  /** The folder of each source's handovers (handoversPrefix); S3 invokes the verifier for new objects there. */
  readonly handoverPrefixes: readonly string[];
  readonly kmsKeyArn: string;
  readonly notificationsTopicArn: string;
  readonly deadLetterQueueArn: string;
  readonly asyncRetryAttempts: number;
  /** The archive's name for Glue, when the catalog is on. @default undefined (no Glue permissions) */
  readonly catalogArchiveName?: string;
  /** The verifier's environment (writeVaultSettings). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The verifier function with its role, log group, S3 notification and error alarm. */
export class VaultVerifier extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: VaultVerifierProps) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Runs the vault verifier Lambda: verifies and catalogs what the source accounts export into the vault',
      assumeRolePolicy: policyDocument([{ Sid: 'LambdaService', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    });
    this.roleArn = role.arn;
    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/aws/lambda/${props.functionName}`, retentionInDays: props.logRetentionDays });
    const rolePolicy = new IamRolePolicy(this, 'permissions', {
      name: 'verify-vault',
      role: role.name,
      policy: policyDocument(vaultVerifierPolicy({ ...props, logGroupArn: logGroup.arn })),
    });
    const asset = handlerCodeAsset(this, 'code');
    const fn = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Verifies and catalogs the exports the source accounts hand over to the vault',
      role: role.arn,
      runtime: EXPORTER_RUNTIME,
      architectures: [EXPORTER_ARCHITECTURE],
      handler: VAULT_VERIFIER_HANDLER,
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      // The exporter's sizing: verification and cataloging are the same work.
      ...HANDLER_FUNCTION_SIZE,
      environment: { variables: { ...props.environment } },
      deadLetterConfig: { targetArn: props.deadLetterQueueArn },
      dependsOn: [logGroup, rolePolicy],
    });
    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    new LambdaFunctionEventInvokeConfig(this, 'async-retries', { functionName: fn.functionName, maximumRetryAttempts: props.asyncRetryAttempts });
    const permission = new LambdaPermission(this, 'invoke-from-bucket', {
      statementId: 'AllowVaultBucketNotifications',
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: props.bucketArn,
      sourceAccount: props.scope.accountId,
    });
    new S3BucketNotification(this, 'handovers', {
      bucket: props.bucketName,
      lambdaFunction: props.handoverPrefixes.map((prefix) => ({
        lambdaFunctionArn: fn.arn,
        events: ['s3:ObjectCreated:*'],
        filterPrefix: prefix,
        filterSuffix: '.json',
      })),
      dependsOn: [permission],
    });
    aboveZeroAlarm(this, 'errors-alarm', {
      alarmName: `${props.functionName}-errors`,
      alarmDescription: 'The vault verifier failed; its logs say which handover and why',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn.functionName },
      statistic: 'Sum',
      notificationsTopicArn: props.notificationsTopicArn,
    });
  }
}

/** Inputs of the verifier's permissions policy. */
export type VaultVerifierPolicyInputs = Pick<
  VaultVerifierProps,
  'scope' | 'bucketArn' | 'archivePrefix' | 'kmsKeyArn' | 'notificationsTopicArn' | 'deadLetterQueueArn' | 'catalogArchiveName'
> & { readonly logGroupArn: string };

/**
 * The verifier's permissions: list the archive, read the handovers and RDS's metadata files
 * (never the data), write manifests, each source's record of verified exports and its own
 * cursor, register in Glue, notify, and its dead letters; the key only through S3, SNS and SQS.
 */
export function vaultVerifierPolicy(inputs: VaultVerifierPolicyInputs): PolicyStatement[] {
  const prefix = inputs.archivePrefix === '' ? '' : `${inputs.archivePrefix}/`;
  const underSources = (pattern: string) => `${inputs.bucketArn}/${prefix}*/${pattern}`;
  return [
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${inputs.logGroupArn}:*` },
    {
      Sid: 'ListArchivePrefix',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: inputs.bucketArn,
      ...(prefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': `${prefix}*` } } }),
    },
    {
      Sid: 'ReadHandoversAndExportMetadata',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [
        underSources('_archive/handovers/*'),
        underSources('export_info_*.json'),
        underSources('export_tables_info_*.json'),
        underSources(MANIFEST_FILE_NAME),
      ],
    },
    { Sid: 'WriteManifestsOnly', Effect: 'Allow', Action: 's3:PutObject', Resource: underSources(MANIFEST_FILE_NAME) },
    {
      // Each source's record of verified exports, and the verifier's cursor over the handovers.
      Sid: 'ReadWriteRecords',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [underSources(VERIFIED_RECORD_PATH), `${inputs.bucketArn}/${vaultCursorKey(inputs.archivePrefix)}`],
    },
    ...(inputs.catalogArchiveName === undefined ? [] : [catalogStatement(inputs.scope, inputs.catalogArchiveName)]),
    { Sid: 'NotifyOperators', Effect: 'Allow', Action: 'sns:Publish', Resource: inputs.notificationsTopicArn },
    { Sid: 'SendDeadLetters', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: inputs.deadLetterQueueArn },
    {
      Sid: 'UseKeyThroughS3SnsAndSqs',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: inputs.kmsKeyArn,
      Condition: {
        StringEquals: { 'kms:ViaService': [serviceEndpoint(inputs.scope, 's3'), serviceEndpoint(inputs.scope, 'sns'), serviceEndpoint(inputs.scope, 'sqs')] },
      },
    },
  ];
}
