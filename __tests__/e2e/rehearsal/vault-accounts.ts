// The two-account rehearsal's plumbing: the vault configuration synthesized to a temporary place,
// each stack pointed at moto (its provider's assume_role makes moto serve the role's account), and
// SDK clients that speak to one account's moto backend (the x-moto-account-id header).
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlueClient } from '@aws-sdk/client-glue';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DoctorClients } from '../../../cli/doctor/clients';
import type { AwsClients } from '../../../handler/aws/clients';
import { MOTO_CLIENT_CONFIG } from '../../support/moto';
import { PROJECT_ROOT } from '../../support/paths';

export const VAULT = '111111111111';
export const SOURCE = '222222222222';
/** The rehearsal's configuration: the issue's, with GOVERNANCE retention so that the rehearsal can empty the bucket to destroy it. */
export const VAULT_REHEARSAL_CONFIG = {
  environment: 'e2ev',
  regions: ['us-east-1'],
  vault: {
    accountId: VAULT,
    roleArn: `arn:aws:iam::${VAULT}:role/terraform`,
    objectLock: { mode: 'GOVERNANCE', days: 1 },
    sourceAccounts: [{ accountId: SOURCE, roleArn: `arn:aws:iam::${SOURCE}:role/terraform` }],
  },
} as const;
export const VAULT_STACK = 'rds-archive-e2ev-vault-us-east-1';
export const SOURCE_STACK = `rds-archive-e2ev-${SOURCE}-us-east-1`;

/** Synthesizes the vault configuration as `npm run synth` does; returns the stacks' directory. */
export function synthesizeVault(): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'e2e-vault-synth-'));
  const config = path.join(outdir, 'archive.config.json');
  writeFileSync(config, JSON.stringify(VAULT_REHEARSAL_CONFIG));
  const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, RDS_ARCHIVE_CONFIG: config, CDKTF_OUTDIR: outdir },
  });
  if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
  return path.join(outdir, 'stacks');
}

/** Sends every request of `client` to `account`'s moto backend. */
export function inAccount<T>(client: T, account: string): T {
  (client as unknown as S3Client).middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
}

/** The handler's clients in one account. */
export function handlerClients(endpoint: string, account: string): Required<AwsClients> {
  const config = { ...MOTO_CLIENT_CONFIG, endpoint };
  return {
    s3: inAccount(new S3Client({ ...config, forcePathStyle: true }), account),
    rds: inAccount(new RDSClient(config), account),
    glue: inAccount(new GlueClient(config), account),
    sns: inAccount(new SNSClient(config), account),
  };
}

/** doctor's clients in one account. */
export function doctorClients(endpoint: string, account: string): DoctorClients {
  const config = { ...MOTO_CLIENT_CONFIG, endpoint, maxAttempts: 1 };
  return {
    lambda: inAccount(new LambdaClient(config), account),
    rds: inAccount(new RDSClient(config), account),
    sns: inAccount(new SNSClient(config), account),
    iam: inAccount(new IAMClient(config), account),
    kms: inAccount(new KMSClient(config), account),
    s3: inAccount(new S3Client({ ...config, forcePathStyle: true }), account),
    cloudwatch: inAccount(new CloudWatchClient(config), account),
    sqs: inAccount(new SQSClient(config), account),
  };
}
