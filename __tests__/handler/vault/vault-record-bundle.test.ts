// The vault verifier as deployed: the bundled vault-record.js (beside notify-sns.js, as in the
// Lambda's zip) run in a fresh node process against moto, with the environment the vault stack
// writes, for an S3 notification, a rejected handover (its report loads the notifier), the hourly
// run, and settings that are missing.
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoverKey, sourceArchivePrefix, vaultCursorKey } from '../../../handler/contract/archive-layout';
import { buildHandover, formatHandover } from '../../../handler/contract/handover';
import { MANIFEST_FILE_NAME } from '../../../handler/contract/manifest';
import { VAULT_VERIFICATION_SUCCEEDED } from '../../../handler/contract/metric-names';
import { writeVaultSettings } from '../../../handler/contract/vault-settings';
import { motoS3, putObjects, rerootedExport, subscribeQueue, type TopicQueue } from '../../e2e/support/archive-exports';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../../support/moto';
import { builtHandler, motoProcessEnv, scheduledEvent } from '../../support/moto-rds';
import { motoMissing, requireTool } from '../../support/tools';

const runs = requireTool('the bundled vault verifier against moto', motoMissing());
// moto's default account plays both the vault and its one source here: the bundle is what is tested.
const ACCOUNT = '123456789012';
const BUCKET = 'rds-archive-vault-bundle';
const PREFIX = sourceArchivePrefix('exports', ACCOUNT);
const TOPIC = 'rds-archive-vault-bundle-notifications';
const ENV = writeVaultSettings({
  archiveBucket: BUCKET,
  archivePrefix: 'exports',
  sourceAccountIds: [ACCOUNT],
  archiveName: 'rds-archive',
  catalogEnabled: false,
  notifyTopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:${TOPIC}`,
});

/** Runs the bundled vault-record.js's handler in a fresh node process, as Lambda would. */
function runVaultRecord(endpoint: string, env: Record<string, string>, event: unknown): { ok: boolean; error?: string; logs: Array<Record<string, unknown>> } {
  const entry = path.join(path.dirname(builtHandler()), 'vault-record.js');
  const script = `require(${JSON.stringify(entry)}).handler(JSON.parse(process.env.HANDLER_EVENT)).then(() => process.exit(0), (e) => { console.error('HANDLER_ERROR ' + e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: motoProcessEnv(endpoint, { ...env, HANDLER_EVENT: JSON.stringify(event) }),
  });
  const error = /HANDLER_ERROR (.*)/.exec(result.stderr)?.[1];
  if (result.status !== 0 && error === undefined) throw new Error(`the verifier process failed:\n${result.stderr}`);
  const logs = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { ok: result.status === 0, error, logs };
}

const notification = (key: string) => ({
  Records: [
    { eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/') } } },
  ],
});

describe.runIf(runs)('the bundled vault verifier (moto)', () => {
  let moto: Moto;
  let s3: S3Client;
  let queue: TopicQueue;
  const at = new Date();
  const task = {
    ExportTaskIdentifier: 'orders-manual-1-0123456789',
    SourceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:orders-manual-1`,
    S3Bucket: BUCKET,
    S3Prefix: `${PREFIX}/orders-db`,
    Status: 'COMPLETE',
    SnapshotTime: new Date(at.getTime() - 3_600_000),
  };
  const key = handoverKey(PREFIX, at, task.ExportTaskIdentifier);
  const exists = async (k: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: k }))).Contents ?? []).some((o) => o.Key === k);

  beforeAll(async () => {
    moto = await startMoto();
    s3 = motoS3(moto.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const sns = new SNSClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TOPIC }));
    sns.destroy();
    queue = await subscribeQueue(moto.endpoint, TopicArn!, 'vault-bundle-notifications');
    const target = {
      bucket: BUCKET,
      s3Prefix: task.S3Prefix,
      exportTaskIdentifier: task.ExportTaskIdentifier,
      snapshotArn: task.SourceArn,
      snapshotTime: task.SnapshotTime,
    };
    await putObjects(s3, BUCKET, rerootedExport('postgres-complete', target));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: formatHandover(buildHandover(task, ACCOUNT, at)) }));
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('verifies the export a notified handover names', async () => {
    const run = runVaultRecord(moto.endpoint, ENV, notification(key));
    expect(run).toMatchObject({ ok: true });
    expect(run.logs).toContainEqual(expect.objectContaining({ decision: 'verified', handover: key, sourceAccountId: ACCOUNT }));
    expect(await exists(`${task.S3Prefix}/${task.ExportTaskIdentifier}/${MANIFEST_FILE_NAME}`)).toBe(true);
  });

  it('rejects a handover for another bucket without failing the invocation, and reports it through the notifier beside it', async () => {
    const forged = handoverKey(PREFIX, new Date(at.getTime() + 1), 'orders-manual-2-0123456789');
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: forged,
        Body: formatHandover(
          buildHandover({ ...task, ExportTaskIdentifier: 'orders-manual-2-0123456789', S3Bucket: 'elsewhere' }, ACCOUNT, new Date(at.getTime() + 1)),
        ),
      }),
    );
    const run = runVaultRecord(moto.endpoint, ENV, notification(forged));
    expect(run).toMatchObject({ ok: true });
    expect(run.logs).toContainEqual(expect.objectContaining({ level: 'ERROR', decision: 'rejected', notified: true }));
    const reported = await queue.drain();
    expect(reported.map((n) => n.Subject)).toEqual(['RDS snapshot archive: a handover was rejected']);
    expect(reported[0]!.Message).toMatch(/S3Bucket "elsewhere" is not this vault's bucket/);
  });

  it('the hourly run writes its cursor and emits its heartbeat', async () => {
    const run = runVaultRecord(moto.endpoint, ENV, scheduledEvent({ account: ACCOUNT }));
    expect(run).toMatchObject({ ok: true });
    expect(run.logs).toContainEqual(expect.objectContaining({ vaultVerification: 'finished' }));
    expect(run.logs.filter((l) => l[VAULT_VERIFICATION_SUCCEEDED] === 1)).toHaveLength(1);
    expect(await exists(vaultCursorKey('exports'))).toBe(true);
  });

  it('fails every invocation, naming the variable, when the source accounts are not set', () => {
    const { SOURCE_ACCOUNT_IDS: _unset, ...withoutSources } = ENV;
    const run = runVaultRecord(moto.endpoint, withoutSources, scheduledEvent({ account: ACCOUNT }));
    expect(run).toMatchObject({ ok: false, error: expect.stringMatching(/SOURCE_ACCOUNT_IDS is required/) });
  });
});
