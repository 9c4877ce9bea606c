// The archive bucket: reachable, encrypted by default with the deployment's key, versioned; and
// its policy does not deny the export role what an export does.
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import type { ServerSideEncryptionRule } from '@aws-sdk/client-s3';
import { readBucketBasics, readBucketPolicy } from './bucket-reads';
import { accountOf, type Deployment, type DoctorCheck, type Finding, ok, problem, couldNotCheck } from './check';
import { evaluatePolicy, policyStatements } from './policy-evaluator';
import { exportNeeds } from './simulation';

/** Whether a default-encryption key id (key id, key ARN) is the deployment's key (pure). */
export function sameKey(configured: string, keyArn: string): boolean {
  const keyId = keyArn.slice(keyArn.lastIndexOf('/') + 1);
  return configured === keyArn || configured === keyId || configured.endsWith(`:key/${keyId}`);
}

/** Judges versioning and default encryption; `resolvedKey` is the configured key's ARN when it was named by alias (pure). */
export function judgeBucket(
  versioning: string | undefined,
  rules: readonly ServerSideEncryptionRule[] | undefined,
  deployment: Deployment,
  resolvedKey?: string,
): Finding {
  const { archiveBucket, exportKmsKeyArn } = deployment.settings;
  const problems: string[] = [];
  const fixes: string[] = [];
  if (versioning !== 'Enabled') {
    problems.push(`versioning is ${versioning ?? 'off'}: an overwritten or deleted export cannot be recovered`);
    fixes.push(`turn it on: aws s3api put-bucket-versioning --bucket ${archiveBucket} --versioning-configuration Status=Enabled (or npx cdktf deploy)`);
  }
  const byDefault = rules?.[0]?.ApplyServerSideEncryptionByDefault;
  if (byDefault === undefined) {
    problems.push('it has no default encryption');
    fixes.push('deploy the stack (npx cdktf deploy) to restore SSE-KMS with the archive key');
  } else if (!byDefault.SSEAlgorithm?.startsWith('aws:kms')) {
    problems.push(`its default encryption is ${byDefault.SSEAlgorithm}, not SSE-KMS with ${exportKmsKeyArn}`);
    fixes.push('deploy the stack (npx cdktf deploy) to restore SSE-KMS with the archive key');
  } else if (byDefault.KMSMasterKeyID === undefined || !sameKey(resolvedKey ?? byDefault.KMSMasterKeyID, exportKmsKeyArn)) {
    problems.push(`its default encryption uses ${byDefault.KMSMasterKeyID ?? "S3's AWS-managed key"}, not the deployment's key ${exportKmsKeyArn}`);
    fixes.push('deploy the stack (npx cdktf deploy) to restore the archive key as the default');
  }
  if (problems.length > 0) return problem(`s3://${archiveBucket}: ${problems.join('; ')}`, fixes.join('; '));
  return ok(`s3://${archiveBucket} is reachable, versioned, and encrypted by default with ${exportKmsKeyArn}`);
}

export const BUCKET_CHECK: DoctorCheck = {
  id: 'bucket',
  title: 'Archive bucket: reachable, encrypted with the key, versioned',
  async run(deployment, clients) {
    const Bucket = deployment.settings.archiveBucket;
    const bucket = await readBucketBasics(clients.s3, Bucket);
    if (bucket.missing) return problem(`the bucket ${Bucket} does not exist`, 'deploy the stack (npx cdktf deploy), or correct ARCHIVE_BUCKET');
    const configured = bucket.encryption?.[0]?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
    // An alias names a key only through KMS: ask it which key (kms:DescribeKey, which the operator has).
    const resolved = configured?.includes('alias/') ? (await clients.kms.send(new DescribeKeyCommand({ KeyId: configured }))).KeyMetadata?.Arn : undefined;
    return judgeBucket(bucket.versioning, bucket.encryption, deployment, resolved);
  },
};

/** Judges the bucket policy for the export role's requests (pure); undefined policy: the bucket has none. */
export function judgeBucketPolicy(policy: string | undefined, deployment: Deployment): Finding {
  const { archiveBucket, exportRoleArn, archivePrefix } = deployment.settings;
  if (policy === undefined) return ok(`s3://${archiveBucket} has no bucket policy: the export role's own policies decide`);
  const statements = policyStatements(policy);
  const roleAccount = accountOf(exportRoleArn) ?? deployment.accountId;
  const denied: string[] = [];
  const undecided: string[] = [];
  const sids = new Set<string>();
  for (const need of exportNeeds(deployment).filter((n) => n.actions.every((a) => a.startsWith('s3:')))) {
    for (const action of need.actions) {
      const verdict = evaluatePolicy(statements, {
        principal: { kind: 'aws', arn: exportRoleArn, accountId: roleAccount },
        action,
        resource: need.resource,
        // What an export's request is known to carry: TLS, the role, the prefix it lists.
        context: {
          'aws:SecureTransport': 'true',
          'aws:PrincipalArn': exportRoleArn,
          'aws:PrincipalAccount': roleAccount,
          's3:prefix': archivePrefix === '' ? '' : `${archivePrefix}/`,
        },
      });
      const denying = verdict.statements.filter((s) => s.effect === 'Deny');
      for (const s of denying) sids.add(s.sid);
      if (verdict.decision === 'deny') denied.push(`${action} on ${need.resource}`);
      else if (verdict.decision === 'unknown' && denying.length > 0) undecided.push(`${action} on ${need.resource}`);
    }
  }
  if (denied.length > 0) {
    return problem(
      `the policy of s3://${archiveBucket} denies the export role ${exportRoleArn} ${denied.join(', ')} (statement ${[...sids].join(', ')}): exports fail`,
      `remove or narrow the statement ${[...sids].join(', ')} (aws s3api get-bucket-policy --bucket ${archiveBucket}), or deploy the stack (npx cdktf deploy) to restore the bucket policy`,
    );
  }
  if (undecided.length > 0) {
    return couldNotCheck(
      `the policy of s3://${archiveBucket} may deny the export role ${undecided.join(', ')}: statement ${[...sids].join(', ')} has conditions doctor cannot decide`,
    );
  }
  return ok(`the policy of s3://${archiveBucket} denies the export role none of what an export does (under "${archivePrefix}")`);
}

export const BUCKET_POLICY_CHECK: DoctorCheck = {
  id: 'bucket-policy',
  title: 'Bucket policy does not deny the export role',
  async run(deployment, clients) {
    const bucket = await readBucketPolicy(clients.s3, deployment.settings.archiveBucket);
    if (bucket.missing) return couldNotCheck(`the bucket ${deployment.settings.archiveBucket} does not exist (see the bucket check)`);
    return judgeBucketPolicy(bucket.policy, deployment);
  },
};
