// Synthesizes archive stacks in-process for tests and reads resources out of the JSON.
import { type App, Testing } from 'cdktf';
import { ArchiveStack } from '../../stacks/archive-stack';
import { resolveConfig, type ArchiveConfig } from '../../stacks/config';

/** The synthesized Terraform JSON of one stack. */
export interface SynthesizedStack {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly output: Record<string, { value: string }>;
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, unknown[]>;
  readonly data: Record<string, Record<string, unknown>>;
}

/** Settings from a config file's object and environment overrides, validated as synth does. */
export function configFrom(file: object = {}, env: Record<string, string> = {}): ArchiveConfig {
  return resolveConfig({ fileText: JSON.stringify(file), fileName: 'archive.config.json', env });
}

/** Synthesizes the stack for one region of `config` and parses its JSON. */
export function synthStack(config: ArchiveConfig = configFrom(), region: string = config.regions[0]!): SynthesizedStack {
  const app: App = Testing.app();
  const stack = new ArchiveStack(app, `test-${region}`, { config, region });
  return JSON.parse(Testing.synth(stack)) as SynthesizedStack;
}

/** The only resource of a type; fails the test if there is not exactly one. */
export function onlyResource(stack: SynthesizedStack, type: string): Record<string, unknown> {
  const resources = Object.values(stack.resource[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0]!;
}

/** All resources of a type. */
export function resources(stack: SynthesizedStack, type: string): Record<string, unknown>[] {
  return Object.values(stack.resource[type] ?? {});
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
