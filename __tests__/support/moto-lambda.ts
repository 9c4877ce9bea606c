// Deploys a stand-in exporter function into moto: its configuration (the environment the CLI
// reads) is real; moto never runs its code.
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { deterministicZip } from '../../stacks/bundle';
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
