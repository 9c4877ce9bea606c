// The archive CLI's command line (pure): commands, options, and messages for bad input.
import { parseArgs } from 'node:util';
import { ACCOUNT_ID, DATABASE_PATTERN } from '../handler/contract';
import { RestoreError } from '../handler/restore';
import { parseRestoreCommand, RESTORE_HELP, RESTORE_OPTIONS, type RestoreCommand } from './restore/command-line';
import type { DeploymentOptions } from './deployment-options';

export type { DeploymentOptions } from './deployment-options';

const DEPLOYMENT_OPTIONS = `Where the settings come from (every command):
  --function NAME   the deployed exporter Lambda (stack output exporter-function-name), or in a
                    vault account the vault verifier (verifier-function-name; restore and doctor
                    only); the CLI uses exactly its environment. Default: the exporter the local
                    configuration names (<namePrefix>-<environment>-exporter), else its vault
                    verifier (<namePrefix>-<environment>-vault-verifier).
  --region REGION   the region of the deployment. Default: the AWS SDK's (AWS_REGION, AWS_PROFILE).
Variables of the handler contract set in the shell (ARCHIVE_PREFIX, ...) override the function's.`;

export const USAGE = `Usage: npm run archive -- <command> [options]

Commands:
  status     list this archive's exports: snapshot, database, status, progress, start, S3 location
  backfill   start the missing exports of existing snapshots, within the export quota
  verify     verify completed exports table by table and record their manifests
  catalog    register verified exports in the Glue Data Catalog (exports made before it was on)
  coverage   per database: cadence, newest archived snapshot, lag, what is due, and the cost
  restore    load archived tables back into a PostgreSQL or MySQL/MariaDB database
  doctor     check the deployment (read only): events, topic, roles, key, bucket, reconciliation, alarms
  env        print the settings the CLI would use, and where each comes from

Run "npm run archive -- <command> --help" for a command's options.
${DEPLOYMENT_OPTIONS}
AWS credentials come from the default AWS chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, ...).`;

export const STATUS_USAGE = `Usage: npm run archive -- status [--since DATE] [--json] [--function NAME] [--region REGION]

  --since DATE   only exports started on or after DATE (YYYY-MM-DD, an ISO time, or Nd for N days ago)
  --json         print JSON instead of a table
${DEPLOYMENT_OPTIONS}`;

export const BACKFILL_USAGE = `Usage: npm run archive -- backfill --since DATE [--database PATTERN] [--dry-run] [--function NAME] [--region REGION]

  --since DATE         snapshots created on or after DATE (YYYY-MM-DD, an ISO time, or Nd for N days ago); required
  --database PATTERN   only databases matching this glob (* and ?), within the deployed selection
  --dry-run            print the plan and start nothing
Starts at most MAX_CONCURRENT_EXPORTS (default 5) minus the exports running now; run it again
later for the rest.
${DEPLOYMENT_OPTIONS}`;

export const VERIFY_USAGE = `Usage: npm run archive -- verify [EXPORT_ID ...] [--since DATE] [--force] [--json] [--function NAME] [--region REGION]

  EXPORT_ID      export task identifiers to verify; default: every completed export into the
                 archive bucket started since --since
  --since DATE   exports started on or after DATE (default 30d)
  --force        verify again and rewrite manifests that exist (and report again)
  --json         print JSON instead of lines
Prints one line per export and each table not archived, with the reason. Exits 1 when an
export is incomplete or missing.
${DEPLOYMENT_OPTIONS}`;

export const CATALOG_USAGE = `Usage: npm run archive -- catalog [--since DATE] [--dry-run] [--function NAME] [--region REGION]

  --since DATE   exports started on or after DATE (default 30d)
  --dry-run      read the catalog and print what would change; write nothing
Registers the tables of verified exports (those with a manifest) in the Glue Data Catalog.
Registering an export twice changes nothing.
${DEPLOYMENT_OPTIONS}`;

export const COVERAGE_USAGE = `Usage: npm run archive -- coverage [--since DATE] [--json] [--function NAME] [--region REGION]

  --since DATE   the window to report on (default: the deployment's LOOKBACK_DAYS)
  --json         print JSON instead of a table
Lists every database with a snapshot in the window: its cadence, newest archived snapshot and
its manifest outcome, age, next due period, exports and GB archived, snapshots due but not
archived, and the estimated export cost. Databases the selection skips are listed with why.
${DEPLOYMENT_OPTIONS}`;

export const ENV_USAGE = `Usage: npm run archive -- env [--json] [--function NAME] [--region REGION]

  --json   print JSON instead of lines
Prints each setting of the handler contract, its value and its source (the function, the shell,
or the default).
${DEPLOYMENT_OPTIONS}`;

export const DOCTOR_USAGE = `Usage: npm run archive -- doctor [--json] [--function NAME] [--region REGION]

  --json   print one JSON document instead of lines
Checks the deployment in the account the credentials reach, read only (it changes nothing and
starts no export): the exporter and its settings, the RDS event subscriptions, the event topic's
policy, key and subscription, the export role's trust and permissions, the key policy, the bucket
(encryption, versioning, policy), the last successful reconciliation, the dead-letter queue and
the alarms. Each check says OK, PROBLEM (with what to do) or COULD NOT CHECK (with why).
Exits 1 when a check found a problem, else 0: a check that could not be decided is not a failure.
${DEPLOYMENT_OPTIONS}`;

export const RESTORE_USAGE = `${RESTORE_HELP}
In the vault account (the function is the vault verifier):
  --source-account ID   the source account whose archive to restore from (12 digits, one of the
                        verifier's SOURCE_ACCOUNT_IDS; may be left out when there is one): its
                        exports are under <archivePrefix>/<ID>/ in the vault bucket
${DEPLOYMENT_OPTIONS}`;

/** A parsed command line. */
export type Command =
  | { readonly command: 'help'; readonly text: string }
  | ({ readonly command: 'status'; readonly since?: Date; readonly json: boolean } & DeploymentOptions)
  | ({ readonly command: 'backfill'; readonly since: Date; readonly database?: string; readonly dryRun: boolean } & DeploymentOptions)
  | ({ readonly command: 'env'; readonly json: boolean } & DeploymentOptions)
  | ({
      readonly command: 'verify';
      readonly exportIds: readonly string[];
      readonly since: Date;
      readonly force: boolean;
      readonly json: boolean;
    } & DeploymentOptions)
  | ({ readonly command: 'catalog'; readonly since: Date; readonly dryRun: boolean } & DeploymentOptions)
  | ({ readonly command: 'coverage'; readonly since?: Date; readonly json: boolean } & DeploymentOptions)
  | ({ readonly command: 'doctor'; readonly json: boolean } & DeploymentOptions)
  | (RestoreCommand & {
      /** In the vault account: the source account whose archive to restore from. */
      readonly sourceAccount?: string;
    });

/** Bad command-line input; the message says what and how to get help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string = USAGE,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Reads a date: YYYY-MM-DD (UTC midnight), an ISO time, or Nd (N days before `now`). */
export function parseDate(text: string, now: Date = new Date(), usage: string = USAGE): Date {
  const relative = /^(\d{1,4})d$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text.slice(0, 10)) return date;
  }
  throw new UsageError(`--since "${text}" is not a date: use YYYY-MM-DD, an ISO time such as 2026-11-01T00:00:00Z, or Nd such as 7d`, usage);
}

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean };

const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  function: { type: 'string' },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS: Readonly<Record<string, { readonly usage: string; readonly options: Readonly<Record<string, OptionSpec>>; readonly positionals?: boolean }>> = {
  status: { usage: STATUS_USAGE, options: { since: { type: 'string' }, json: { type: 'boolean' } } },
  backfill: { usage: BACKFILL_USAGE, options: { since: { type: 'string' }, database: { type: 'string' }, 'dry-run': { type: 'boolean' } } },
  verify: { usage: VERIFY_USAGE, options: { since: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } }, positionals: true },
  catalog: { usage: CATALOG_USAGE, options: { since: { type: 'string' }, 'dry-run': { type: 'boolean' } } },
  coverage: { usage: COVERAGE_USAGE, options: { since: { type: 'string' }, json: { type: 'boolean' } } },
  env: { usage: ENV_USAGE, options: { json: { type: 'boolean' } } },
  restore: { usage: RESTORE_USAGE, options: { ...RESTORE_OPTIONS, 'source-account': { type: 'string' } } },
  doctor: { usage: DOCTOR_USAGE, options: { json: { type: 'boolean' } } },
};

/** What `verify` and `catalog` look back over when no --since is given. */
export const DEFAULT_RECENT_DAYS = 30;
// An export task identifier: a letter, then letters, digits and hyphens.
const EXPORT_ID = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;

// Lambda function names: letters, digits, hyphens and underscores, up to 64; an ARN is accepted too.
const FUNCTION_NAME = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function deploymentOptions(values: Record<string, unknown>, usage: string): DeploymentOptions {
  const functionName = values.function as string | undefined;
  const region = values.region as string | undefined;
  if (functionName !== undefined && !FUNCTION_NAME.test(functionName)) {
    throw new UsageError(
      `--function "${functionName}" is not a Lambda function name: use the stack output exporter-function-name, e.g. rds-archive-prod-exporter`,
      usage,
    );
  }
  if (region !== undefined && !REGION_NAME.test(region)) throw new UsageError(`--region "${region}" is not a region name such as us-east-1`, usage);
  return { ...(functionName !== undefined ? { functionName } : {}), ...(region !== undefined ? { region } : {}) };
}

/** Parses the arguments after `npm run archive --`. */
export function parseCommandLine(argv: readonly string[], now: Date = new Date()): Command {
  const [command, ...rest] = argv as [string | undefined, ...string[]];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help', text: USAGE };
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(', ')}`);
  const { usage } = spec;
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: spec.positionals === true,
      options: { ...spec.options, ...COMMON_OPTIONS },
    }));
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]}`, usage);
  }
  if (values.help === true) return { command: 'help', text: usage };
  const deployment = deploymentOptions(values, usage);
  if (command === 'env') return { command: 'env', json: values.json === true, ...deployment };
  if (command === 'doctor') return { command: 'doctor', json: values.json === true, ...deployment };
  if (command === 'restore') {
    const { 'source-account': sourceAccount, ...restoreValues } = values;
    if (sourceAccount !== undefined && !ACCOUNT_ID.pattern.test(String(sourceAccount)))
      throw new UsageError(`restore: --source-account "${sourceAccount}" is not ${ACCOUNT_ID.shape}`, usage);
    try {
      const parsed = parseRestoreCommand(restoreValues, deployment, now, (text) => parseDate(text, now, usage));
      return sourceAccount === undefined ? parsed : { ...parsed, sourceAccount: String(sourceAccount) };
    } catch (error) {
      if (error instanceof RestoreError) throw new UsageError(error.message, usage);
      throw error;
    }
  }
  const since = typeof values.since === 'string' ? parseDate(values.since, now, usage) : undefined;
  if (since !== undefined && since.getTime() > now.getTime()) throw new UsageError(`--since ${values.since} is in the future`, usage);
  if (command === 'status') return { command: 'status', since, json: values.json === true, ...deployment };
  if (command === 'coverage') return { command: 'coverage', since, json: values.json === true, ...deployment };
  const recent = since ?? new Date(now.getTime() - DEFAULT_RECENT_DAYS * 86_400_000);
  if (command === 'catalog') return { command: 'catalog', since: recent, dryRun: values['dry-run'] === true, ...deployment };
  if (command === 'verify') {
    const bad = positionals.filter((id) => !EXPORT_ID.test(id));
    if (bad.length > 0)
      throw new UsageError(`verify: not an export task identifier: ${bad.join(', ')} (see the EXPORT column of "npm run archive -- status")`, usage);
    return { command: 'verify', exportIds: positionals, since: recent, force: values.force === true, json: values.json === true, ...deployment };
  }
  if (since === undefined) throw new UsageError('backfill needs --since DATE: how far back to look for snapshots without exports', usage);
  const database = values.database as string | undefined;
  if (database !== undefined && !DATABASE_PATTERN.pattern.test(database)) {
    throw new UsageError(`--database "${database}" must be one of the ${DATABASE_PATTERN.shape}`, usage);
  }
  return { command: 'backfill', since, database, dryRun: values['dry-run'] === true, ...deployment };
}
