// Tests that need a real tool (terraform, the offline AWS provider, moto_server) use these
// helpers: where the tool is missing they skip and print why, and under CI=true they fail.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where the offline copy of the hashicorp/aws provider lives on our machines. */
export const TF_PLUGIN_DIR = process.env.TF_PLUGIN_DIR ?? '/opt/tf-plugins';

/** True when CI=true: a missing tool is then a failure, not a skip. */
export const IN_CI = process.env.CI === 'true';

function commandWorks(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** Why terraform with the offline provider can't be used here, or undefined when it can. */
export function terraformMissing(): string | undefined {
  if (!commandWorks('terraform', ['version'])) return 'terraform is not on PATH';
  if (!existsSync(TF_PLUGIN_DIR)) return `the offline provider directory ${TF_PLUGIN_DIR} does not exist`;
  return undefined;
}

/** Why moto_server can't be used here, or undefined when it can. */
export function motoMissing(): string | undefined {
  if (!commandWorks('moto_server', ['--help'])) return 'moto_server is not on PATH (pip install "moto[server]")';
  return undefined;
}

/**
 * Decides whether a suite that needs a tool runs. Returns true to run. Where the tool is
 * missing it prints the reason and returns false (skip), or throws under CI=true.
 */
export function requireTool(suite: string, missing: string | undefined): boolean {
  if (missing === undefined) return true;
  const message = `${suite}: ${missing}`;
  if (IN_CI) throw new Error(`${message} (CI=true: a missing tool is a failure, not a skip)`);
  console.warn(`SKIPPED ${message}`);
  return false;
}

/** Environment for terraform runs: no user CLI config, no update checks, no colour. */
export function terraformEnv(emptyCliConfig: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: emptyCliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
}
