// The AWS clients doctor reads with; injected so tests can pass their own. Two attempts each:
// an operator at a terminal should hear about an unreachable endpoint in seconds.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { lambda } from '../deployment';

/** Every client doctor uses. */
export interface DoctorClients {
  readonly lambda: LambdaClient;
  readonly rds: RDSClient;
  readonly sns: SNSClient;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly s3: S3Client;
  readonly cloudwatch: CloudWatchClient;
  readonly sqs: SQSClient;
}

/** The default clients: the SDK's region, endpoint and credential resolution. */
export function defaultClients(): DoctorClients {
  const config = { maxAttempts: 2 };
  return {
    lambda,
    rds: new RDSClient(config),
    sns: new SNSClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    s3: new S3Client(config),
    cloudwatch: new CloudWatchClient(config),
    sqs: new SQSClient(config),
  };
}
