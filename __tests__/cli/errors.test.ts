// The errors an operator meets at the terminal, each with a message that says what to do and
// no stack trace: the CLI runs as a child process, as `npm run archive` runs it.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deniedAction, explainAwsError } from '../../cli/explain-error';
import { PROJECT_ROOT } from '../support/paths';

const ROOT = PROJECT_ROOT;
const EMPTY_HOME = mkdtempSync(path.join(tmpdir(), 'cli-home-'));
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' };

/**
 * Runs the CLI with a bare environment (no AWS files, no metadata service) plus `env`.
 * Asynchronously: the denying endpoint below lives in this process and must stay responsive.
 */
function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const options = {
    cwd: ROOT,
    encoding: 'utf8' as const,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: EMPTY_HOME,
      AWS_CONFIG_FILE: path.join(EMPTY_HOME, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(EMPTY_HOME, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...env,
    },
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', ...args], options, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('CLI errors at the terminal', () => {
  let denying: Server;
  let denyingEndpoint: string;
  beforeAll(async () => {
    // Answers every Lambda call as AWS does when no policy allows it.
    denying = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' }).end(
          JSON.stringify({
            Message:
              'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: lambda:GetFunctionConfiguration on resource: arn:aws:lambda:us-east-1:123456789012:function:rds-archive-dev-exporter because no identity-based policy allows the lambda:GetFunctionConfiguration action',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
    denyingEndpoint = `http://127.0.0.1:${(denying.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    denying?.close();
  });

  it('no region: says to set AWS_REGION or pass --region', async () => {
    const run = await cli(['status', '--function', 'rds-archive-dev-exporter'], CREDENTIALS);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('error: no AWS region: set AWS_REGION (or a region in your AWS_PROFILE), or pass --region, e.g. --region eu-west-1\n');
  });

  it('no credentials: names the chain it tried and suggests AWS_PROFILE', async () => {
    const run = await cli(['env', '--region', 'eu-west-1', '--function', 'rds-archive-dev-exporter'], {});
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^error: no AWS credentials: the AWS SDK looked for them in the environment \(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\), in the shared files .* Set AWS_PROFILE to a configured profile/,
    );
    expectNoStackTrace(run.stderr);
  });

  it('endpoint unreachable: names the endpoint and what to check', async () => {
    const run = await cli(['status', '--region', 'us-east-1', '--function', 'rds-archive-dev-exporter'], {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('error: could not reach http://127.0.0.1:9 (ECONNREFUSED): check AWS_ENDPOINT_URL (unset it to reach AWS itself).\n');
  });

  it('access denied: names the action, the resource and the policy that grants it', async () => {
    const run = await cli(['backfill', '--since', '7d', '--region', 'us-east-1', '--function', 'rds-archive-dev-exporter'], {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL: denyingEndpoint,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error: access denied: arn:aws:iam::123456789012:user\/ops may not perform lambda:GetFunctionConfiguration on arn:aws:lambda:us-east-1:123456789012:function:rds-archive-dev-exporter\. The README \("Permissions for the CLI"\) lists what the CLI needs; the stack output operator-policy-arn/,
    );
    expectNoStackTrace(run.stderr);
  });

  it('bad local configuration: names the setting, without a stack trace', async () => {
    const run = await cli(['env', '--region', 'us-east-1'], { ...CREDENTIALS, RDS_ARCHIVE_ENVIRONMENT: 'Prod!' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^error: Invalid rds-snapshot-archive configuration:\n {2}- environment must be lower-case letters/);
  });
});

describe('explainAwsError', () => {
  it('reads the action, resource and principal out of an IAM denial', () => {
    expect(
      deniedAction(
        'User: arn:aws:sts::1:assumed-role/ops/me is not authorized to perform: rds:StartExportTask on resource: arn:aws:rds:us-east-1:1:snapshot:x because no identity-based policy allows it',
      ),
    ).toEqual({
      principal: 'arn:aws:sts::1:assumed-role/ops/me',
      action: 'rds:StartExportTask',
      resource: 'arn:aws:rds:us-east-1:1:snapshot:x',
    });
  });

  it('tells expired or unknown credentials apart from missing ones', () => {
    expect(explainAwsError({ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' })?.message).toMatch(
      /^AWS rejected the credentials \(ExpiredTokenException: .*aws sso login/,
    );
  });

  it('finds a connection error in the cause chain', () => {
    const error = Object.assign(new Error('socket hang up'), { cause: Object.assign(new Error('connect'), { code: 'ENOTFOUND' }) });
    expect(explainAwsError(error)?.message).toBe('could not reach the AWS endpoint (ENOTFOUND): check your network, proxy (HTTPS_PROXY) and the region name.');
  });

  it('leaves other errors to the caller', () => {
    expect(explainAwsError(Object.assign(new Error('boom'), { name: 'InternalFailure' }))).toBeUndefined();
    expect(explainAwsError('text')).toBeUndefined();
  });
});
