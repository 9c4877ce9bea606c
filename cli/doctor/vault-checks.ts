// The checks of a vault account: its bucket (there, versioned, locked with the configured
// retention, encrypted with the vault key), the bucket and key policies as each source's roles
// meet them, what invokes the verifier, and the access logging. Each reads only; each judges in
// a pure function the tests call with what AWS answered.
import { DescribeKeyCommand, GetKeyPolicyCommand } from '@aws-sdk/client-kms';
import { GetPolicyCommand } from '@aws-sdk/client-lambda';
import {
  GetBucketLoggingCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectLockConfigurationCommand,
  type LambdaFunctionConfiguration,
  type ObjectLockConfiguration,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { awsErrorName } from '../../handler/aws';
import { handoversPrefix, sourceArchivePrefix, VAULT_VERIFICATION_SUCCEEDED } from '../../handler/contract';
import { SOURCE_EXPORT_OBJECT_ACTIONS } from '../../stacks/vault-policies';
import { accessLogBucketNameOf, sourceRoleArnOf } from '../../stacks/vault-names';
import { sameKey } from './bucket';
import { readBucketBasics, readBucketPolicy } from './bucket-reads';
import { type Finding, ok, problem, couldNotCheck } from './check';
import { alarmsOf, checkAlarms, checkHeartbeat, type ScheduledRun } from './operations';
import { evaluatePolicy, policyStatements, type PolicyVerdict } from './policy-evaluator';
import type { VaultCheck, VaultDeployment } from './vault-deployment';

const REDEPLOY = 'deploy the vault stack (npx cdktf deploy <base>-vault-<region>)';

/** The vault key's alias: alias/<deployment name> (vault-names.ts: vaultKeyAliasName is the deployment's name). */
function keyAlias(vault: VaultDeployment): string {
  return `alias/${vault.settings.archiveName}`;
}

/** Judges versioning, Object Lock and default encryption of the vault bucket (pure); `vaultKeyArn` is the key its alias names. */
export function judgeVaultBucket(
  vault: VaultDeployment,
  versioning: string | undefined,
  lock: ObjectLockConfiguration | undefined,
  rules: readonly ServerSideEncryptionRule[] | undefined,
  vaultKeyArn: string | undefined,
): Finding {
  const bucket = vault.settings.archiveBucket;
  const problems: string[] = [];
  const fixes: string[] = [];
  if (versioning !== 'Enabled') {
    problems.push(`versioning is ${versioning ?? 'off'}`);
    fixes.push(REDEPLOY);
  }
  const retention = lock?.Rule?.DefaultRetention;
  const expected = vault.expectedObjectLock;
  if (lock?.ObjectLockEnabled !== 'Enabled') {
    problems.push('Object Lock is not enabled: nothing keeps an export from being deleted');
    fixes.push('Object Lock can only be enabled on a new bucket: create the vault bucket with the vault stack');
  } else if (retention?.Mode === undefined || (retention.Days ?? 0) < 1) {
    problems.push('Object Lock has no default retention: new exports are not locked');
    fixes.push(REDEPLOY);
  } else if (expected !== undefined && (retention.Mode !== expected.mode || retention.Days !== expected.days)) {
    problems.push(
      `the default retention is ${retention.Mode} for ${retention.Days} days, the configuration asks for ${expected.mode} for ${expected.days} days`,
    );
    fixes.push(`${REDEPLOY} to set the configured retention`);
  }
  const byDefault = rules?.[0]?.ApplyServerSideEncryptionByDefault;
  if (vaultKeyArn === undefined) {
    problems.push(`the vault key ${keyAlias(vault)} does not exist`);
    fixes.push(REDEPLOY);
  } else if (!byDefault?.SSEAlgorithm?.startsWith('aws:kms') || byDefault.KMSMasterKeyID === undefined || !sameKey(byDefault.KMSMasterKeyID, vaultKeyArn)) {
    problems.push(
      `its default encryption is ${byDefault?.SSEAlgorithm ?? 'none'} with ${byDefault?.KMSMasterKeyID ?? 'no key'}, not SSE-KMS with the vault key ${vaultKeyArn}`,
    );
    fixes.push(REDEPLOY);
  }
  if (problems.length > 0) return problem(`s3://${bucket}: ${problems.join('; ')}`, [...new Set(fixes)].join('; '));
  return ok(
    `s3://${bucket} is versioned, locked by default (${retention!.Mode} for ${retention!.Days} days${expected === undefined ? ', as found: no local configuration to compare' : ', as configured'}) and encrypted with the vault key ${vaultKeyArn}`,
  );
}

export const VAULT_BUCKET_CHECK: VaultCheck = {
  id: 'vault-bucket',
  title: 'Vault bucket: versioned, Object Lock with the configured retention, encrypted with the vault key',
  async run(vault, clients) {
    const Bucket = vault.settings.archiveBucket;
    const bucket = await readBucketBasics(clients.s3, Bucket);
    if (bucket.missing) return problem(`the vault bucket ${Bucket} does not exist`, REDEPLOY);
    let lock: ObjectLockConfiguration | undefined;
    try {
      lock = (await clients.s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration;
    } catch (error) {
      if (awsErrorName(error) !== 'ObjectLockConfigurationNotFoundError') throw error;
    }
    return judgeVaultBucket(vault, bucket.versioning, lock, bucket.encryption, await vaultKeyArn(vault, clients));
  },
};

/** The vault key's ARN by its alias, or undefined when there is none. */
async function vaultKeyArn(vault: VaultDeployment, clients: Parameters<VaultCheck['run']>[1]): Promise<string | undefined> {
  try {
    return (await clients.kms.send(new DescribeKeyCommand({ KeyId: keyAlias(vault) }))).KeyMetadata?.Arn;
  } catch (error) {
    if (awsErrorName(error) === 'NotFoundException') return undefined;
    throw error;
  }
}

/** One request of a source's role that the vault's policies must allow or deny. */
interface SourceRequest {
  readonly who: string;
  readonly roleArn: string;
  readonly accountId: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
  /** What the policy must decide. */
  readonly must: 'allow' | 'deny';
}

/** Evaluates each request against a resource policy (pure): the ones decided otherwise than they must be, and those undecidable. */
function judgeRequests(policy: string, requests: readonly SourceRequest[]): { wrong: string[]; undecided: string[]; sids: Set<string> } {
  const statements = policyStatements(policy);
  const wrong: string[] = [];
  const undecided: string[] = [];
  const sids = new Set<string>();
  for (const request of requests) {
    const verdict: PolicyVerdict = evaluatePolicy(statements, {
      principal: { kind: 'aws', arn: request.roleArn, accountId: request.accountId },
      action: request.action,
      resource: request.resource,
      context: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': request.roleArn, 'aws:PrincipalAccount': request.accountId, ...request.context },
    });
    const described = `${request.who} ${request.action} on ${request.resource}`;
    if (verdict.decision === 'unknown') undecided.push(described);
    // What must be denied must be denied explicitly: an Allow added later cannot undo a Deny.
    else if (verdict.decision !== request.must) {
      wrong.push(`${request.must === 'allow' ? 'does not allow' : 'does not deny'} ${described}`);
      for (const s of verdict.statements) if (s.effect === 'Deny') sids.add(s.sid);
    }
  }
  return { wrong, undecided, sids };
}

/** Each source's roles as the vault's policies name them. */
function sourceRoles(vault: VaultDeployment) {
  return vault.settings.sourceAccountIds.map((accountId) => ({
    accountId,
    prefix: sourceArchivePrefix(vault.settings.archivePrefix, accountId),
    exportRole: sourceRoleArnOf(vault.partition, accountId, vault.settings.archiveName, vault.region, 'export'),
    exporter: sourceRoleArnOf(vault.partition, accountId, vault.settings.archiveName, vault.region, 'exporter'),
  }));
}

/** The requests the vault bucket's policy must allow and deny for each source (pure). */
export function bucketPolicyRequests(vault: VaultDeployment): SourceRequest[] {
  const bucketArn = `arn:${vault.partition}:s3:::${vault.settings.archiveBucket}`;
  return sourceRoles(vault).flatMap(({ accountId, prefix, exportRole, exporter }) => {
    const probe = `${bucketArn}/${prefix}/doctor-probe/export_info_doctor-probe.json`;
    return [
      ...SOURCE_EXPORT_OBJECT_ACTIONS.filter((a) => a !== 's3:ListMultipartUploadParts').map(
        (action): SourceRequest => ({ who: `the export role ${exportRole}`, roleArn: exportRole, accountId, action, resource: probe, must: 'allow' }),
      ),
      {
        who: `the exporter ${exporter}`,
        roleArn: exporter,
        accountId,
        action: 's3:PutObject',
        resource: `${bucketArn}/${handoversPrefix(prefix)}doctor-probe.json`,
        must: 'allow',
      },
      { who: `the export role ${exportRole}`, roleArn: exportRole, accountId, action: 's3:DeleteObject', resource: probe, must: 'deny' },
      { who: `the export role ${exportRole}`, roleArn: exportRole, accountId, action: 's3:PutObjectRetention', resource: probe, must: 'deny' },
      { who: `the exporter ${exporter}`, roleArn: exporter, accountId, action: 's3:PutBucketPolicy', resource: bucketArn, must: 'deny' },
    ];
  });
}

/** Judges the vault bucket's policy for the sources' roles (pure). */
export function judgeVaultBucketPolicy(vault: VaultDeployment, policy: string | undefined): Finding {
  const bucket = vault.settings.archiveBucket;
  if (policy === undefined) return problem(`s3://${bucket} has no bucket policy: no source can export into it, and nothing denies deletes`, REDEPLOY);
  const { wrong, undecided, sids } = judgeRequests(policy, bucketPolicyRequests(vault));
  if (wrong.length > 0) {
    return problem(
      `the policy of s3://${bucket} ${wrong.join('; ')}${sids.size > 0 ? ` (statement ${[...sids].join(', ')})` : ''}`,
      `${REDEPLOY} to restore the bucket policy (aws s3api get-bucket-policy --bucket ${bucket} shows the current one)`,
    );
  }
  if (undecided.length > 0) return couldNotCheck(`the policy of s3://${bucket} has conditions doctor cannot decide for ${undecided.join('; ')}`);
  return ok(
    `the policy of s3://${bucket} lets each source's export role write only its prefix and its exporter hand over, and denies them deletes, retention and policy changes (sources ${vault.settings.sourceAccountIds.join(', ')})`,
  );
}

export const VAULT_BUCKET_POLICY_CHECK: VaultCheck = {
  id: 'vault-bucket-policy',
  title: 'Vault bucket policy: each source writes its own prefix, and deletes nothing',
  async run(vault, clients) {
    const bucket = await readBucketPolicy(clients.s3, vault.settings.archiveBucket);
    if (bucket.missing) return couldNotCheck(`the vault bucket ${vault.settings.archiveBucket} does not exist (see the bucket check)`);
    return judgeVaultBucketPolicy(vault, bucket.policy);
  },
};

/** The requests the vault key's policy must allow and deny for each source (pure). */
export function keyPolicyRequests(vault: VaultDeployment, keyArn: string): SourceRequest[] {
  return sourceRoles(vault).flatMap(({ accountId, exportRole, exporter }) => [
    ...['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'].map(
      (action): SourceRequest => ({ who: `the export role ${exportRole}`, roleArn: exportRole, accountId, action, resource: keyArn, must: 'allow' }),
    ),
    {
      who: `the exporter ${exporter}`,
      roleArn: exporter,
      accountId,
      action: 'kms:CreateGrant',
      resource: keyArn,
      context: { 'kms:GrantIsForAWSResource': 'true' },
      must: 'allow',
    },
    { who: `the exporter ${exporter}`, roleArn: exporter, accountId, action: 'kms:PutKeyPolicy', resource: keyArn, must: 'deny' },
  ]);
}

/** Judges the vault key's policy for the sources' roles (pure). */
export function judgeVaultKeyPolicy(vault: VaultDeployment, keyArn: string, policy: string): Finding {
  const { wrong, undecided, sids } = judgeRequests(policy, keyPolicyRequests(vault, keyArn));
  if (wrong.length > 0) {
    return problem(
      `the policy of the vault key ${keyArn} ${wrong.join('; ')}${sids.size > 0 ? ` (statement ${[...sids].join(', ')})` : ''}: those sources' exports fail`,
      `${REDEPLOY} to restore the key policy (statements SourceExportRolesEncryptExports, SourceExportersGrantToRdsOnly)`,
    );
  }
  if (undecided.length > 0) return couldNotCheck(`the policy of the vault key ${keyArn} has conditions doctor cannot decide for ${undecided.join('; ')}`);
  return ok(`the policy of the vault key ${keyArn} lets each source's export role use it and its exporter grant it to RDS, and lets no source manage it`);
}

export const VAULT_KEY_POLICY_CHECK: VaultCheck = {
  id: 'vault-key-policy',
  title: "Vault key policy: each source's export may use the key, and no source manages it",
  async run(vault, clients) {
    const keyArn = await vaultKeyArn(vault, clients);
    if (keyArn === undefined) return problem(`the vault key ${keyAlias(vault)} does not exist`, REDEPLOY);
    const policy = (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }))).Policy ?? '{}';
    return judgeVaultKeyPolicy(vault, keyArn, policy);
  },
};

/** Judges what invokes the verifier (pure): an S3 notification for each source's handovers, and the schedule's permission. */
export function judgeVerifierTriggers(
  vault: VaultDeployment,
  notifications: readonly LambdaFunctionConfiguration[],
  functionPolicy: string | undefined,
): Finding {
  const missing: string[] = [];
  for (const { prefix } of sourceRoles(vault)) {
    const wanted = handoversPrefix(prefix);
    const found = notifications.some(
      (n) =>
        n.LambdaFunctionArn === vault.functionArn &&
        (n.Events ?? []).some((e) => e === 's3:ObjectCreated:*' || e.startsWith('s3:ObjectCreated:')) &&
        (n.Filter?.Key?.FilterRules ?? []).some((r) => r.Name?.toLowerCase() === 'prefix' && r.Value === wanted),
    );
    if (!found) missing.push(`no S3 notification of new objects under ${wanted}`);
  }
  const statements = functionPolicy === undefined ? [] : policyStatements(functionPolicy);
  const invokedBy = (service: string) =>
    statements.some(
      (s) => s.Effect === 'Allow' && JSON.stringify(s.Principal ?? '').includes(service) && JSON.stringify(s.Action ?? '').includes('lambda:InvokeFunction'),
    );
  if (!invokedBy('events.amazonaws.com')) missing.push('no permission for the hourly schedule (EventBridge) to invoke it');
  if (!invokedBy('s3.amazonaws.com')) missing.push('no permission for the vault bucket (S3) to invoke it');
  if (missing.length > 0) return problem(`${vault.functionName}: ${missing.join('; ')}: handovers wait unverified`, REDEPLOY);
  return ok(
    `${vault.functionName} is invoked by S3 for new handovers of each source (${vault.settings.sourceAccountIds.join(', ')}) and may be invoked by its hourly schedule`,
  );
}

export const VERIFIER_TRIGGERS_CHECK: VaultCheck = {
  id: 'vault-verifier-triggers',
  title: 'The verifier is invoked for new handovers and by its schedule',
  async run(vault, clients) {
    const configuration = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: vault.settings.archiveBucket }));
    let functionPolicy: string | undefined;
    try {
      functionPolicy = (await clients.lambda.send(new GetPolicyCommand({ FunctionName: vault.functionName }))).Policy;
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw error;
    }
    return judgeVerifierTriggers(vault, configuration.LambdaFunctionConfigurations ?? [], functionPolicy);
  },
};

/** Judges the vault bucket's access logging (pure). */
export function judgeAccessLogging(vault: VaultDeployment, targetBucket: string | undefined): Finding {
  const expected = accessLogBucketNameOf(vault.settings.archiveName, vault.accountId, vault.region);
  if (targetBucket === undefined)
    return problem(`s3://${vault.settings.archiveBucket} has no server access logging: requests to the vault leave no record`, REDEPLOY);
  if (targetBucket !== expected) {
    return problem(`s3://${vault.settings.archiveBucket} logs to ${targetBucket}, not to the vault's log bucket ${expected}`, REDEPLOY);
  }
  return ok(`s3://${vault.settings.archiveBucket} delivers its server access logs to s3://${expected}`);
}

export const ACCESS_LOGGING_CHECK: VaultCheck = {
  id: 'vault-access-logging',
  title: 'Server access logging of the vault bucket',
  async run(vault, clients) {
    const logging = await clients.s3.send(new GetBucketLoggingCommand({ Bucket: vault.settings.archiveBucket }));
    return judgeAccessLogging(vault, logging.LoggingEnabled?.TargetBucket);
  },
};

/** The verifier's hourly sweep as doctor judges it: it verifies the handovers whose S3 event was lost. */
export function vaultSweepRun(vault: VaultDeployment): ScheduledRun {
  return {
    name: 'hourly vault verification',
    metricName: VAULT_VERIFICATION_SUCCEEDED,
    archiveName: vault.settings.archiveName,
    consequence: 'handovers whose S3 event was lost, or whose verification failed, are not being verified',
    fix: `read the verifier's logs (aws logs tail /aws/lambda/${vault.functionName} --since 2h) and check that its schedule is enabled (aws events describe-rule --name ${vault.settings.archiveName}-vault-reconcile)`,
  };
}

export const VAULT_SWEEP_CHECK: VaultCheck = {
  id: 'vault-sweep',
  title: "The verifier's hourly sweep succeeded recently",
  async run(vault, clients) {
    const alarms = await alarmsOf(vault.settings.archiveName, vault.settings.notifyTopicArn, clients);
    return checkHeartbeat(vaultSweepRun(vault), alarms, 'vault-verification-silent', clients, new Date());
  },
};

export const VAULT_ALARMS_CHECK: VaultCheck = {
  id: 'vault-alarms',
  title: "The vault's alarms are not in ALARM",
  run: (vault, clients) => checkAlarms(vault.settings, clients),
};

/** The checks of a vault account, in the order they are reported. */
export const VAULT_CHECKS: readonly VaultCheck[] = [
  VAULT_BUCKET_CHECK,
  VAULT_BUCKET_POLICY_CHECK,
  VAULT_KEY_POLICY_CHECK,
  VERIFIER_TRIGGERS_CHECK,
  ACCESS_LOGGING_CHECK,
  VAULT_SWEEP_CHECK,
  VAULT_ALARMS_CHECK,
];
