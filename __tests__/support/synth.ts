// Synthesizes whole archive stacks in-process for tests; the readers of the JSON (and the
// synthesis of one construct alone) are in synthesized.ts.
import { type App, Testing } from 'cdktf';
import { ArchiveStack } from '../../stacks/archive-stack';
import { resolveConfig, type ArchiveConfig } from '../../stacks/config';
import type { SynthesizedResources } from './synthesized';

export {
  addressOf,
  asList,
  named,
  onlyResource,
  resources,
  rolePolicyStatements,
  type Statement,
  statement,
  statementsOf,
  type SynthesizedResources,
  synthConstruct,
  TEST_SCOPE,
} from './synthesized';

/** The synthesized Terraform JSON of one stack. */
export interface SynthesizedStack extends SynthesizedResources {
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
