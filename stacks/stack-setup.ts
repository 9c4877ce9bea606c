// What every stack of the app starts with: its AWS provider, its Terraform backend and the tags
// every resource carries. Shared by the single-account stack and the vault and source stacks.
import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { ArchiveConfig } from './config';

/** Tags every resource carries, beside the configured ones. */
export function defaultTags(config: ArchiveConfig): Record<string, string> {
  return { ...config.tags, Application: 'rds-snapshot-archive', Environment: config.environment };
}

/** The account a stack deploys into, when it is named (vault mode). */
export interface StackAccount {
  readonly accountId: string;
  /** The role Terraform assumes there; without it, the ambient credentials. */
  readonly roleArn?: string;
}

/**
 * The stack's AWS provider. With an account, the provider accepts only that account
 * (allowed_account_ids: a wrong credential fails the plan instead of writing into the wrong
 * account) and assumes its role when one is configured.
 */
export function awsProvider(stack: TerraformStack, config: ArchiveConfig, region: string, account?: StackAccount): AwsProvider {
  return new AwsProvider(stack, 'aws', {
    region,
    defaultTags: [{ tags: defaultTags(config) }],
    ...(account === undefined
      ? {}
      : {
          allowedAccountIds: [account.accountId],
          ...(account.roleArn !== undefined ? { assumeRole: [{ roleArn: account.roleArn, sessionName: 'rds-snapshot-archive' }] } : {}),
        }),
  });
}

/** S3 state with encryption and S3-native locking when configured; otherwise local state beside the project. */
export function configureBackend(stack: TerraformStack, config: ArchiveConfig, name: string): void {
  const state = config.remoteState;
  if (state === undefined) {
    // Relative to cdktf.out/stacks/<stack>, where Terraform runs: the project root.
    new LocalBackend(stack, { path: `../../../terraform.${name}.tfstate` });
    return;
  }
  new S3Backend(stack, { bucket: state.bucket, key: `${state.keyPrefix}/${name}.tfstate`, region: state.region, encrypt: true });
  // cdktf 0.21 has no use_lockfile option yet; S3-native locking needs Terraform >= 1.10.
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
}
