// A vault deployment as synth writes it (the issue's example configuration): which stacks, each
// provider's account and role, the source exporter pointed at the vault's bucket, prefix and key,
// the vault's bucket, key and verifier wired to each other, and the reviewed snapshot of both.
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_DIMENSION, METRICS_NAMESPACE, readSettings, readVaultSettings, VAULT_VERIFICATION_SUCCEEDED } from '../../handler/contract';
import { addStacks } from '../../stacks/app-stacks';
import { addressOf, asList, configFrom, named, onlyResource, resources, statement, statementsOf, type SynthesizedStack } from '../support/synth';
import { resolveReferences, synthVaultDeployment } from '../support/synth-vault';
import { SOURCE_ACCOUNT, VAULT_ACCOUNT, VAULT_SETTING } from '../support/vault';

const config = configFrom({ vault: VAULT_SETTING });
const { vault, sources } = synthVaultDeployment(config);
const source = sources[SOURCE_ACCOUNT]!;
const BUCKET = `rds-archive-dev-${VAULT_ACCOUNT}-us-east-1`;
const partition = '${data.aws_partition.partition.partition}';
type LambdaFunction = { environment: { variables: Record<string, string> } };
/** A function's environment with its Terraform references resolved to the values they get when applied. */
const environmentOf = (stack: SynthesizedStack, accountId: string): Record<string, string> =>
  JSON.parse(
    resolveReferences(
      stack,
      JSON.stringify((onlyResource(stack, 'aws_lambda_function') as unknown as LambdaFunction).environment.variables),
      accountId,
      'us-east-1',
    ),
  );

describe('synth with a vault', () => {
  it('writes per region the vault stack and one stack per source account, and no single-account stack', () => {
    // Prepare
    const app = Testing.app();
    const twoRegions = configFrom({ vault: VAULT_SETTING, regions: ['us-east-1', 'eu-west-1'] });

    // Act
    addStacks(app, twoRegions);

    // Assess
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(
      [
        'rds-archive-dev-vault-us-east-1',
        `rds-archive-dev-${SOURCE_ACCOUNT}-us-east-1`,
        'rds-archive-dev-vault-eu-west-1',
        `rds-archive-dev-${SOURCE_ACCOUNT}-eu-west-1`,
      ].sort(),
    );
  });

  it("gives each stack's provider its account's role and accepts no other account", () => {
    expect(vault.provider.aws).toEqual([
      expect.objectContaining({
        allowed_account_ids: [VAULT_ACCOUNT],
        assume_role: [{ role_arn: `arn:aws:iam::${VAULT_ACCOUNT}:role/terraform`, session_name: 'rds-snapshot-archive' }],
      }),
    ]);
    expect(source.provider.aws).toEqual([
      expect.objectContaining({
        allowed_account_ids: [SOURCE_ACCOUNT],
        assume_role: [{ role_arn: `arn:aws:iam::${SOURCE_ACCOUNT}:role/terraform`, session_name: 'rds-snapshot-archive' }],
      }),
    ]);
    const withoutRoles = synthVaultDeployment(configFrom({ vault: { ...VAULT_SETTING, roleArn: undefined, sourceAccounts: [{ accountId: SOURCE_ACCOUNT }] } }));
    expect((withoutRoles.vault.provider.aws![0] as Record<string, unknown>).assume_role).toBeUndefined();
    expect((withoutRoles.vault.provider.aws![0] as Record<string, unknown>).allowed_account_ids).toEqual([VAULT_ACCOUNT]);
  });

  it(`starts the source's exports into the vault bucket under exports/${SOURCE_ACCOUNT}/ with the vault's key, and hands them over`, () => {
    // Act: the handler reads its environment as the deployed function will.
    const settings = readSettings(environmentOf(source, SOURCE_ACCOUNT));

    // Assess
    expect(settings).toMatchObject({
      archiveBucket: BUCKET,
      archivePrefix: `exports/${SOURCE_ACCOUNT}`,
      exportKmsKeyArn: `arn:aws:kms:us-east-1:${VAULT_ACCOUNT}:alias/rds-archive-dev`,
      vaultAccountId: VAULT_ACCOUNT,
      catalogEnabled: false,
    });
    expect(settings.exportRoleArn).toBe(`arn:aws:iam::${SOURCE_ACCOUNT}:role/rds-archive-dev-us-east-1-export`);
  });

  it('holds no bucket, archive key, catalog, workgroup or reader policy in the source stack: those are the vault’s', () => {
    expect(source.resource.aws_s3_bucket).toBeUndefined();
    expect(source.resource.aws_athena_workgroup).toBeUndefined();
    expect(Object.values(source.resource.aws_iam_policy ?? {}).map((p) => p.name)).toEqual(['rds-archive-dev-us-east-1-operator']);
    expect(onlyResource(source, 'aws_kms_alias').name).toBe('alias/rds-archive-dev-topics');
    const exporter = statementsOf(resources(source, 'aws_iam_role_policy').find((p) => String(p.role).includes('exporter'))!.policy);
    expect(exporter.map((s) => s.Sid)).not.toContain('RegisterInCatalog');
    expect(exporter.map((s) => s.Sid)).not.toContain('WriteManifestsOnly');
  });

  it("names the vault key in the source's policies by the key's alias, in the vault account only", () => {
    const exportRole = statementsOf(resources(source, 'aws_iam_role_policy').find((p) => String(p.role).includes('export-role'))!.policy);
    expect(statement(exportRole, 'EncryptExportObjects')).toMatchObject({
      Resource: `arn:${partition}:kms:us-east-1:${VAULT_ACCOUNT}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/rds-archive-dev' } },
    });
    expect(statement(exportRole, 'WriteExportObjects').Resource).toBe(`arn:${partition}:s3:::${BUCKET}/exports/${SOURCE_ACCOUNT}/*`);
    expect(asList(statement(exportRole, 'WriteExportObjects').Action)).not.toContain('s3:DeleteObject');
  });

  it("wires the vault: its key encrypts the bucket, its logs go to the log bucket, the verifier's settings name the bucket and the sources", () => {
    const keyArn = `\${${addressOf(vault, 'aws_kms_key')}.arn}`;
    const archive = named(vault, 'aws_s3_bucket', BUCKET, 'bucket');
    expect(onlyResource(vault, 'aws_kms_alias').name).toBe('alias/rds-archive-dev');
    const encryption = resources(vault, 'aws_s3_bucket_server_side_encryption_configuration').find((e) => e.bucket === `\${${archive.address}.id}`)!;
    expect(encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: keyArn }, bucket_key_enabled: true },
    ]);
    expect(onlyResource(vault, 'aws_s3_bucket_logging')).toMatchObject({
      bucket: `\${${archive.address}.id}`,
      target_bucket: `\${${named(vault, 'aws_s3_bucket', `rds-archive-dev-logs-${VAULT_ACCOUNT}-us-east-1`, 'bucket').address}.bucket}`,
      target_prefix: 'archive-bucket/',
    });
    // S3 checks the log bucket's policy when logging is turned on: logging waits for it.
    const logPolicy = Object.keys(vault.resource.aws_s3_bucket_policy!).find((id) => id.startsWith('access-logs'))!;
    expect(onlyResource(vault, 'aws_s3_bucket_logging').depends_on).toEqual([`aws_s3_bucket_policy.${logPolicy}`]);
    expect(onlyResource(vault, 'aws_lambda_function').handler).toBe('vault-record.handler');
    expect(readVaultSettings(environmentOf(vault, VAULT_ACCOUNT))).toMatchObject({
      archiveBucket: BUCKET,
      archivePrefix: 'exports',
      sourceAccountIds: [SOURCE_ACCOUNT],
      catalogEnabled: true,
    });
    expect(named(vault, 'aws_cloudwatch_event_rule', '-vault-reconcile').resource.schedule_expression).toBe('rate(60 minutes)');
  });

  it("tells the vault's operators when the hourly verification stops succeeding, including when it stops running", () => {
    // The verifier emits VAULT_VERIFICATION_SUCCEEDED after every run that handled every handover (handler/vault/vault-run.ts).
    const alarm = named(vault, 'aws_cloudwatch_metric_alarm', 'rds-archive-dev-vault-verification-silent', 'alarm_name').resource;
    const topic = `\${${addressOf(vault, 'aws_sns_topic')}.arn}`;
    expect(alarm).toMatchObject({
      namespace: METRICS_NAMESPACE,
      metric_name: VAULT_VERIFICATION_SUCCEEDED,
      dimensions: { [ARCHIVE_DIMENSION]: 'rds-archive-dev' },
      period: 3600,
      evaluation_periods: 2,
      comparison_operator: 'LessThanThreshold',
      threshold: 1,
      treat_missing_data: 'breaching',
      alarm_actions: [topic],
      ok_actions: [topic],
    });
    expect(readVaultSettings(environmentOf(vault, VAULT_ACCOUNT)).archiveName).toBe('rds-archive-dev');
    // doctor's vault-sweep and vault-alarms checks read them with the vault's operator policy.
    const operator = statementsOf(named(vault, 'aws_iam_policy', '-operator').resource.policy);
    expect(operator.find((st) => st.Sid === 'DoctorReadsAlarms')).toMatchObject({
      Action: 'cloudwatch:DescribeAlarms',
      Resource: `arn:${partition}:cloudwatch:us-east-1:${VAULT_ACCOUNT}:alarm:rds-archive-dev-*`,
    });
    expect(operator.find((st) => st.Sid === 'DoctorReadsHeartbeat')).toMatchObject({ Action: 'cloudwatch:GetMetricStatistics', Resource: '*' });
  });

  it('matches the reviewed snapshot of both stacks (asset hashes scrubbed)', () => {
    const scrub = (stack: SynthesizedStack) => JSON.stringify(stack, null, 2).replace(/assets\/[a-z]+_code_[0-9A-F]+\/[0-9A-F]+\//g, 'assets/<asset>/');
    expect(scrub(vault)).toMatchSnapshot('vault stack');
    expect(scrub(source)).toMatchSnapshot('source stack');
  });
});
