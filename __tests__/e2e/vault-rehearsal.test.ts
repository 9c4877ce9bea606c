// The two-account rehearsal of a vault deployment against moto: terraform applies the vault stack
// in account 111111111111 and the source stack in 222222222222 (each provider's assume_role makes
// moto serve that role's account), the source's exporter starts an export into the vault's bucket
// with the vault's key, its completion path hands the export over, the vault verifier (run
// in-process with the vault account's clients, as moto runs no Lambda) verifies and catalogs it in
// the vault, doctor checks both accounts, and both stacks are destroyed.
import { GetDatabaseCommand } from '@aws-sdk/client-glue';
import { GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { CreateEventSubscriptionCommand, DeleteEventSubscriptionCommand, DescribeEventSubscriptionsCommand } from '@aws-sdk/client-rds';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../cli/doctor/report';
import { runDoctor } from '../../cli/doctor/run';
import type { AwsClients } from '../../handler/aws/clients';
import { setLogSink } from '../../handler/common/log';
import {
  ARCHIVE_DIMENSION,
  glueDatabaseName,
  handoversPrefix,
  MANIFEST_FILE_NAME,
  METRICS_NAMESPACE,
  parseManifest,
  RECONCILIATION_SUCCEEDED,
  VAULT_VERIFICATION_SUCCEEDED,
  readSettings,
  readVaultSettings,
  type Settings,
  sourceCatalogName,
  type VaultSettings,
} from '../../handler/contract';
import { reportExportOutcome } from '../../handler/exporting/export-outcome';
import { scheduledReconciliation } from '../../handler/exporting/reconcile';
import { parseSnsRecord, type SnapshotEvent } from '../../handler/rules/rds-event';
import { objectsOfS3Event, verifyNotifiedHandovers } from '../../handler/vault/vault-run';
import { exportCompletedMessage, snsEvent } from '../support/exporter-events';
import { type Moto, startMoto } from '../support/moto';
import { createInstanceSnapshot, exportTasksOf } from '../support/moto-rds';
import { motoMissing, requireTool, terraformMissing } from '../support/tools';
import { doctorClients, handlerClients, SOURCE, SOURCE_STACK, synthesizeVault, VAULT, VAULT_REHEARSAL_CONFIG, VAULT_STACK } from './rehearsal/vault-accounts';
import { putObjects, rerootedExport } from './support/archive-exports';
import { initArgs, type MotoStack, prepareMotoStack, step } from './support/terraform-moto';
import * as path from 'node:path';

const runs = requireTool('vault rehearsal', terraformMissing() ?? motoMissing());
const BUCKET = `rds-archive-e2ev-${VAULT}-us-east-1`;
const LOG_BUCKET = `rds-archive-e2ev-logs-${VAULT}-us-east-1`;
const KEY_ALIAS_ARN = `arn:aws:kms:us-east-1:${VAULT}:alias/rds-archive-e2ev`;

/** Runs `act` with the handler's log lines kept out of the test output. */
async function quietly<T>(act: () => Promise<T>): Promise<T> {
  setLogSink(() => {});
  try {
    return await act();
  } finally {
    setLogSink((line) => console.log(line));
  }
}

function byId(results: readonly CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

/** A scheduled run's heartbeat in `account`, as the deployed function would emit it (moto runs no Lambda), a few minutes ago (moto leaves a datapoint at the window's very end out). */
async function reportHeartbeat(endpoint: string, account: string, metricName: string): Promise<void> {
  await doctorClients(endpoint, account).cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: METRICS_NAMESPACE,
      MetricData: [
        {
          MetricName: metricName,
          Dimensions: [{ Name: ARCHIVE_DIMENSION, Value: 'rds-archive-e2ev' }],
          Value: 1,
          Timestamp: new Date(Date.now() - 5 * 60_000),
        },
      ],
    }),
  );
}

describe.runIf(runs)('vault rehearsal: two accounts against moto', () => {
  let moto: Moto;
  let vaultStack: MotoStack;
  let sourceStack: MotoStack;
  const applied: Record<string, { code: number; output: string }> = {};
  let vault: Required<AwsClients>;
  let source: Required<AwsClients>;
  let sourceSettings: Settings;
  let vaultSettings: VaultSettings;
  let vaultBucketPolicy: string | undefined;
  let exported: { snapshotArn: string; folder: string; exportTaskIdentifier: string };
  let destroyed = false;

  beforeAll(async () => {
    moto = await startMoto();
    vault = handlerClients(moto.endpoint, VAULT);
    source = handlerClients(moto.endpoint, SOURCE);
    const stacks = synthesizeVault();
    vaultStack = prepareMotoStack(path.join(stacks, VAULT_STACK), moto.endpoint);
    sourceStack = prepareMotoStack(path.join(stacks, SOURCE_STACK), moto.endpoint);
    // The vault first: the sources' roles are named in its policies by account and name, not by reference.
    for (const [name, stack] of [
      [VAULT_STACK, vaultStack],
      [SOURCE_STACK, sourceStack],
    ] as const) {
      step(`terraform init and apply ${name}`);
      const init = await stack.terraform(initArgs());
      applied[name] = init.code !== 0 ? init : await stack.terraform(['apply', '-auto-approve', '-input=false']);
    }
  }, 900_000);

  afterAll(async () => {
    if (!destroyed && sourceStack !== undefined) await takeDown();
    await moto?.stop();
  }, 900_000);

  /** Empties the bucket (without its TLS-only policy; the retention is GOVERNANCE, so it may be bypassed), and destroys the source then the vault. */
  async function takeDown(): Promise<Array<{ code: number; output: string }>> {
    // moto delivers the vault bucket's access logs into the log bucket: logging stops (terraform
    // would stop it too, but only after more requests were logged), and the log bucket is emptied too.
    await vault.s3.send(new PutBucketLoggingCommand({ Bucket: BUCKET, BucketLoggingStatus: {} })).catch(() => undefined);
    for (const bucket of [BUCKET, LOG_BUCKET]) {
      await vault.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })).catch(() => undefined);
      const versions = await vault.s3.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch(() => undefined);
      for (const v of [...(versions?.Versions ?? []), ...(versions?.DeleteMarkers ?? [])]) {
        await vault.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: true }));
      }
    }
    destroyed = true;
    step('terraform destroy (source, then vault)');
    return [
      await sourceStack.terraform(['destroy', '-auto-approve', '-input=false']),
      await vaultStack.terraform(['destroy', '-auto-approve', '-input=false']),
    ];
  }

  it('applies the vault stack in the vault account and the source stack in the source account', async () => {
    for (const name of [VAULT_STACK, SOURCE_STACK]) {
      expect(applied[name]!.code, applied[name]!.output.slice(-3000)).toBe(0);
      expect(applied[name]!.output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    }
    await expect(vault.s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
    const exporter = await doctorClients(moto.endpoint, SOURCE).lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'rds-archive-e2ev-exporter' }));
    expect(exporter.FunctionArn).toBe(`arn:aws:lambda:us-east-1:${SOURCE}:function:rds-archive-e2ev-exporter`);
    sourceSettings = readSettings(exporter.Environment?.Variables ?? {});
    const verifier = await doctorClients(moto.endpoint, VAULT).lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'rds-archive-e2ev-vault-verifier' }),
    );
    expect(verifier.FunctionArn).toBe(`arn:aws:lambda:us-east-1:${VAULT}:function:rds-archive-e2ev-vault-verifier`);
    vaultSettings = readVaultSettings(verifier.Environment?.Variables ?? {});
    expect(vaultSettings).toMatchObject({ archiveBucket: BUCKET, sourceAccountIds: [SOURCE] });
  });

  it(`starts the source's export into the vault bucket under exports/${SOURCE}/<database>/ with the vault key`, async () => {
    // Prepare
    const snapshotArn = await createInstanceSnapshot(source.rds, 'orders-db', 'orders-manual-1');

    // Act: the source's reconciliation, with the deployed exporter's settings and the source account's clients.
    await quietly(() => scheduledReconciliation(sourceSettings, new Date(), source));

    // Assess
    const [task] = await exportTasksOf(source.rds, snapshotArn);
    expect(task).toMatchObject({ S3Bucket: BUCKET, S3Prefix: `exports/${SOURCE}/orders-db`, KmsKeyId: KEY_ALIAS_ARN });
    expect(task!.IamRoleArn).toBe(`arn:aws:iam::${SOURCE}:role/rds-archive-e2ev-us-east-1-export`);
    exported = { snapshotArn, folder: `${task!.S3Prefix}/${task!.ExportTaskIdentifier}/`, exportTaskIdentifier: task!.ExportTaskIdentifier! };
  });

  it("writes the export's files into the vault, and the source's completion path hands it over", async () => {
    // Prepare: moto serves plain HTTP, so the bucket's TLS-only Deny refuses object I/O; the
    // policy is kept and put back before doctor and destroy.
    vaultBucketPolicy = (await vault.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy;
    expect(vaultBucketPolicy).toContain('DenySourcesDeletingOrUnlocking');
    await vault.s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));
    const [task] = await exportTasksOf(source.rds, exported.snapshotArn);
    await putObjects(
      source.s3,
      BUCKET,
      rerootedExport('postgres-all-types', {
        bucket: BUCKET,
        s3Prefix: task!.S3Prefix!,
        exportTaskIdentifier: exported.exportTaskIdentifier,
        snapshotArn: exported.snapshotArn,
        snapshotTime: task!.SnapshotTime ?? new Date(),
      }),
    );
    const parsed = parseSnsRecord(
      snsEvent(exportCompletedMessage('orders-manual-1', exported.snapshotArn), {
        topicArn: `arn:aws:sns:us-east-1:${SOURCE}:rds-archive-e2ev-snapshot-events`,
        messageId: 'vault-rehearsal-1',
      }).Records[0],
    );
    if (!parsed.ok) throw new Error(parsed.reason);

    // Act
    const outcome = await quietly(() => reportExportOutcome(parsed.event as SnapshotEvent, sourceSettings, source));

    // Assess
    expect(outcome).toMatchObject({ decision: 'exported', reason: expect.stringContaining(`handed over to the vault ${VAULT}`) });
    const handovers = (await vault.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: handoversPrefix(sourceSettings.archivePrefix) }))).Contents ?? [];
    expect(handovers.map((o) => o.Key)).toEqual([expect.stringMatching(new RegExp(`-${exported.exportTaskIdentifier}\\.json$`))]);
  });

  it('verifies and catalogs the handed-over export in the vault account, with the vault’s credentials', async () => {
    // Prepare: the S3 notification the vault bucket sends the verifier for the handover.
    const handovers = (await vault.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: handoversPrefix(sourceSettings.archivePrefix) }))).Contents ?? [];
    const event = {
      Records: handovers.map((o) => ({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: BUCKET }, object: { key: o.Key } } })),
    };

    // Act
    const result = await quietly(() => verifyNotifiedHandovers(objectsOfS3Event(event), vaultSettings, new Date(), vault));

    // Assess
    expect(result.failures).toEqual([]);
    const manifest = parseManifest(
      await (await vault.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${exported.folder}${MANIFEST_FILE_NAME}` }))).Body!.transformToString('utf-8'),
    );
    expect(manifest).toMatchObject({
      outcome: 'verified',
      exportTaskIdentifier: exported.exportTaskIdentifier,
      taskDescription: { from: 'handover', sourceAccountId: SOURCE },
    });
    const database = glueDatabaseName(sourceCatalogName(vaultSettings.archiveName, SOURCE), 'orders-db');
    await expect(vault.glue.send(new GetDatabaseCommand({ Name: database }))).resolves.toMatchObject({ Database: { Name: database } });
    await expect(source.glue.send(new GetDatabaseCommand({ Name: database }))).rejects.toMatchObject({ name: 'EntityNotFoundException' });
  });

  it('doctor in the vault account: every vault check OK', async () => {
    // Prepare: the bucket policy back as deployed, and the hourly sweep's heartbeat.
    await vault.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: vaultBucketPolicy }));
    await reportHeartbeat(moto.endpoint, VAULT, VAULT_VERIFICATION_SUCCEEDED);

    // Act
    const results = byId(
      await runDoctor(
        {},
        {
          clients: doctorClients(moto.endpoint, VAULT),
          endpoint: moto.endpoint,
          localFunctionName: () => 'rds-archive-e2ev-exporter',
          localVault: () => ({ verifierName: 'rds-archive-e2ev-vault-verifier', objectLock: VAULT_REHEARSAL_CONFIG.vault.objectLock }),
        },
      ),
    );

    // Assess
    step(
      `doctor (vault): ${Object.values(results)
        .map((r) => `${r.id} ${r.status}`)
        .join(', ')}`,
    );
    expect(
      Object.values(results).filter((r) => r.status !== 'ok'),
      JSON.stringify(results, null, 2),
    ).toEqual([]);
    expect(Object.keys(results)).toEqual([
      'vault-verifier',
      'vault-bucket',
      'vault-bucket-policy',
      'vault-key-policy',
      'vault-verifier-triggers',
      'vault-access-logging',
      'vault-sweep',
      'vault-alarms',
    ]);
  });

  it('doctor in the source account: every check it can answer OK, the vault side "could not check" with why', async () => {
    // Prepare: the reconciliation's heartbeat.
    await reportHeartbeat(moto.endpoint, SOURCE, RECONCILIATION_SUCCEEDED);

    // Act
    const results = byId(
      await runDoctor({}, { clients: doctorClients(moto.endpoint, SOURCE), endpoint: moto.endpoint, localFunctionName: () => 'rds-archive-e2ev-exporter' }),
    );

    // Assess
    step(
      `doctor (source): ${Object.values(results)
        .map((r) => `${r.id} ${r.status}`)
        .join(', ')}`,
    );
    const notOk = Object.values(results).filter((r) => r.status !== 'ok');
    expect(
      notOk.map((r) => `${r.id} ${r.status}`),
      JSON.stringify(notOk, null, 2),
    ).toEqual(['vault-side could-not-check']);
    expect(results['vault-side']!.detail).toContain(`belong to account ${VAULT}`);
    expect(results['source-vault-settings']!.detail).toContain(`exports go to s3://${BUCKET}/exports/${SOURCE}/`);
  });

  it('doctor names each broken piece with its fix, one at a time, in the account that has it', async () => {
    const vaultDoctor = async () =>
      byId(
        await runDoctor(
          {},
          {
            clients: doctorClients(moto.endpoint, VAULT),
            endpoint: moto.endpoint,
            localFunctionName: () => 'rds-archive-e2ev-exporter',
            localVault: () => ({ verifierName: 'rds-archive-e2ev-vault-verifier', objectLock: VAULT_REHEARSAL_CONFIG.vault.objectLock }),
          },
        ),
      );
    const sourceDoctor = async () =>
      byId(
        await runDoctor({}, { clients: doctorClients(moto.endpoint, SOURCE), endpoint: moto.endpoint, localFunctionName: () => 'rds-archive-e2ev-exporter' }),
      );
    const problems = (results: Record<string, CheckResult>) => Object.values(results).filter((r) => r.status === 'problem');
    const vaultAws = doctorClients(moto.endpoint, VAULT);
    const sourceAws = doctorClients(moto.endpoint, SOURCE);
    const exportRole = `arn:aws:iam::${SOURCE}:role/rds-archive-e2ev-us-east-1-export`;
    const without = (policy: string, sid: string) => {
      const document = JSON.parse(policy) as { Statement: Array<{ Sid?: string }> };
      return JSON.stringify({ ...document, Statement: document.Statement.filter((st) => st.Sid !== sid) });
    };

    // A bucket policy that denies the export role (vault).
    const denying = JSON.parse(vaultBucketPolicy!) as { Statement: unknown[] };
    denying.Statement.push({
      Sid: 'FreezeWrites',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { ArnEquals: { 'aws:PrincipalArn': exportRole } },
    });
    await vault.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(denying) }));
    const bucketBroken = await vaultDoctor();
    await vault.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: vaultBucketPolicy }));
    expect(problems(bucketBroken).map((r) => r.id)).toEqual(['vault-bucket-policy']);
    expect(bucketBroken['vault-bucket-policy']).toMatchObject({
      detail: expect.stringContaining(`does not allow the export role ${exportRole} s3:PutObject`),
      fix: expect.stringContaining('deploy the vault stack'),
    });
    expect(bucketBroken['vault-bucket-policy']!.detail).toContain('(statement FreezeWrites)');

    // The key's grant to the export role removed (vault).
    const keyId = (await vaultAws.kms.send(new DescribeKeyCommand({ KeyId: 'alias/rds-archive-e2ev' }))).KeyMetadata!.KeyId!;
    const keyPolicy = (await vaultAws.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy!;
    await vaultAws.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: without(keyPolicy, 'SourceExportRolesEncryptExports') }));
    const keyBroken = await vaultDoctor();
    await vaultAws.kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: keyPolicy }));
    expect(problems(keyBroken).map((r) => r.id)).toEqual(['vault-key-policy']);
    expect(keyBroken['vault-key-policy']!.detail).toContain(`does not allow the export role ${exportRole} kms:Encrypt`);

    // The export role's own key statement removed (source).
    const rolePolicy = decodeURIComponent(
      (await sourceAws.iam.send(new GetRolePolicyCommand({ RoleName: 'rds-archive-e2ev-us-east-1-export', PolicyName: 'write-exports' }))).PolicyDocument!,
    );
    const putRolePolicy = (document: string) =>
      sourceAws.iam.send(new PutRolePolicyCommand({ RoleName: 'rds-archive-e2ev-us-east-1-export', PolicyName: 'write-exports', PolicyDocument: document }));
    await putRolePolicy(without(rolePolicy, 'EncryptExportObjects'));
    const roleBroken = await sourceDoctor();
    await putRolePolicy(rolePolicy);
    expect(problems(roleBroken).map((r) => r.id)).toEqual(['source-export-role-reach']);
    expect(roleBroken['source-export-role-reach']).toMatchObject({
      detail: expect.stringContaining(`does not allow kms:Encrypt on arn:aws:kms:us-east-1:${VAULT}:key/doctor-probe`),
      fix: expect.stringContaining('deploy the source stack'),
    });

    // A disabled event subscription (source): moto cannot modify one, so it is recreated disabled.
    const name = 'rds-archive-e2ev-instance-snapshots';
    const [subscription] = (await sourceAws.rds.send(new DescribeEventSubscriptionsCommand({ SubscriptionName: name }))).EventSubscriptionsList!;
    await sourceAws.rds.send(new DeleteEventSubscriptionCommand({ SubscriptionName: name }));
    await sourceAws.rds.send(
      new CreateEventSubscriptionCommand({
        SubscriptionName: name,
        SnsTopicArn: subscription!.SnsTopicArn!,
        SourceType: subscription!.SourceType!,
        EventCategories: subscription!.EventCategoriesList!,
        Enabled: false,
      }),
    );
    const subscriptionBroken = await sourceDoctor();
    expect(problems(subscriptionBroken).map((r) => r.id)).toEqual(['event-subscriptions']);
    expect(subscriptionBroken['event-subscriptions']!.detail).toContain(name);
    expect(subscriptionBroken['event-subscriptions']!.fix).toBeDefined();
  });

  it('destroys both stacks', async () => {
    const [sourceDestroy, vaultDestroy] = await takeDown();
    expect(sourceDestroy!.code, sourceDestroy!.output.slice(-3000)).toBe(0);
    expect(vaultDestroy!.code, vaultDestroy!.output.slice(-3000)).toBe(0);
    expect((await sourceStack.terraform(['state', 'list'])).output.trim()).toBe('');
    expect((await vaultStack.terraform(['state', 'list'])).output.trim()).toBe('');
  });
});
