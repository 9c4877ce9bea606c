// The export role: RDS's export service may assume it for this account (its trust policy), and
// its own policies let it write the bucket under the prefix and use the key (IAM simulation).
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import { evaluatePolicy, policyStatements } from './policy-evaluator';
import { describeRefusals, exportNeeds, type SimulationAnswer, simulateRole } from './simulation';
import { awsErrorName } from '../../handler/aws';

/** The service that assumes the export role. */
export const RDS_EXPORT_SERVICE = 'export.rds.amazonaws.com';

/** The role's name: the last part of its ARN (after any path). */
export function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** Judges the role's trust policy (pure). */
export function judgeTrust(trustPolicy: string, deployment: Deployment): Finding {
  const roleArn = deployment.settings.exportRoleArn;
  const verdict = evaluatePolicy(policyStatements(trustPolicy), {
    principal: { kind: 'service', service: RDS_EXPORT_SERVICE },
    action: 'sts:AssumeRole',
    resource: roleArn,
    context: { 'aws:SourceAccount': deployment.accountId },
  });
  const fix = 'deploy the stack (npx cdktf deploy) to restore the trust policy (statement RdsExportServiceOnly)';
  switch (verdict.decision) {
    case 'allow':
      return ok(`${roleArn} trusts ${RDS_EXPORT_SERVICE} for account ${deployment.accountId}`);
    case 'deny':
      return problem(`the trust policy of ${roleArn} denies ${RDS_EXPORT_SERVICE} (statement ${verdict.statements.map((s) => s.sid).join(', ')})`, fix);
    case 'none':
      return problem(`the trust policy of ${roleArn} does not let ${RDS_EXPORT_SERVICE} assume it for account ${deployment.accountId}: exports fail`, fix);
    case 'unknown':
      return couldNotCheck(
        `the trust policy of ${roleArn} has conditions doctor cannot decide (statement ${verdict.statements.map((s) => s.sid).join(', ')}); read it with aws iam get-role --role-name ${roleName(roleArn)}`,
      );
  }
}

export const EXPORT_ROLE_TRUST_CHECK: DoctorCheck = {
  id: 'export-role-trust',
  title: `Export role trusts ${RDS_EXPORT_SERVICE}`,
  async run(deployment, clients) {
    const roleArn = deployment.settings.exportRoleArn;
    try {
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName(roleArn) }));
      return judgeTrust(role.Role?.AssumeRolePolicyDocument ?? '{}', deployment);
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchEntity' || awsErrorName(error) === 'NoSuchEntityException') {
        return problem(`the export role ${roleArn} does not exist`, 'deploy the stack (npx cdktf deploy), or correct EXPORT_ROLE_ARN');
      }
      throw error;
    }
  },
};

/** Judges the simulation of the role's permissions (pure). */
export function judgePermissions(answer: SimulationAnswer, deployment: Deployment): Finding {
  const { settings } = deployment;
  const where = `s3://${settings.archiveBucket}/${settings.archivePrefix === '' ? '' : `${settings.archivePrefix}/`} and the key ${settings.exportKmsKeyArn}`;
  if ('unavailable' in answer) return couldNotCheck(`the role's permissions on ${where} were not simulated: ${answer.unavailable}`);
  if (answer.refused.length > 0) {
    return problem(
      `the policies of ${settings.exportRoleArn} do not allow ${describeRefusals(answer.refused)}: exports fail`,
      'deploy the stack (npx cdktf deploy) to restore the role policy write-exports; look for a permissions boundary or an SCP that denies these actions',
    );
  }
  const actions = exportNeeds(deployment).flatMap((need) => need.actions);
  return ok(`IAM simulation: ${settings.exportRoleArn} may ${actions.join(', ')} on ${where}`);
}

export const EXPORT_ROLE_PERMISSIONS_CHECK: DoctorCheck = {
  id: 'export-role-permissions',
  title: 'Export role may write the bucket under the prefix and use the key',
  async run(deployment, clients) {
    return judgePermissions(await simulateRole(clients.iam, deployment.settings.exportRoleArn, exportNeeds(deployment)), deployment);
  },
};
