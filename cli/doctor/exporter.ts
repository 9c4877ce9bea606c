// The first check, which the others need: the exporter function exists and its settings parse,
// read with the CLI's own deployment reader. Doctor checks what is deployed, so contract
// variables set in the shell are not applied here.
import { SettingsError } from '../../handler/contract';
import type { DeploymentOptions } from '../deployment-options';
import { FunctionNotFoundError, resolveSettings } from '../deployment';
import { type Deployment, type Finding, ok, problem } from './check';
import type { DoctorClients } from './clients';

export const EXPORTER_CHECK = { id: 'exporter', title: 'The exporter function and its settings' } as const;

/** Where a function ARN says the function lives: arn:<partition>:lambda:<region>:<account>:function:<name>. */
export function functionLocation(functionArn: string): { partition: string; region: string; accountId: string } | undefined {
  const match = /^arn:([^:]+):lambda:([^:]+):(\d{12}):function:/.exec(functionArn);
  return match === null ? undefined : { partition: match[1]!, region: match[2]!, accountId: match[3]! };
}

/** Reads the deployed exporter; the deployment when its settings parse, and the finding either way. */
export async function readDeployment(
  options: DeploymentOptions,
  clients: DoctorClients,
  localFunctionName?: () => string,
): Promise<{ finding: Finding; deployment?: Deployment; notFound?: true }> {
  let resolved: Awaited<ReturnType<typeof resolveSettings>>;
  try {
    resolved = await resolveSettings(options, { client: clients.lambda, shellEnv: {}, ...(localFunctionName ? { localFunctionName } : {}) });
  } catch (error) {
    if (error instanceof FunctionNotFoundError)
      return { finding: problem(error.message, 'deploy the stack (npx cdktf deploy), or name the exporter with --function NAME'), notFound: true };
    if (error instanceof SettingsError) {
      return {
        finding: problem(
          `the exporter's environment does not parse: ${error.message}`,
          'deploy the stack again (npx cdktf deploy) so the function gets the environment the configuration writes',
        ),
      };
    }
    throw error;
  }
  // The configuration resolveSettings read: doctor passes no shell settings, so there always is one.
  const { configuration } = resolved;
  const functionName = resolved.functionName ?? '';
  if (configuration === undefined)
    return {
      finding: problem(`no exporter function was read (${resolved.note ?? 'no reason given'})`, 'name the exporter with --function NAME'),
      notFound: true,
    };
  const functionArn = configuration.FunctionArn ?? '';
  const location = functionLocation(functionArn);
  if (location === undefined)
    return { finding: problem(`the Lambda API returned no function ARN for ${functionName}`, 'check the function in the Lambda console') };
  const { settings } = resolved;
  const deployment: Deployment = {
    settings,
    functionName,
    functionArn,
    ...location,
    ...(configuration.DeadLetterConfig?.TargetArn ? { deadLetterTargetArn: configuration.DeadLetterConfig.TargetArn } : {}),
  };
  return {
    deployment,
    finding: ok(
      `${functionName} (${location.region}, account ${location.accountId}) exists and its settings parse: archive ${settings.archiveName}, bucket ${settings.archiveBucket}, prefix "${settings.archivePrefix}", export role ${settings.exportRoleArn}, key ${settings.exportKmsKeyArn}`,
    ),
  };
}
