// The deployed resources read back from moto: the function's environment, role and trigger,
// every role's and managed policy's statements request by request (the test evaluator of
// support/iam-policy.ts), the bucket policy, the Athena workgroup and the bucket lifecycle.
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { isAllowed, type IdentityStatement } from '../../support/iam-policy';
import { ACCOUNT, IAM_NAME, type Deployment } from '../support/deployment';
import { motoApi, xmlValue } from '../support/moto-api';
import { step } from '../support/terraform-moto';

/** What the apply deployed, as moto answers for it. */
export function deployedResourceTests(deployment: Deployment): void {
  describe('deployed resources', () => {
    it('the deployed function has the environment and role the outputs name, and the topic invokes it', async () => {
      step('reading the deployed function back from moto');
      const { outputs } = deployment;
      const fn = await deployment.deployedFunction();
      expect(fn.Configuration.Environment.Variables).toMatchObject({
        ARCHIVE_BUCKET: outputs['archive-bucket'],
        EXPORT_ROLE_ARN: outputs['export-role-arn'],
        EXPORT_KMS_KEY_ARN: outputs['kms-key-arn'],
        NOTIFY_TOPIC_ARN: outputs['notifications-topic-arn'],
        ARCHIVE_PREFIX: 'exports',
        SNAPSHOT_TYPES: 'automated,manual',
      });
      expect(fn.Configuration).toMatchObject({
        Role: `arn:aws:iam::${ACCOUNT}:role/${IAM_NAME}-exporter`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      const subscriptions = await deployment.sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: outputs['snapshot-events-topic-arn'] }));
      expect(subscriptions.Subscriptions?.map((s) => ({ Protocol: s.Protocol, Endpoint: s.Endpoint }))).toEqual([
        { Protocol: 'lambda', Endpoint: fn.Configuration.FunctionArn },
      ]);
    });

    it("the deployed roles' policies allow what the exporter and RDS need, and deny the rest", async () => {
      step('reading the deployed IAM policies back from moto');
      const { moto, outputs } = deployment;
      const query = (params: Record<string, string>) =>
        motoApi(moto.endpoint, 'iam', '/', new URLSearchParams({ ...params, Version: '2010-05-08' }).toString());
      const inline = async (role: string, policy: string) =>
        (
          JSON.parse(xmlValue(await query({ Action: 'GetRolePolicy', RoleName: role, PolicyName: policy }), 'PolicyDocument')) as {
            Statement: IdentityStatement[];
          }
        ).Statement;
      const exporter = await inline(`${IAM_NAME}-exporter`, 'export-snapshots');
      const exportRole = await inline(`${IAM_NAME}-export`, 'write-exports');
      const trust = JSON.parse(xmlValue(await query({ Action: 'GetRole', RoleName: `${IAM_NAME}-export` }), 'AssumeRolePolicyDocument')) as {
        Statement: Array<{ Principal: unknown; Action: string }>;
      };

      const key = outputs['kms-key-arn'];
      const otherKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
      const bucket = outputs['archive-bucket'];
      const snapshot = `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:orders-manual-1`;
      const exportFolder = `arn:aws:s3:::${bucket}/exports/orders-db/orders-manual-1-0123456789`;
      const glue = `arn:aws:glue:us-east-1:${ACCOUNT}`;
      const logStream = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/rds-archive-e2e-exporter:log-stream:2026/11/25/[$LATEST]abc`;
      const exporterAllows: Array<[string, string]> = [
        ['rds:StartExportTask', snapshot],
        ['rds:DescribeDBSnapshots', snapshot],
        ['rds:DescribeDBClusterSnapshots', `arn:aws:rds:us-east-1:${ACCOUNT}:cluster-snapshot:ledger-1`],
        ['rds:DescribeExportTasks', '*'],
        ['iam:PassRole', outputs['export-role-arn']],
        ['kms:CreateGrant', key],
        ['kms:DescribeKey', key],
        ['sns:Publish', outputs['notifications-topic-arn']],
        ['sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:rds-archive-e2e-dead-letters`],
        ['logs:PutLogEvents', logStream],
        ['rds:StartExportTask', `arn:aws:rds:us-east-1:${ACCOUNT}:cluster-snapshot:ledger-1`],
        ['s3:PutObject', `${exportFolder}/archive-manifest.json`],
        ['s3:GetObject', `${exportFolder}/export_info_orders-manual-1-0123456789.json`],
        ['s3:GetObject', `${exportFolder}/export_tables_info_orders-manual-1-0123456789_from_1_to_2.json`],
        ['s3:GetObject', `${exportFolder}/archive-manifest.json`],
        ['glue:CreateDatabase', `${glue}:catalog`],
        ['glue:CreateTable', `${glue}:table/rds_archive_e2e_orders_db/t_orders_public_orders`],
        ['glue:CreatePartition', `${glue}:database/rds_archive_e2e_orders_db`],
        ['glue:UpdateTable', `${glue}:table/rds_archive_e2e_orders_db/t_orders_public_orders`],
      ];
      const exporterDenies: Array<[string, string]> = [
        ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`],
        ['kms:CreateGrant', otherKey],
        ['kms:Decrypt', otherKey],
        ['rds:DeleteDBInstance', `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`],
        ['rds:DeleteDBSnapshot', snapshot],
        ['rds:ModifyDBSnapshotAttribute', snapshot],
        ['s3:GetObject', `arn:aws:s3:::${bucket}/exports/orders-db/x.parquet`],
        ['sns:Publish', outputs['snapshot-events-topic-arn']],
        ['logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/other:log-stream:x`],
        ['rds:StartExportTask', 'arn:aws:rds:us-east-1:999999999999:snapshot:shared-1'],
        ['rds:StartExportTask', `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:orders-manual-1`],
        ['s3:PutObject', `${exportFolder}/orders/public.orders/1/part-00000.parquet`],
        ['s3:PutObject', `${exportFolder}/export_info_orders-manual-1-0123456789.json`],
        ['s3:PutObject', `arn:aws:s3:::${bucket}/elsewhere/x/archive-manifest.json`],
        ['s3:DeleteObject', `${exportFolder}/archive-manifest.json`],
        ['s3:DeleteObjectVersion', `${exportFolder}/archive-manifest.json`],
        ['glue:CreateTable', `${glue}:table/other_archive_orders_db/t_orders`],
        ['glue:DeleteTable', `${glue}:table/rds_archive_e2e_orders_db/t_orders_public_orders`],
        ['glue:DeleteDatabase', `${glue}:database/rds_archive_e2e_orders_db`],
        ['glue:BatchDeletePartition', `${glue}:table/rds_archive_e2e_orders_db/t_orders_public_orders`],
      ];
      for (const [action, resource] of exporterAllows) expect(isAllowed(exporter, action, resource), `exporter may ${action} on ${resource}`).toBe(true);
      for (const [action, resource] of exporterDenies) expect(isAllowed(exporter, action, resource), `exporter may not ${action} on ${resource}`).toBe(false);
      // Conditions, as deployed: the prefix of a listing, and the key only through S3, SNS and SQS.
      expect(isAllowed(exporter, 's3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': 'exports/orders-db/orders-manual-1-0123456789/' })).toBe(true);
      expect(isAllowed(exporter, 's3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': 'athena-results/' })).toBe(false);
      for (const service of ['s3', 'sns', 'sqs'])
        expect(isAllowed(exporter, 'kms:Decrypt', key, { 'kms:ViaService': `${service}.us-east-1.amazonaws.com` }), `key via ${service}`).toBe(true);
      expect(isAllowed(exporter, 'kms:Decrypt', key, {}), 'the key used directly').toBe(false);

      for (const [action, resource] of [
        ['s3:PutObject', `arn:aws:s3:::${bucket}/exports/orders-db/export-1/orders/part-0.parquet`],
        ['s3:ListBucket', `arn:aws:s3:::${bucket}`],
        ['s3:GetBucketLocation', `arn:aws:s3:::${bucket}`],
        ['kms:GenerateDataKey', key],
      ] as const) {
        expect(isAllowed(exportRole, action, resource), `export role may ${action} on ${resource}`).toBe(true);
      }
      for (const [action, resource] of [
        ['s3:PutObject', 'arn:aws:s3:::another-bucket/exports/x'],
        ['s3:PutObject', `arn:aws:s3:::${bucket}/elsewhere/x`],
        ['s3:DeleteObjectVersion', `arn:aws:s3:::${bucket}/exports/orders-db/x`],
        ['s3:PutBucketPolicy', `arn:aws:s3:::${bucket}`],
        ['kms:Decrypt', otherKey],
        ['iam:PassRole', '*'],
        ['rds:StartExportTask', '*'],
      ] as const) {
        expect(isAllowed(exportRole, action, resource), `export role may not ${action} on ${resource}`).toBe(false);
      }
      expect(trust.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'export.rds.amazonaws.com' }, Action: 'sts:AssumeRole' })]);

      step('reading the operator policy back from moto');
      const operatorArn = outputs['operator-policy-arn'];
      expect(operatorArn).toBe(`arn:aws:iam::${ACCOUNT}:policy/${IAM_NAME}-operator`);
      const versionId = xmlValue(await query({ Action: 'GetPolicy', PolicyArn: operatorArn }), 'DefaultVersionId');
      const operator = (
        JSON.parse(xmlValue(await query({ Action: 'GetPolicyVersion', PolicyArn: operatorArn, VersionId: versionId }), 'Document')) as {
          Statement: Array<IdentityStatement & { Sid: string }>;
        }
      ).Statement;
      const exporterOnly = ['WriteOwnLogs', 'SendDeadLetters', 'UseKeyThroughSqs'];
      for (const shared of (exporter as Array<IdentityStatement & { Sid: string }>).filter((s) => !exporterOnly.includes(s.Sid)))
        expect(operator, shared.Sid).toContainEqual(shared);
      const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${outputs['exporter-function-name']}`;
      expect(isAllowed(operator, 'lambda:GetFunctionConfiguration', fnArn)).toBe(true);
      expect(isAllowed(operator, 'lambda:ListFunctions', '*')).toBe(true);
      expect(isAllowed(operator, 'lambda:UpdateFunctionConfiguration', fnArn)).toBe(false);
      expect(isAllowed(operator, 'sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:rds-archive-e2e-dead-letters`)).toBe(false);
      expect(isAllowed(operator, 'logs:PutLogEvents', logStream)).toBe(false);

      step('reading the reader policy back from moto');
      const readerArn = outputs['reader-policy-arn'];
      expect(readerArn).toBe(`arn:aws:iam::${ACCOUNT}:policy/${IAM_NAME}-reader`);
      const readerVersion = xmlValue(await query({ Action: 'GetPolicy', PolicyArn: readerArn }), 'DefaultVersionId');
      const reader = (
        JSON.parse(xmlValue(await query({ Action: 'GetPolicyVersion', PolicyArn: readerArn, VersionId: readerVersion }), 'Document')) as {
          Statement: IdentityStatement[];
        }
      ).Statement;
      const exportsData = `arn:aws:s3:::${bucket}/exports/orders-db/orders-manual-1-0123456789/orders/public.orders/1/part-00000-x-c000.gz.parquet`;
      const glueArn = `arn:aws:glue:us-east-1:${ACCOUNT}`;
      expect(isAllowed(reader, 'athena:StartQueryExecution', `arn:aws:athena:us-east-1:${ACCOUNT}:workgroup/${outputs['athena-workgroup']}`)).toBe(true);
      expect(isAllowed(reader, 'glue:GetPartitions', `${glueArn}:table/rds_archive_e2e_orders_db/orders_public_orders`)).toBe(true);
      expect(isAllowed(reader, 's3:GetObject', exportsData)).toBe(true);
      expect(isAllowed(reader, 's3:PutObject', `arn:aws:s3:::${bucket}/athena-results/q.csv`)).toBe(true);
      expect(isAllowed(reader, 's3:PutObject', exportsData)).toBe(false);
      expect(isAllowed(reader, 'glue:UpdateTable', `${glueArn}:table/rds_archive_e2e_orders_db/orders_public_orders`)).toBe(false);
      expect(isAllowed(reader, 's3:GetObject', 'arn:aws:s3:::another-bucket/x')).toBe(false);

      step('reading the bucket policy back from moto');
      const bucketPolicy = JSON.parse(await motoApi(moto.endpoint, 's3', `/${bucket}?policy`)) as { Statement: unknown[] };
      expect(bucketPolicy.Statement).toEqual([
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]);
    });

    it('the Athena workgroup writes encrypted results to the archive bucket, with a scan limit, and the bucket expires them', async () => {
      step('reading the Athena workgroup back from moto');
      const { moto, outputs } = deployment;
      expect(outputs['athena-workgroup']).toBe('rds-archive-e2e');
      const answer = await motoApi(moto.endpoint, 'athena', '/', JSON.stringify({ WorkGroup: outputs['athena-workgroup'] }), {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonAthena.GetWorkGroup',
      });
      const workgroup = (JSON.parse(answer) as { WorkGroup: { Name: string; State: string; Configuration: Record<string, unknown> } }).WorkGroup;
      expect(workgroup).toMatchObject({ Name: 'rds-archive-e2e', State: 'ENABLED' });
      expect(workgroup.Configuration).toMatchObject({
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 107_374_182_400,
        ResultConfiguration: {
          OutputLocation: `s3://${outputs['archive-bucket']}/athena-results/`,
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: outputs['kms-key-arn'] },
        },
      });

      step('reading the bucket lifecycle back from moto');
      const lifecycle = await motoApi(moto.endpoint, 's3', `/${outputs['archive-bucket']}?lifecycle`);
      const rules = [...lifecycle.matchAll(/<Rule>([\s\S]*?)<\/Rule>/g)].map((m) => ({
        id: xmlValue(m[1]!, 'ID'),
        prefix: xmlValue(m[1]!, 'Prefix'),
        rule: m[1]!,
      }));
      expect(rules.map(({ id, prefix }) => ({ id, prefix })).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'archive-exports', prefix: 'exports/' },
        { id: 'athena-query-results', prefix: 'athena-results/' },
      ]);
      const results = rules.find((r) => r.id === 'athena-query-results')!.rule;
      expect(xmlValue(xmlValue(results, 'Expiration'), 'Days')).toBe('30');
      expect(results).not.toContain('<Transition>');
    });
  });
}
