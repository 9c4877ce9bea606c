import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { doctorReadsRunsStatements } from './operator-policy';
import { policyDocument, type AwsScope, type PolicyStatement } from './policy';

/** What `npm run archive -- doctor` reads in a vault account (cli/doctor/vault-checks.ts). */
export interface VaultDoctorTargets {
  readonly scope: AwsScope;
  /** The deployment's name: the vault's alarms are named <baseName>-*. */
  readonly baseName: string;
  readonly verifierFunctionArn: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;
}

/** The read calls doctor makes in a vault account, each on the vault's own resource. */
export function vaultDoctorStatements(targets: VaultDoctorTargets): PolicyStatement[] {
  return [
    {
      // The verifier's settings, and who may invoke it (S3, the schedule).
      Sid: 'DoctorReadsVerifier',
      Effect: 'Allow',
      Action: ['lambda:GetFunctionConfiguration', 'lambda:GetPolicy'],
      Resource: targets.verifierFunctionArn,
    },
    {
      // GetBucketEncryption is authorized as s3:GetEncryptionConfiguration, GetObjectLockConfiguration as s3:GetBucketObjectLockConfiguration.
      Sid: 'DoctorReadsVaultBucketSettings',
      Effect: 'Allow',
      Action: [
        's3:GetBucketVersioning',
        's3:GetBucketObjectLockConfiguration',
        's3:GetEncryptionConfiguration',
        's3:GetBucketPolicy',
        's3:GetBucketLogging',
        's3:GetBucketNotification',
      ],
      Resource: targets.bucketArn,
    },
    { Sid: 'DoctorReadsVaultKey', Effect: 'Allow', Action: ['kms:DescribeKey', 'kms:GetKeyPolicy'], Resource: targets.kmsKeyArn },
    // The vault's alarms and the hourly sweep's heartbeat.
    ...doctorReadsRunsStatements(targets.scope, targets.baseName),
  ];
}

/** Settings of the vault's operator policy. */
export interface VaultOperatorPolicyProps extends VaultDoctorTargets {
  /** The policy's name (naming.ts: iamName). */
  readonly policyName: string;
}

/** A managed policy for those who check the vault with `npm run archive -- doctor`: reads only. */
export class VaultOperatorPolicy extends Construct {
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: VaultOperatorPolicyProps) {
    super(scope, id);
    const policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: `Lets an operator check the vault of ${props.baseName} (npm run archive -- doctor), reading only`,
      policy: policyDocument(vaultDoctorStatements(props)),
    });
    this.policyArn = policy.arn;
  }
}
