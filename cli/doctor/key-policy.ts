// The key's policy lets the export role use the key for an export. A statement naming the role
// decides by itself; a statement for the role's account only delegates to IAM (the role's own
// policies then decide, which only the IAM simulation can tell).
import { GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { accountOf, type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import { evaluatePolicy, policyStatements, type PolicyVerdict } from './policy-evaluator';
import { describeRefusals, keyNeeds, type SimulationAnswer, simulateRole } from './simulation';
import { awsErrorName } from '../../handler/aws';

/** What the key policy says about each action the export role needs. */
export interface KeyPolicyReading {
  readonly verdicts: readonly { readonly action: string; readonly verdict: PolicyVerdict }[];
}

/** Reads the key policy for the export role (pure). */
export function readKeyPolicy(keyPolicy: string, deployment: Deployment): KeyPolicyReading {
  const roleArn = deployment.settings.exportRoleArn;
  const statements = policyStatements(keyPolicy);
  return {
    verdicts: keyNeeds(deployment).actions.map((action) => ({
      action,
      verdict: evaluatePolicy(statements, {
        principal: { kind: 'aws', arn: roleArn, accountId: accountOf(roleArn) ?? deployment.accountId },
        action,
        resource: deployment.settings.exportKmsKeyArn,
        context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': accountOf(roleArn) ?? deployment.accountId },
      }),
    })),
  };
}

/** The actions that only a statement for the whole account allows: IAM decides them. */
export function delegatedActions(reading: KeyPolicyReading): string[] {
  return reading.verdicts
    .filter(
      ({ verdict }) => verdict.decision === 'allow' && !verdict.statements.some((s) => s.effect === 'Allow' && s.conditions === true && s.via !== 'account'),
    )
    .map(({ action }) => action);
}

/** Judges the key policy and, for actions it delegates to IAM, the simulation of the role's policies (pure). */
export function judgeKeyPolicy(reading: KeyPolicyReading, deployment: Deployment, simulation?: SimulationAnswer): Finding {
  const { exportRoleArn, exportKmsKeyArn } = deployment.settings;
  const fix = `deploy the stack (npx cdktf deploy) to restore the key policy's statement ExportRoleEncryptsExports; for a key of your own, add a statement allowing ${exportRoleArn} ${reading.verdicts.map((v) => v.action).join(', ')}`;
  const denied = reading.verdicts.filter((v) => v.verdict.decision === 'deny');
  if (denied.length > 0) {
    const sids = [...new Set(denied.flatMap((v) => v.verdict.statements.filter((s) => s.effect === 'Deny').map((s) => s.sid)))];
    return problem(
      `the policy of ${exportKmsKeyArn} denies the export role ${denied.map((v) => v.action).join(', ')} (statement ${sids.join(', ')}): exports fail`,
      fix,
    );
  }
  const missing = reading.verdicts.filter((v) => v.verdict.decision === 'none').map((v) => v.action);
  if (missing.length > 0) {
    return problem(
      `the policy of ${exportKmsKeyArn} does not let the export role ${exportRoleArn} use the key (${missing.join(', ')}): no statement names the role or its account, so exports cannot encrypt their files`,
      fix,
    );
  }
  const undecided = reading.verdicts.filter((v) => v.verdict.decision === 'unknown');
  if (undecided.length > 0) {
    const sids = [...new Set(undecided.flatMap((v) => v.verdict.statements.map((s) => s.sid)))];
    return couldNotCheck(`the policy of ${exportKmsKeyArn} has conditions doctor cannot decide for the export role (statement ${sids.join(', ')})`);
  }
  const delegated = delegatedActions(reading);
  if (delegated.length === 0) return ok(`the policy of ${exportKmsKeyArn} lets ${exportRoleArn} ${reading.verdicts.map((v) => v.action).join(', ')}`);
  const through = `the policy of ${exportKmsKeyArn} does not name the export role for ${delegated.join(', ')}; a statement for account ${accountOf(exportRoleArn)} leaves them to the role's IAM policies`;
  if (simulation === undefined || 'unavailable' in simulation) {
    return couldNotCheck(
      `${through}, and those could not be simulated: ${simulation === undefined ? 'no simulation was run' : simulation.unavailable}`,
      `if the stack created the key, its policy names the role (statement ExportRoleEncryptsExports): deploy the stack (npx cdktf deploy) to restore it`,
    );
  }
  if (simulation.refused.length > 0) return problem(`${through}, and they do not allow ${describeRefusals(simulation.refused)}: exports fail`, fix);
  return ok(`${through}, and the IAM simulation allows them`);
}

export const KEY_POLICY_CHECK: DoctorCheck = {
  id: 'key-policy',
  title: 'Key policy lets the export role use the key',
  async run(deployment, clients) {
    const keyArn = deployment.settings.exportKmsKeyArn;
    const keyAccount = accountOf(keyArn);
    if (keyAccount !== undefined && keyAccount !== deployment.accountId) {
      return couldNotCheck(
        `the key ${keyArn} belongs to account ${keyAccount}: KMS lets only that account read its policy`,
        `run doctor with credentials of account ${keyAccount}`,
      );
    }
    let policy: string;
    try {
      policy = (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy ?? '{}';
    } catch (error) {
      if (awsErrorName(error) === 'NotFoundException')
        return problem(`the key ${keyArn} does not exist`, 'deploy the stack (npx cdktf deploy), or correct EXPORT_KMS_KEY_ARN');
      throw error;
    }
    const reading = readKeyPolicy(policy, deployment);
    const delegated = delegatedActions(reading);
    const simulation =
      delegated.length === 0 ? undefined : await simulateRole(clients.iam, deployment.settings.exportRoleArn, [{ actions: delegated, resource: keyArn }]);
    return judgeKeyPolicy(reading, deployment, simulation);
  },
};
