// verify when S3 refuses without a body (a 403 with no error document, which the SDK reports as
// "Unknown: UnknownError"): the line names the operation, the HTTP status, the object and what
// to check. RDS and Lambda are moto; S3 is a server that refuses everything.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { StartExportTaskCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCallError, recordFailedCalls } from '../../cli/explain-error';
import { type Moto, MOTO_CLIENT_CONFIG, startMoto } from '../support/moto';
import { createExporterFunction, motoExporterEnvironment } from '../support/moto-lambda';
import { createInstanceSnapshot, motoProcessEnv, motoRds } from '../support/moto-rds';
import { PROJECT_ROOT } from '../support/paths';
import { motoMissing, requireTool } from '../support/tools';

const ENV = motoExporterEnvironment();
const BUCKET = ENV.ARCHIVE_BUCKET!;

/** A server that answers every request 403 with an empty body. */
async function refusingServer(): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(403).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('an S3 403 without a body', () => {
  let refusing: { server: Server; endpoint: string };
  beforeAll(async () => {
    refusing = await refusingServer();
  });
  afterAll(() => {
    refusing?.server.close();
  });

  it('is described with the operation, the object, the status and what to check', async () => {
    // Prepare
    const s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: refusing.endpoint, forcePathStyle: true, maxAttempts: 1 });
    recordFailedCalls(s3, 'S3');
    const error = await s3.send(new GetObjectCommand({ Bucket: 'archive', Key: 'exports/e1/archive-manifest.json' })).catch((e: unknown) => e);

    // Act
    const line = describeCallError(error);

    // Assess
    expect((error as Error).name).toBe('Unknown');
    expect(line).toBe(
      'S3 GetObject of s3://archive/exports/e1/archive-manifest.json failed (HTTP 403 without an error body): check that your AWS identity may s3:GetObject there ' +
        "(the operator policy, stack output operator-policy-arn, grants what the CLI reads), that the bucket policy does not deny it, and that you may use the bucket's KMS key (kms:Decrypt through S3)",
    );
  });

  it('without a recorded call still says it was an HTTP 403 without a body, not "Unknown: UnknownError"', () => {
    expect(describeCallError({ name: 'Unknown', message: 'UnknownError', $metadata: { httpStatusCode: 403 } })).toBe(
      'an AWS call failed (HTTP 403 without an error body)',
    );
  });
});

describe.runIf(requireTool('verify against moto with S3 refusing', motoMissing()))('an S3 403 without a body in verify, as npm run archive runs it', () => {
  let moto: Moto;
  let refusing: { server: Server; endpoint: string };
  beforeAll(async () => {
    refusing = await refusingServer();
    moto = await startMoto();
    await createExporterFunction(moto.endpoint, 'rds-archive-test-exporter', ENV);
    const rds = motoRds(moto.endpoint);
    const snapshotArn = await createInstanceSnapshot(rds, 'orders', 'orders-snap-1');
    await rds.send(
      new StartExportTaskCommand({
        ExportTaskIdentifier: 'orders-export-1',
        SourceArn: snapshotArn,
        S3BucketName: BUCKET,
        S3Prefix: ENV.ARCHIVE_PREFIX,
        IamRoleArn: ENV.EXPORT_ROLE_ARN!,
        KmsKeyId: ENV.EXPORT_KMS_KEY_ARN!,
      }),
    );
  }, 60_000);
  afterAll(async () => {
    refusing?.server.close();
    await moto?.stop();
  });

  it('names the S3 operation, the object, the status and what to check on the export line', async () => {
    // Act: asynchronously, since the refusing server lives in this process and must answer.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['scripts/run-ts.js', 'cli/main.ts', 'verify', 'orders-export-1', '--function', 'rds-archive-test-exporter'],
        { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000, env: motoProcessEnv(moto.endpoint, { AWS_ENDPOINT_URL_S3: refusing.endpoint }) },
        (error, stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });

    // Assess
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).not.toContain('UnknownError');
    expect(run.stdout).toContain(
      `orders-export-1  exports  S3 ListObjectsV2 of s3://${BUCKET}/exports/orders-export-1/archive-manifest.json failed (HTTP 403 without an error body): ` +
        'check that your AWS identity may s3:ListBucket there (the operator policy',
    );
  });
});
