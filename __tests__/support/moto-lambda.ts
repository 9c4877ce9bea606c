// Deploys a stand-in exporter function into moto: its configuration (the environment the CLI
// reads) is real; moto never runs its code.
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_POLICY } from '../../handler/contract/policy';
import { type Settings, writeSettings } from '../../handler/contract/settings';
import { deterministicZip } from '../../stacks/deterministic-zip';
import { MOTO_CLIENT_CONFIG } from './moto';

/** Creates (once) a role and a function named `functionName` with `environment`; returns its ARN. */
export async function createExporterFunction(endpoint: string, functionName: string, environment: Record<string, string>): Promise<string> {
  const iam = new IAMClient({ ...MOTO_CLIENT_CONFIG, endpoint });
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: `${functionName}-role`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  const lambda = new LambdaClient({ ...MOTO_CLIENT_CONFIG, endpoint });
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: 'nodejs22.x',
      Role: role.Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: deterministicZip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => {};') }]) },
      Environment: { Variables: environment },
    }),
  );
  return created.FunctionArn!;
}

/**
 * The environment the stack would write for a test deployment in moto (through the settings
 * contract), with `overrides`. Manual snapshots only: moto mishandles exports of automated
 * snapshots (…:snapshot:rds:…), which it makes for every new instance; the mocked-SDK tests
 * cover automated snapshots.
 */
export function motoExporterEnvironment(overrides: Partial<Settings> = {}): Record<string, string> {
  return writeSettings({
    archiveBucket: 'rds-archive-test-123456789012-us-east-1',
    exportRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-test-export',
    exportKmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    archivePrefix: 'exports',
    snapshotTypes: ['manual'],
    includeDatabases: [],
    excludeDatabases: [],
    exportOnly: [],
    archiveName: 'rds-archive-test',
    lookbackDays: 7,
    maxConcurrentExports: 5,
    maxExportAttempts: 3,
    policy: DEFAULT_POLICY,
    catalogEnabled: false,
    ...overrides,
  });
}
