// IAM policy simulation of the export role: what its own policies allow. Where the API is
// refused (no iam:SimulatePrincipalPolicy) or not implemented (an emulator), the answer is
// "could not simulate" with the reason, never a verdict.
import { type EvaluationResult, type IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandOutput } from '@aws-sdk/client-iam';
import { exportRolePolicy } from '../../stacks/export-role';
import { bucketArn, type Deployment } from './check';
import { awsErrorName } from '../../handler/aws';

/** The actions the export role needs on one resource. */
export interface ExportNeed {
  readonly actions: readonly string[];
  /** The resource as a request names it (an object under the prefix for object actions). */
  readonly resource: string;
}

/** The object key doctor names for object actions under the archive prefix; never written. */
export const PROBE_OBJECT = 'doctor-probe/export_info_doctor-probe.json';

/**
 * What an export needs, taken from the policy the stack gives the export role (stacks/export-role.ts),
 * so doctor asks for exactly what the deployment grants: each statement's actions on its resource,
 * with a wildcard object resource made concrete under the archive prefix.
 */
export function exportNeeds(deployment: Deployment): ExportNeed[] {
  const { settings } = deployment;
  return exportRolePolicy({ bucketArn: bucketArn(deployment), archivePrefix: settings.archivePrefix, kmsKeyArn: settings.exportKmsKeyArn }).map(
    (statement) => ({
      actions: typeof statement.Action === 'string' ? [statement.Action] : [...statement.Action],
      resource: String(statement.Resource).replace(/\*$/, PROBE_OBJECT),
    }),
  );
}

/** The KMS actions an export needs of the key. */
export function keyNeeds(deployment: Deployment): ExportNeed {
  return exportNeeds(deployment).find((need) => need.actions.every((a) => a.startsWith('kms:')))!;
}

/** Why the simulation could not be run, or undefined when the error is something else. */
export function simulationUnavailable(error: unknown): string | undefined {
  const name = awsErrorName(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (/AccessDenied|Unauthorized/.test(name) || status === 403) {
    return 'you may not call iam:SimulatePrincipalPolicy on the export role (the operator policy, stack output operator-policy-arn, grants it)';
  }
  if (name === 'NotImplemented' || status === 501 || (status !== undefined && status >= 500)) {
    return `the IAM endpoint did not answer SimulatePrincipalPolicy (HTTP ${status}${name !== '' && name !== 'Error' ? `, ${name}` : ''}): an emulator such as moto does not implement it`;
  }
  return undefined;
}

/** One action that the role's policies do not allow. */
export interface Refusal {
  readonly action: string;
  readonly resource: string;
  readonly decision: string;
}

/** The simulation's answer: the actions refused, or why it could not be run. */
export type SimulationAnswer = { readonly refused: readonly Refusal[] } | { readonly unavailable: string };

/** Simulates the role's policies for each need. */
export async function simulateRole(iam: IAMClient, roleArn: string, needs: readonly ExportNeed[]): Promise<SimulationAnswer> {
  const refused: Refusal[] = [];
  for (const need of needs) {
    const results: EvaluationResult[] = [];
    let marker: string | undefined;
    try {
      do {
        const page: SimulatePrincipalPolicyCommandOutput = await iam.send(
          new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [...need.actions], ResourceArns: [need.resource], Marker: marker }),
        );
        results.push(...(page.EvaluationResults ?? []));
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
    } catch (error) {
      const reason = simulationUnavailable(error);
      if (reason !== undefined) return { unavailable: reason };
      throw error;
    }
    for (const result of results) {
      if (result.EvalDecision !== 'allowed')
        refused.push({ action: result.EvalActionName ?? '', resource: need.resource, decision: result.EvalDecision ?? 'unknown' });
    }
  }
  return { refused };
}

/** "s3:PutObject on arn:... (implicitDeny)" for each refusal. */
export function describeRefusals(refused: readonly Refusal[]): string {
  return refused.map((r) => `${r.action} on ${r.resource} (${r.decision})`).join(', ');
}
