// `npm run archive -- <command>`: the operator's CLI. It reads its settings from the deployed
// exporter (in a vault account, from the vault verifier: restore only), runs one command
// (cli/commands/), and turns the errors an operator can fix into one message that says how,
// without a stack trace.
import { setLogSink } from '../handler/common';
import { SettingsError } from '../handler/contract';
import { ConfigError } from '../stacks/config';
import { type Command, type DeploymentOptions, parseCommandLine, RESTORE_USAGE, UsageError } from './args';
import { restoreArchive } from './archive-location';
import { describeSources, FunctionNotFoundError, lambda, resolveDeployment, VaultAccountError } from './deployment';
import { explainAwsError } from './explain-error';

/** The region the CLI talks to: --region, else the SDK's default (undefined when none is set). */
async function activeRegion(options: DeploymentOptions): Promise<string | undefined> {
  return options.region ?? (await lambda.config.region().catch(() => undefined));
}

async function run(command: Exclude<Command, { command: 'help' }>): Promise<number> {
  // The shared handler code logs JSON lines; here stdout is the command's output, so its decision
  // lines go to stderr and its CloudWatch metric lines nowhere.
  setLogSink((line) => {
    if (!line.startsWith('{"_aws"')) console.error(line);
  });
  // Every client here resolves its region from the environment at its first call.
  if (command.region !== undefined) process.env.AWS_REGION = command.region;
  // Each command's code is loaded when it runs: doctor alone loads cdktf and the stacks, which
  // would add a second to every other command's start.
  // doctor reads the exporter itself: a missing exporter or unparsable settings is its first finding.
  if (command.command === 'doctor') return (await import('./commands/doctor')).doctor(command);
  const resolved = await resolveDeployment(command);
  if (command.command === 'restore') {
    const chosen = restoreArchive(resolved, command.sourceAccount);
    if ('problem' in chosen) throw new UsageError(chosen.problem, RESTORE_USAGE);
    console.error(describeSources(resolved, await activeRegion(command)));
    return (await import('./commands/restore')).restore(command, chosen.archive);
  }
  // Every other command needs an exporter: the vault account starts, lists and verifies no export itself.
  if (resolved.kind === 'vault') throw new VaultAccountError(command.command, resolved.functionName);
  console.error(describeSources(resolved, await activeRegion(command)));
  switch (command.command) {
    case 'env':
      console.log((await import('./commands/env')).formatEnvironment(resolved, command.json));
      return 0;
    case 'status':
      return (await import('./commands/status')).status(command, resolved.settings);
    case 'backfill':
      return (await import('./commands/backfill')).backfill(command, resolved.settings);
    case 'verify':
      return (await import('./commands/verify')).verify(command, resolved.settings);
    case 'catalog':
      return (await import('./commands/catalog')).catalog(command, resolved.settings);
    case 'coverage':
      return (await import('./commands/coverage')).coverage(command, resolved.settings);
  }
}

/** Runs the CLI; returns the exit code. Expected problems print one message, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.command === 'help') {
      console.log(command.text);
      return 0;
    }
    return await run(command);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (error instanceof SettingsError || error instanceof ConfigError || error instanceof FunctionNotFoundError || error instanceof VaultAccountError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    const explained = explainAwsError(error, process.env.AWS_ENDPOINT_URL);
    if (explained !== undefined) {
      console.error(`error: ${explained.message}`);
      return explained.exitCode;
    }
    console.error(`error: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}
