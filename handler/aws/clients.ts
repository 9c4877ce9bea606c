// The one way a use case reaches AWS: it takes an AwsClients, and every client it leaves out is its
// adapter's module-scope default (rds.ts, s3.ts, glue.ts, notify-sns.ts), created once per Lambda
// instance with the SDK's standard region, endpoint (AWS_ENDPOINT_URL) and credential resolution.
// Tests and the CLI pass clients of their own (an emulator's endpoint, other credentials). The
// imports are types only, so naming a client here loads nothing: the S3, Glue and SNS clients stay
// out of a snapshot event's cold start.
import type { GlueClient } from '@aws-sdk/client-glue';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';

/** AWS clients to use instead of the defaults; each is optional. */
export interface AwsClients {
  /** @default the module-scope client of handler/aws/rds.ts */
  readonly rds?: RDSClient;
  /** @default the module-scope client of handler/aws/s3.ts */
  readonly s3?: S3Client;
  /** @default the module-scope client of handler/aws/glue.ts */
  readonly glue?: GlueClient;
  /** @default the module-scope client of handler/aws/notify-sns.ts, loaded on the first notification */
  readonly sns?: SNSClient;
}
