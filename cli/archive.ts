// `npm run archive -- <command>`: the operator's CLI. It reads its settings from the deployed
// exporter, runs one command (cli/commands/), and turns the errors an operator can fix into one
// message that says how, without a stack trace.
import { setLogSink } from '../handler/common';
import { SettingsError } from '../handler/contract';
import { ConfigError } from '../stacks/config';
import { type Command, type DeploymentOptions, parseCommandLine, UsageError } from './args';
import { backfill } from './commands/backfill';
import { catalog } from './commands/catalog';
import { coverage } from './commands/coverage';
import { doctor } from './commands/doctor';
import { formatEnvironment } from './commands/env';
import { restore } from './commands/restore';
import { status } from './commands/status';
import { verify } from './commands/verify';
import { describeSources, FunctionNotFoundError, lambda, resolveSettings } from './deployment';
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
  // doctor reads the exporter itself: a missing exporter or unparsable settings is its first finding.
  if (command.command === 'doctor') return doctor(command);
  const resolved = await resolveSettings(command);
  console.error(describeSources(resolved, await activeRegion(command)));
  switch (command.command) {
    case 'env':
      console.log(formatEnvironment(resolved, command.json));
      return 0;
    case 'status':
      return status(command, resolved.settings);
    case 'backfill':
      return backfill(command, resolved.settings);
    case 'verify':
      return verify(command, resolved.settings);
    case 'catalog':
      return catalog(command, resolved.settings);
    case 'coverage':
      return coverage(command, resolved.settings);
    case 'restore':
      return restore(command, resolved.settings);
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
    if (error instanceof SettingsError || error instanceof ConfigError || error instanceof FunctionNotFoundError) {
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
