// Reads resources out of synthesized Terraform JSON, and synthesizes one construct alone (cdktf's
// Testing.synthScope). Kept apart from synth.ts, which loads the whole stack, so that a construct's
// test loads only that construct.
import { Testing, type TerraformStack } from 'cdktf';
import type { AwsScope } from '../../stacks/policy';

/** The resources of synthesized Terraform JSON, a whole stack's or one construct's. */
export interface SynthesizedResources {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** Synthesizes what `build` adds to an empty stack (cdktf's Testing.synthScope) and parses its JSON. */
export function synthConstruct(build: (scope: TerraformStack) => void): SynthesizedResources {
  const synthesized = JSON.parse(Testing.synthScope((scope) => build(scope as TerraformStack))) as Partial<SynthesizedResources>;
  return { resource: synthesized.resource ?? {} };
}

/** Account, partition and region of a construct synthesized alone, as plain values (a stack passes Terraform expressions). */
export const TEST_SCOPE: AwsScope = { partition: 'aws', accountId: '123456789012', region: 'us-east-1', dnsSuffix: 'amazonaws.com' };

/** The only resource of a type; fails the test if there is not exactly one. */
export function onlyResource(synthesized: SynthesizedResources, type: string): Record<string, unknown> {
  const found = Object.values(synthesized.resource[type] ?? {});
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** All resources of a type. */
export function resources(synthesized: SynthesizedResources, type: string): Record<string, unknown>[] {
  return Object.values(synthesized.resource[type] ?? {});
}

/** The Terraform address (`type.id`) of the only resource of a type, as references to it are written. */
export function addressOf(synthesized: SynthesizedResources, type: string): string {
  const ids = Object.keys(synthesized.resource[type] ?? {});
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return `${type}.${ids[0]}`;
}

/** The resource of a type whose `nameAttribute` ends with `suffix`, and its Terraform address. */
export function named(
  synthesized: SynthesizedResources,
  type: string,
  suffix: string,
  nameAttribute = 'name',
): { address: string; resource: Record<string, unknown> } {
  const entries = Object.entries(synthesized.resource[type] ?? {}).filter(([, r]) => String(r[nameAttribute]).endsWith(suffix));
  if (entries.length !== 1) throw new Error(`expected one ${type} whose ${nameAttribute} ends with ${suffix}, found ${entries.length}`);
  return { address: `${type}.${entries[0]![0]}`, resource: entries[0]![1] };
}

/** The statements of the one inline policy of the role whose name ends with `suffix`. */
export function rolePolicyStatements(synthesized: SynthesizedResources, suffix: string): Statement[] {
  const role = named(synthesized, 'aws_iam_role', suffix);
  const policies = resources(synthesized, 'aws_iam_role_policy').filter((p) => p.role === `\${${role.address}.name}`);
  if (policies.length !== 1) throw new Error(`expected one inline policy of ${role.address}, found ${policies.length}`);
  return statementsOf(policies[0]!.policy);
}

/** One IAM statement as the tests read it. */
export interface Statement {
  Sid: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Parses a policy document string into its statements. */
export function statementsOf(policy: unknown): Statement[] {
  if (typeof policy !== 'string') throw new Error(`policy is not a string: ${JSON.stringify(policy)}`);
  return (JSON.parse(policy) as { Statement: Statement[] }).Statement;
}

/** The statement with this Sid; fails the test if it is missing. */
export function statement(statements: Statement[], sid: string): Statement {
  const found = statements.find((s) => s.Sid === sid);
  if (found === undefined) throw new Error(`no statement ${sid} in ${statements.map((s) => s.Sid).join(', ')}`);
  return found;
}

/** A value as a list. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
