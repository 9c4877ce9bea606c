// The checks of a source account of a vault that the source account can answer: its exporter
// points at the vault's bucket, its own prefix there and the vault's key, and its export role's
// policy reaches that prefix and key. The vault's bucket and key policies belong to the vault
// account; doctor says so instead of guessing (run it there too).
import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { awsErrorName } from '../../handler/aws';
import { vaultBucketNameOf } from '../../stacks/vault-names';
import { accountOf, bucketArn, type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import { roleName } from './export-role';
import { evaluatePolicy, policyStatements, type PolicyDocumentStatement } from './policy-evaluator';

/** The name of the export role's inline policy the stack writes (stacks/export-role.ts). */
export const EXPORT_ROLE_POLICY_NAME = 'write-exports';
const REDEPLOY = 'deploy the source stack (npx cdktf deploy <base>-<account>-<region>)';

/** Whether the deployment is a source of a vault (its exporter names the vault account). */
export function isSourceDeployment(deployment: Deployment): boolean {
  return deployment.settings.vaultAccountId !== undefined;
}

/** Judges where the exporter exports (pure): the vault's bucket, the source's own prefix, the vault's key in this region. */
export function judgeSourceSettings(deployment: Deployment): Finding {
  const { settings, accountId, region } = deployment;
  const vault = settings.vaultAccountId!;
  const expectedBucket = vaultBucketNameOf(settings.archiveName, vault, region);
  const problems: string[] = [];
  if (settings.archiveBucket !== expectedBucket) problems.push(`ARCHIVE_BUCKET is ${settings.archiveBucket}, not the vault's bucket ${expectedBucket}`);
  if (settings.archivePrefix !== accountId && !settings.archivePrefix.endsWith(`/${accountId}`)) {
    problems.push(`ARCHIVE_PREFIX "${settings.archivePrefix}" is not this account's prefix (<archivePrefix>/${accountId})`);
  }
  const keyAccount = accountOf(settings.exportKmsKeyArn);
  const keyRegion = /^arn:[^:]+:kms:([^:]+):/.exec(settings.exportKmsKeyArn)?.[1];
  if (keyAccount !== vault || keyRegion !== region) {
    problems.push(`EXPORT_KMS_KEY_ARN ${settings.exportKmsKeyArn} is not a key of the vault account ${vault} in ${region}`);
  }
  if (problems.length > 0) return problem(`the exporter ${deployment.functionName}: ${problems.join('; ')}`, REDEPLOY);
  return ok(`exports go to s3://${settings.archiveBucket}/${settings.archivePrefix}/ in vault account ${vault}, encrypted with ${settings.exportKmsKeyArn}`);
}

export const SOURCE_SETTINGS_CHECK: DoctorCheck = {
  id: 'source-vault-settings',
  title: "The exporter exports into the vault: its bucket, this account's prefix, its key",
  async run(deployment) {
    return judgeSourceSettings(deployment);
  },
};

/** One request the export role's policy must allow. */
interface Need {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

/** What an export into the vault needs of the export role's own policy (pure). */
export function sourceExportNeeds(deployment: Deployment): Need[] {
  const { settings, partition, region } = deployment;
  const bucket = bucketArn(deployment);
  const probe = `${bucket}/${settings.archivePrefix}/doctor-probe/export_info_doctor-probe.json`;
  const alias = /:alias\/(.+)$/.exec(settings.exportKmsKeyArn)?.[1];
  // A key named by its alias: IAM decides on the key's ARN and the aliases it carries.
  const key = alias === undefined ? settings.exportKmsKeyArn : `arn:${partition}:kms:${region}:${settings.vaultAccountId}:key/doctor-probe`;
  const keyContext = alias === undefined ? {} : { 'kms:ResourceAliases': `alias/${alias}` };
  return [
    { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': `${settings.archivePrefix}/` } },
    { action: 's3:GetBucketLocation', resource: bucket },
    ...['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'].map((action) => ({ action, resource: probe })),
    ...['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'].map((action) => ({ action, resource: key, context: keyContext })),
  ];
}

/** A condition with ForAnyValue:StringEquals on kms:ResourceAliases read as StringEquals, for a key of one alias. */
function oneAlias(condition: PolicyDocumentStatement['Condition']): PolicyDocumentStatement['Condition'] {
  if (condition === undefined) return undefined;
  const read: Record<string, Record<string, unknown>> = {};
  for (const [operator, keys] of Object.entries(condition)) {
    const as = operator === 'ForAnyValue:StringEquals' && Object.keys(keys).every((k) => k === 'kms:ResourceAliases') ? 'StringEquals' : operator;
    read[as] = { ...read[as], ...keys };
  }
  return read;
}

/** Judges the export role's inline policy against what an export into the vault needs (pure); undefined: the policy is gone. */
export function judgeExportRoleReach(deployment: Deployment, policy: string | undefined): Finding {
  const role = deployment.settings.exportRoleArn;
  if (policy === undefined) {
    return problem(`the export role ${role} has no policy ${EXPORT_ROLE_POLICY_NAME}: RDS cannot write exports into the vault`, REDEPLOY);
  }
  // Identity statements name no principal: read them as applying to the role. The vault key is
  // asked about as a key with exactly the alias the exporter names, so "any of its aliases"
  // (ForAnyValue over kms:ResourceAliases) is that one alias.
  const statements: PolicyDocumentStatement[] = policyStatements(policy).map((s) => ({ ...s, Principal: '*', Condition: oneAlias(s.Condition) }));
  const refused: string[] = [];
  const undecided: string[] = [];
  for (const need of sourceExportNeeds(deployment)) {
    const verdict = evaluatePolicy(statements, {
      principal: { kind: 'aws', arn: role, accountId: deployment.accountId },
      action: need.action,
      resource: need.resource,
      context: need.context ?? {},
    });
    if (verdict.decision === 'unknown') undecided.push(`${need.action} on ${need.resource}`);
    else if (verdict.decision !== 'allow') refused.push(`${need.action} on ${need.resource}`);
  }
  if (refused.length > 0) {
    return problem(`the policy ${EXPORT_ROLE_POLICY_NAME} of ${role} does not allow ${refused.join(', ')}: exports into the vault fail`, REDEPLOY);
  }
  if (undecided.length > 0)
    return couldNotCheck(`the policy ${EXPORT_ROLE_POLICY_NAME} of ${role} has conditions doctor cannot decide for ${undecided.join(', ')}`);
  return ok(
    `the policy ${EXPORT_ROLE_POLICY_NAME} of ${role} reaches s3://${deployment.settings.archiveBucket}/${deployment.settings.archivePrefix}/ and the vault key`,
  );
}

export const SOURCE_EXPORT_ROLE_REACH_CHECK: DoctorCheck = {
  id: 'source-export-role-reach',
  title: "Export role's policy reaches this account's prefix of the vault and the vault key",
  async run(deployment, clients) {
    try {
      const answer = await clients.iam.send(
        new GetRolePolicyCommand({ RoleName: roleName(deployment.settings.exportRoleArn), PolicyName: EXPORT_ROLE_POLICY_NAME }),
      );
      return judgeExportRoleReach(deployment, answer.PolicyDocument);
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'NoSuchEntity' || name === 'NoSuchEntityException') return judgeExportRoleReach(deployment, undefined);
      throw error;
    }
  },
};

export const VAULT_SIDE_CHECK: DoctorCheck = {
  id: 'vault-side',
  title: "The vault's bucket and key policies as they meet this account",
  async run(deployment) {
    const vault = deployment.settings.vaultAccountId!;
    return couldNotCheck(
      `the vault bucket ${deployment.settings.archiveBucket} (its versioning, Object Lock and policy) and the vault key belong to account ${vault}: S3 and KMS let only that account read them, and an emulator such as moto cannot use another account's key at all`,
      `run doctor in the vault account (${vault}) with its credentials: it checks the bucket, its lock and policy, and the key policy for this account's roles`,
    );
  },
};
