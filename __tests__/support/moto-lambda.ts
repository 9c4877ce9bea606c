// Deploys a stand-in exporter (or vault verifier) function into moto: its configuration (the
// entry and environment the CLI reads) is real; moto never runs its code.
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_POLICY } from '../../handler/contract/policy';
import { type Settings, writeSettings } from '../../handler/contract/settings';
import { type VaultSettings, writeVaultSettings } from '../../handler/contract/vault-settings';
import { VAULT_VERIFIER_HANDLER } from '../../handler/contract';
import { deterministicZip } from '../../stacks/deterministic-zip';
import { MOTO_CLIENT_CONFIG } from './moto';

/** Creates (once) a role and a function named `functionName` with `environment`; returns its ARN. */
export async function createExporterFunction(endpoint: string, functionName: string, environment: Record<string, string>): Promise<string> {
  return createStandInFunction(endpoint, functionName, 'index.handler', environment);
}

/** Creates (once) a role and a vault verifier named `functionName` (the verifier's entry) with `environment`; returns its ARN. */
export async function createVaultVerifierFunction(endpoint: string, functionName: string, environment: Record<string, string>): Promise<string> {
  return createStandInFunction(endpoint, functionName, VAULT_VERIFIER_HANDLER, environment);
}

/** The environment the vault stack would write for a test vault in moto (through the vault settings contract), with `overrides`. */
export function motoVaultEnvironment(overrides: Partial<VaultSettings> = {}): Record<string, string> {
  return writeVaultSettings({
    archiveBucket: 'rds-archive-test-111111111111-us-east-1',
    archivePrefix: 'exports',
    sourceAccountIds: ['222222222222'],
    archiveName: 'rds-archive-test',
    catalogEnabled: false,
    ...overrides,
  });
}

async function createStandInFunction(endpoint: string, functionName: string, handler: string, environment: Record<string, string>): Promise<string> {
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
      Handler: handler,
      Code: { ZipFile: deterministicZip([{ name: `${handler.split('.')[0]}.js`, data: Buffer.from('exports.handler = async () => {};') }]) },
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
