// `archive doctor` against deployments built in moto: every check OK on a healthy one, and one
// broken piece at a time named with its fix. moto does not implement IAM's
// SimulatePrincipalPolicy, so the checks that need it say they could not check, and why.
import { spawnSync } from 'node:child_process';
import { PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorClients } from '../../cli/doctor/clients';
import type { CheckResult } from '../../cli/doctor/report';
import { runDoctor } from '../../cli/doctor/run';
import { archiveAccessStatements } from '../../stacks/archive-access';
import { doctorStatements, operatorPolicy } from '../../stacks/operator-policy';
import { type Moto, startMoto } from '../support/moto';
import { createMotoDeployment, MOTO_ACCOUNT, type MotoDeployment, motoDoctorClients, RECONCILE_EVERY_MINUTES } from '../support/moto-deployment';
import { motoProcessEnv } from '../support/moto-rds';
import { PROJECT_ROOT } from '../support/paths';
import { motoMissing, requireTool } from '../support/tools';

const runs = requireTool('archive doctor against moto', motoMissing());

/** What moto answers to SimulatePrincipalPolicy, as doctor words it. */
const MOTO_CANNOT_SIMULATE = /did not answer SimulatePrincipalPolicy \(HTTP 500\): an emulator such as moto does not implement it/;

/** The results by check id. */
function byId(results: readonly CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

/** Records every command the clients send, as "<client>:<command name>" (each client is named after its service). */
function recordCommands(clients: DoctorClients): string[] {
  const sent: string[] = [];
  for (const [service, client] of Object.entries(clients) as [string, { middlewareStack: { add: (m: unknown, o: unknown) => void } }][]) {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        sent.push(`${service}:${context.commandName ?? '?'}`);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandName' },
    );
  }
  return sent;
}

describe.runIf(runs)('archive doctor against moto', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  async function doctorOf(deployment: MotoDeployment, clients: DoctorClients = motoDoctorClients(moto.endpoint)): Promise<Record<string, CheckResult>> {
    return byId(await runDoctor({ functionName: deployment.functionName }, { clients, endpoint: moto.endpoint }));
  }

  it('a healthy deployment: every check OK but the IAM simulation, which moto cannot answer; only reads are sent', async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-healthy');
    const clients = motoDoctorClients(moto.endpoint);
    const sent = recordCommands(clients);

    // Act
    const results = await doctorOf(deployment, clients);

    // Assess
    const notOk = Object.values(results).filter((r) => r.status !== 'ok');
    expect(notOk.map((r) => r.id)).toEqual(['export-role-permissions']);
    expect(results['export-role-permissions']!.status).toBe('could-not-check');
    expect(results['export-role-permissions']!.detail).toMatch(MOTO_CANNOT_SIMULATE);
    expect(results.exporter!.detail).toContain(`doc-healthy-exporter (us-east-1, account ${MOTO_ACCOUNT}) exists and its settings parse`);
    expect(results['event-subscriptions']!.detail).toContain(`publish to ${deployment.topicArn}`);
    expect(results['key-policy']!.detail).toContain(`lets ${deployment.exportRoleArn} kms:Encrypt, kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey`);
    expect(results.bucket!.detail).toBe(`s3://${deployment.bucket} is reachable, versioned, and encrypted by default with ${deployment.keyArn}`);
    expect(results.reconciliation!.detail).toContain(`within two periods (${2 * RECONCILE_EVERY_MINUTES} minutes)`);
    expect(results['dead-letters']!.detail).toBe(`${deployment.queueUrl} is empty`);
    expect(results.alarms!.detail).toMatch(/^5 alarm\(s\), none in ALARM: doc-healthy-archive-lag OK, /);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.filter((name) => !/^\w+:(Get|Describe|List|Simulate)\w*Command$/.test(name))).toEqual([]);
  });

  it("the operator policy allows exactly the calls doctor makes, on the deployment's resources", async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-policy');
    const clients = motoDoctorClients(moto.endpoint);
    const sent = recordCommands(clients);
    const scope = { partition: 'aws', accountId: MOTO_ACCOUNT, region: 'us-east-1', dnsSuffix: 'amazonaws.com' };
    const bucketArn = `arn:aws:s3:::${deployment.bucket}`;
    const targets = {
      scope,
      baseName: deployment.baseName,
      eventTopicArn: deployment.topicArn,
      exportRoleArn: deployment.exportRoleArn,
      kmsKeyArn: deployment.keyArn,
      bucketArn,
      deadLetterQueueArn: `arn:aws:sqs:us-east-1:${MOTO_ACCOUNT}:doc-policy-dead-letters`,
    };
    const archiveAccess = archiveAccessStatements({
      scope,
      exportRoleArn: deployment.exportRoleArn,
      kmsKeyArn: deployment.keyArn,
      bucketArn,
      archivePrefix: 'exports',
      notificationsTopicArn: `arn:aws:sns:us-east-1:${MOTO_ACCOUNT}:doc-policy-notifications`,
    });
    const allowed = operatorPolicy(archiveAccess, deployment.functionArn, targets).flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...s.Action]));

    // Act
    await doctorOf(deployment, clients);
    await runDoctor({ functionName: 'doc-policy-missing-exporter' }, { clients, endpoint: moto.endpoint });

    // Assess: each call as the IAM action that authorizes it (GetBucketEncryption is s3:GetEncryptionConfiguration).
    const actions = new Set(sent.map((call) => call.replace(/Command$/, '').replace('s3:GetBucketEncryption', 's3:GetEncryptionConfiguration')));
    expect([...actions].filter((action) => !allowed.includes(action))).toEqual([]);
    const doctorOnly = doctorStatements(targets).flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...s.Action]));
    expect(doctorOnly.filter((action) => !actions.has(action))).toEqual([]);
  });

  it('a disabled event subscription: names it and how to enable it', async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-disabled', { disabledSubscriptions: ['cluster-snapshots'] });

    // Act
    const results = await doctorOf(deployment);

    // Assess
    expect(results['event-subscriptions']).toMatchObject({
      status: 'problem',
      detail: 'doc-disabled-cluster-snapshots is disabled: RDS sends no db-cluster-snapshot events, so snapshots are exported only by the reconciliation',
      fix: 'enable it: aws rds modify-event-subscription --subscription-name doc-disabled-cluster-snapshots --enabled (or npx cdktf deploy)',
    });
    expect(
      Object.values(results)
        .filter((r) => r.status === 'problem')
        .map((r) => r.id),
    ).toEqual(['event-subscriptions']);
  });

  it("the key policy without the export role's statement, the account's delegation kept: could not check, because moto cannot simulate IAM", async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-keydelegated', {
      keyPolicy: (statements) => statements.filter((s) => s.Sid !== 'ExportRoleEncryptsExports'),
    });

    // Act
    const results = await doctorOf(deployment);

    // Assess
    const key = results['key-policy']!;
    expect(key.status).toBe('could-not-check');
    expect(key.detail).toContain(
      `the policy of ${deployment.keyArn} does not name the export role for kms:Encrypt, kms:Decrypt, kms:GenerateDataKey, kms:DescribeKey`,
    );
    expect(key.detail).toMatch(MOTO_CANNOT_SIMULATE);
    expect(key.fix).toContain('statement ExportRoleEncryptsExports');
  });

  it("the key policy without the export role's statement and no delegation to IAM: a problem naming the role and the statement to restore", async () => {
    // Prepare: the account administers the key but does not delegate its use to IAM policies.
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-keyremoved', {
      keyPolicy: (statements) =>
        statements
          .filter((s) => s.Sid !== 'ExportRoleEncryptsExports')
          .map((s) =>
            s.Sid === 'AccountControlsTheKey' ? { ...s, Action: ['kms:Describe*', 'kms:Put*', 'kms:Get*', 'kms:List*', 'kms:ScheduleKeyDeletion'] } : s,
          ),
    });

    // Act
    const results = await doctorOf(deployment);

    // Assess
    const key = results['key-policy']!;
    expect(key.status).toBe('problem');
    expect(key.detail).toBe(
      `the policy of ${deployment.keyArn} does not let the export role ${deployment.exportRoleArn} use the key (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey): no statement names the role or its account, so exports cannot encrypt their files`,
    );
    expect(key.fix).toContain("restore the key policy's statement ExportRoleEncryptsExports");
  });

  it('a bucket policy that denies the export role: names the statement and the actions', async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-bucketdeny');
    const clients = motoDoctorClients(moto.endpoint);
    await clients.s3.send(
      new PutBucketPolicyCommand({
        Bucket: deployment.bucket,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'NoWritesByExports',
              Effect: 'Deny',
              Principal: { AWS: deployment.exportRoleArn },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${deployment.bucket}/*`,
            },
          ],
        }),
      }),
    );

    // Act
    const results = await doctorOf(deployment, clients);

    // Assess
    expect(results['bucket-policy']).toMatchObject({ status: 'problem' });
    expect(results['bucket-policy']!.detail).toBe(
      `the policy of s3://${deployment.bucket} denies the export role ${deployment.exportRoleArn} s3:PutObject on arn:aws:s3:::${deployment.bucket}/exports/doctor-probe/export_info_doctor-probe.json (statement NoWritesByExports): exports fail`,
    );
    expect(results['bucket-policy']!.fix).toContain('remove or narrow the statement NoWritesByExports');
    expect(
      Object.values(results)
        .filter((r) => r.status === 'problem')
        .map((r) => r.id),
    ).toEqual(['bucket-policy']);
  });

  it('a message in the dead-letter queue: says how many and how to read them', async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-deadletter');
    const clients = motoDoctorClients(moto.endpoint);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: deployment.queueUrl, MessageBody: '{"Records":[]}' }));

    // Act
    const results = await doctorOf(deployment, clients);

    // Assess
    expect(results['dead-letters']).toMatchObject({
      status: 'problem',
      detail: `1 message(s) wait in ${deployment.queueUrl}: snapshot events the exporter could not handle after its retries`,
    });
    expect(results['dead-letters']!.fix).toContain(`aws sqs receive-message --queue-url ${deployment.queueUrl}`);
  });

  it('no reconciliation within two periods: a problem that says where to look', async () => {
    // Prepare
    const deployment = await createMotoDeployment(moto.endpoint, 'doc-silent', { heartbeatMinutesAgo: 3 * RECONCILE_EVERY_MINUTES });

    // Act
    const results = await doctorOf(deployment);

    // Assess
    expect(results.reconciliation!.status).toBe('problem');
    expect(results.reconciliation!.detail).toMatch(/^no reconciliation has succeeded in the last two periods \(30 minutes; .*: the last at /);
    expect(results.reconciliation!.fix).toContain('aws logs tail /aws/lambda/doc-silent-exporter');
  });

  it('no exporter: the first check names what it can see and the others wait for it', async () => {
    // Prepare
    const clients = motoDoctorClients(moto.endpoint);

    // Act
    const results = await runDoctor({ functionName: 'doc-nowhere-exporter' }, { clients, endpoint: moto.endpoint });

    // Assess
    expect(results[0]).toMatchObject({ id: 'exporter', status: 'problem' });
    expect(results[0]!.detail).toMatch(
      /^the exporter function "doc-nowhere-exporter" was not found in us-east-1\. Exporter functions visible in us-east-1: .*doc-healthy-exporter/,
    );
    expect(results.slice(1).map((r) => r.status)).toEqual(Array(11).fill('could-not-check'));
    expect(results[1]!.detail).toBe("needs the exporter's settings (see the first check)");
  });

  it('as npm run archive runs it: the report on stdout and exit 0, --json one document, exit 1 with a problem', async () => {
    // Prepare
    const healthy = await createMotoDeployment(moto.endpoint, 'doc-cli');
    const broken = await createMotoDeployment(moto.endpoint, 'doc-cli-broken', { disabledSubscriptions: ['instance-snapshots'] });
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', 'doctor', ...args], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: motoProcessEnv(moto.endpoint, {}),
      });

    // Act
    const text = cli(['--function', healthy.functionName]);
    const json = cli(['--json', '--function', healthy.functionName]);
    const failing = cli(['--json', '--function', broken.functionName]);

    // Assess
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^OK {15}The exporter function and its settings\n/);
    expect(text.stdout).toMatch(/^COULD NOT CHECK {2}Export role may write the bucket under the prefix and use the key$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('12 checks: 11 OK, 0 problems, 1 could not check');
    const document = JSON.parse(json.stdout) as { ok: boolean; exitCode: number; checks: CheckResult[] };
    expect(json.status).toBe(0);
    expect(document).toMatchObject({ ok: true, exitCode: 0 });
    expect(document.checks).toHaveLength(12);
    expect(failing.status).toBe(1);
    const failed = JSON.parse(failing.stdout) as { ok: boolean; checks: CheckResult[] };
    expect(failed.ok).toBe(false);
    expect(failed.checks.filter((c) => c.status === 'problem').map((c) => c.id)).toEqual(['event-subscriptions']);
  });
});
