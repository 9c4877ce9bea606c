// The rehearsal's one deployment: moto started, the app synthesized, the stack applied once (in
// beforeAll), its outputs and the deployed function's environment read back, and an HTTP
// subscriber on the snapshot events topic to see what it delivers. The last subject destroys it
// (destroy()); afterAll destroys it only when a failure left it standing, then stops moto.
import { GlueClient } from '@aws-sdk/client-glue';
import type { RDSClient } from '@aws-sdk/client-rds';
import { DeleteBucketPolicyCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { ListSubscriptionsByTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SnsEvent } from '../../support/fixtures';
import { MOTO_CLIENT_CONFIG, startMoto, type Moto } from '../../support/moto';
import { motoRds, runHandler, type HandlerRun } from '../../support/moto-rds';
import { snsEvent } from '../../support/exporter-events';
import { emptyBucket, motoS3 } from './archive-exports';
import { motoApi } from './moto-api';
import { initArgs, prepareMotoStack, step, synthesizeStack, type MotoStack } from './terraform-moto';

/** The rehearsal's stack: environment e2e, one region. */
export const STACK = 'rds-archive-e2e-us-east-1';
/** moto's account. */
export const ACCOUNT = '123456789012';
/** IAM names carry the region (stacks/naming.ts iamName): IAM names are account-wide. */
export const IAM_NAME = 'rds-archive-e2e-us-east-1';

/** The stack's outputs, as `terraform output` gives them. */
export interface Outputs {
  'archive-bucket': string;
  'kms-key-arn': string;
  'export-role-arn': string;
  'snapshot-events-topic-arn': string;
  'exporter-function-name': string;
  'notifications-topic-arn': string;
  'dead-letter-queue-url': string;
  'operator-policy-arn': string;
  'reader-policy-arn': string;
  'athena-workgroup': string;
}

/** The parts of Lambda's GetFunction answer the rehearsal reads. */
export interface DeployedFunction {
  readonly Configuration: {
    readonly Role: string;
    readonly Runtime: string;
    readonly Architectures: string[];
    readonly Handler: string;
    readonly FunctionArn: string;
    readonly DeadLetterConfig?: unknown;
    readonly Environment: { readonly Variables: Record<string, string> };
  };
}

/** What terraform answered. */
export interface TerraformRun {
  readonly code: number;
  readonly output: string;
}

/** A message as SNS delivers it to an HTTP subscriber. */
interface DeliveredNotification {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** The deployed stack as the subjects see it; each value is there once beforeAll has set it. */
export class Deployment {
  private started?: { moto: Moto; stack: MotoStack; server: Server };
  private deployed?: { init: TerraformRun; apply?: TerraformRun; outputs?: Outputs; functionEnvironment?: Record<string, string> };
  private destroyed = false;
  /** The deployed bucket policy while the rehearsal has it removed; put back before destroy. */
  private removedBucketPolicy: string | undefined;
  private readonly deliveries: DeliveredNotification[] = [];

  get moto(): Moto {
    return this.ready(this.started?.moto, 'moto is not started');
  }

  get stack(): MotoStack {
    return this.ready(this.started?.stack, 'the stack is not synthesized');
  }

  /** `terraform init`, as it answered. */
  get init(): TerraformRun {
    return this.ready(this.deployed?.init, 'terraform init has not run');
  }

  /** `terraform apply`, as it answered; absent when init failed. */
  get apply(): TerraformRun | undefined {
    return this.deployed?.apply;
  }

  get outputs(): Outputs {
    return this.ready(this.deployed?.outputs, 'the stack was not applied (see "terraform init and apply create the stack")');
  }

  /** The deployed exporter's environment variables, read back from moto. */
  get functionEnvironment(): Record<string, string> {
    return this.ready(this.deployed?.functionEnvironment, 'the stack was not applied (see "terraform init and apply create the stack")');
  }

  rds(): RDSClient {
    return motoRds(this.moto.endpoint);
  }

  s3(): S3Client {
    return motoS3(this.moto.endpoint);
  }

  glue(): GlueClient {
    return new GlueClient({ ...MOTO_CLIENT_CONFIG, endpoint: this.moto.endpoint });
  }

  sns(): SNSClient {
    return new SNSClient({ ...MOTO_CLIENT_CONFIG, endpoint: this.moto.endpoint });
  }

  /** The deployed exporter as moto's Lambda API answers GetFunction. */
  async deployedFunction(): Promise<DeployedFunction> {
    return JSON.parse(await motoApi(this.moto.endpoint, 'lambda', `/2015-03-31/functions/${this.outputs['exporter-function-name']}`)) as DeployedFunction;
  }

  /** Runs the built handler, as Lambda would, with the deployed environment. */
  runHandler(event: unknown): HandlerRun {
    return runHandler(this.moto.endpoint, this.functionEnvironment, event);
  }

  /**
   * Publishes an RDS message to the deployed snapshot events topic and returns the event Lambda
   * would receive from that delivery (moto cannot run Lambda code), as the test's HTTP subscriber got it.
   */
  async deliverThroughTopic(rdsMessage: Record<string, string>): Promise<SnsEvent> {
    const sns = this.sns();
    const topicArn = this.outputs['snapshot-events-topic-arn'];
    if (
      this.deliveries.length === 0 &&
      !(await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions?.some((s) => s.Protocol === 'http')
    ) {
      const { port } = this.started!.server.address() as AddressInfo;
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/` }));
    }
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'RDS Notification Message', Message: JSON.stringify(rdsMessage) }));
    const deadline = Date.now() + 15_000;
    let delivered = this.deliveries.find((d) => d.MessageId === published.MessageId);
    while (delivered === undefined) {
      if (Date.now() > deadline) throw new Error(`moto did not deliver message ${published.MessageId} to the test's HTTP subscription`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivered = this.deliveries.find((d) => d.MessageId === published.MessageId);
    }
    return snsEvent(delivered.Message, {
      topicArn: delivered.TopicArn,
      messageId: delivered.MessageId,
      subscriptionId: 'rehearsal',
      subject: delivered.Subject,
      timestamp: delivered.Timestamp,
      type: delivered.Type,
      messageAttributes: delivered.MessageAttributes,
    });
  }

  /**
   * Removes the archive bucket's TLS-only policy, which denies moto's plain HTTP, and returns it;
   * destroy() empties the bucket and puts it back.
   */
  async openArchiveBucket(): Promise<string> {
    const s3 = this.s3();
    const bucket = this.outputs['archive-bucket'];
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!;
    this.removedBucketPolicy = policy;
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    step('archive bucket policy removed for the rehearsal (moto is plain HTTP)');
    return policy;
  }

  /** Empties the archive bucket and puts its policy back, so destroy meets the bucket as deployed. */
  private async restoreArchiveBucket(): Promise<void> {
    if (this.removedBucketPolicy === undefined) return;
    const s3 = this.s3();
    const removed = await emptyBucket(s3, this.outputs['archive-bucket']);
    await s3.send(new PutBucketPolicyCommand({ Bucket: this.outputs['archive-bucket'], Policy: this.removedBucketPolicy }));
    this.removedBucketPolicy = undefined;
    step(`archive bucket emptied (${removed} object versions) and its policy put back`);
  }

  /** The rehearsal's one destroy: the archive bucket as deployed again, then `terraform destroy`. */
  async destroy(): Promise<TerraformRun> {
    await this.restoreArchiveBucket();
    step('terraform destroy');
    return this.terraformDestroy();
  }

  private async terraformDestroy(): Promise<TerraformRun> {
    const destroy = await this.stack.terraform(['destroy', '-auto-approve', '-input=false']);
    this.destroyed = destroy.code === 0;
    return destroy;
  }

  /** Starts moto and the HTTP subscriber, synthesizes the app, then inits and applies the stack. */
  async setUp(): Promise<void> {
    step('starting moto_server');
    const moto = await startMoto();
    step(`moto at ${moto.endpoint}; synthesizing ${STACK}`);
    const stack = prepareMotoStack(synthesizeStack({ RDS_ARCHIVE_ENVIRONMENT: 'e2e', RDS_ARCHIVE_REGIONS: 'us-east-1' }, STACK), moto.endpoint);
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.deliveries.push(JSON.parse(body) as DeliveredNotification);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.started = { moto, stack, server };

    step(`terraform init (offline provider) in ${stack.dir}`);
    const init = await stack.terraform(initArgs());
    this.deployed = { init };
    if (init.code !== 0) return;
    step('terraform apply (about a minute: the provider waits on the event subscriptions and the lifecycle rule)');
    const apply = await stack.terraform(['apply', '-auto-approve', '-input=false']);
    this.deployed = { init, apply };
    if (apply.code !== 0) return;
    const json = await stack.terraform(['output', '-json']);
    const outputs = Object.fromEntries(
      Object.entries(JSON.parse(json.output) as Record<string, { value: string }>).map(([k, v]) => [k, v.value]),
    ) as unknown as Outputs;
    this.deployed = { init, apply, outputs };
    const functionEnvironment = (await this.deployedFunction()).Configuration.Environment.Variables;
    this.deployed = { init, apply, outputs, functionEnvironment };
  }

  /** Destroys what a failure left standing, stops moto and the subscriber, and removes the working copy once nothing is left in it. */
  async tearDown(): Promise<void> {
    const applied = this.deployed?.apply !== undefined;
    if (applied && !this.destroyed) {
      await this.restoreArchiveBucket().catch((error: Error) => step(`could not empty the archive bucket: ${error.message}`));
      step('terraform destroy (cleanup after a failure)');
      await this.terraformDestroy();
    }
    this.started?.server.close();
    await this.started?.moto.stop();
    step('moto stopped');
    if (this.started !== undefined && (this.destroyed || !applied)) rmSync(path.dirname(this.started.stack.dir), { recursive: true, force: true });
  }

  private ready<T>(value: T | undefined, missing: string): T {
    if (value === undefined) throw new Error(missing);
    return value;
  }
}

/** Registers the rehearsal's beforeAll (set up and apply) and afterAll (tear down), and returns the deployment they share. */
export function deployOnce(): Deployment {
  const deployment = new Deployment();
  beforeAll(() => deployment.setUp());
  afterAll(() => deployment.tearDown());
  return deployment;
}
