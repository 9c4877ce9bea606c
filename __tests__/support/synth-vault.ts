// Synthesizes a vault deployment's stacks in-process (as main.ts does, one app), and reads their
// policies with the Terraform references resolved to the ARNs they will have, so the IAM
// simulation can evaluate them as AWS would.
import { Testing, type TerraformStack } from 'cdktf';
import { addStacks } from '../../stacks/app-stacks';
import type { ArchiveConfig } from '../../stacks/config';
import { sourceStackName, vaultStackName } from '../../stacks/vault-names';
import type { SynthesizedStack } from './synth';

/** The vault's stack and each source account's stack of one region. */
export interface SynthesizedVaultDeployment {
  readonly vault: SynthesizedStack;
  readonly sources: Readonly<Record<string, SynthesizedStack>>;
}

/** Synthesizes every stack of a vault configuration for one region. */
export function synthVaultDeployment(config: ArchiveConfig, region: string = config.regions[0]!): SynthesizedVaultDeployment {
  const app = Testing.app();
  addStacks(app, config);
  const stack = (name: string) => {
    const found = app.node.tryFindChild(name) as TerraformStack | undefined;
    if (found === undefined) throw new Error(`no stack ${name}`);
    return JSON.parse(Testing.synth(found)) as SynthesizedStack;
  };
  const sources: Record<string, SynthesizedStack> = {};
  for (const source of config.vault?.sourceAccounts ?? []) sources[source.accountId] = stack(sourceStackName(config, source.accountId, region));
  return { vault: stack(vaultStackName(config, region)), sources };
}

/** The ARN a resource of the synthesized stack gets in `accountId` and `region`, when its type is one the policies refer to. */
function arnOf(type: string, id: string, resource: Record<string, unknown>, accountId: string, region: string): string | undefined {
  switch (type) {
    case 'aws_s3_bucket':
      return `arn:aws:s3:::${resource.bucket}`;
    case 'aws_iam_role':
      return `arn:aws:iam::${accountId}:role/${resource.name}`;
    case 'aws_iam_policy':
      return `arn:aws:iam::${accountId}:policy/${resource.name}`;
    case 'aws_kms_key':
      return `arn:aws:kms:${region}:${accountId}:key/${id}`;
    case 'aws_sns_topic':
      return `arn:aws:sns:${region}:${accountId}:${resource.name}`;
    case 'aws_sqs_queue':
      return `arn:aws:sqs:${region}:${accountId}:${resource.name}`;
    case 'aws_cloudwatch_log_group':
      return `arn:aws:logs:${region}:${accountId}:log-group:${resource.name}`;
    case 'aws_lambda_function':
      return `arn:aws:lambda:${region}:${accountId}:function:${resource.function_name}`;
    default:
      return undefined;
  }
}

/**
 * Replaces the Terraform references in `text` (a policy document of `stack`) with the values they
 * will have when the stack is applied in `accountId` and `region` of the aws partition.
 * @throws when a reference is left that it cannot resolve
 */
export function resolveReferences(stack: SynthesizedStack, text: string, accountId: string, region: string): string {
  const resolved = text
    .replaceAll('${data.aws_partition.partition.partition}', 'aws')
    .replaceAll('${data.aws_partition.partition.dns_suffix}', 'amazonaws.com')
    .replaceAll('${data.aws_caller_identity.account.account_id}', accountId)
    .replace(/\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.(arn|name|bucket|id)\}/g, (reference, type: string, id: string, attribute: string) => {
      const resource = stack.resource[type]?.[id];
      if (resource === undefined) return reference;
      if (attribute === 'arn') return arnOf(type, id, resource, accountId, region) ?? reference;
      return String(attribute === 'name' ? resource.name : attribute === 'bucket' ? resource.bucket : id);
    });
  const left = /\$\{[^}]+\}/.exec(resolved);
  if (left !== null) throw new Error(`cannot resolve ${left[0]}`);
  return resolved;
}
