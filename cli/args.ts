// The archive CLI's command line (pure): commands, options, and messages for bad input.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run archive -- <command> [options]

Commands:
  status     list this archive's exports: snapshot, database, status, progress, start, S3 location
  backfill   start the missing exports of existing snapshots, within the export quota

Run "npm run archive -- <command> --help" for a command's options.
Settings come from the exporter's environment variables (ARCHIVE_BUCKET, EXPORT_ROLE_ARN,
EXPORT_KMS_KEY_ARN, ...: see the README's handler contract); AWS credentials and region from the
default AWS chain (AWS_PROFILE, AWS_REGION, ...).`;

export const STATUS_USAGE = `Usage: npm run archive -- status [--since DATE] [--json]

  --since DATE   only exports started on or after DATE (YYYY-MM-DD, an ISO time, or Nd for N days ago)
  --json         print JSON instead of a table
Needs ARCHIVE_BUCKET: the archive's exports are those into that bucket.`;

export const BACKFILL_USAGE = `Usage: npm run archive -- backfill --since DATE [--database PATTERN] [--dry-run]

  --since DATE         snapshots created on or after DATE (YYYY-MM-DD, an ISO time, or Nd for N days ago); required
  --database PATTERN   only databases matching this glob (* and ?), on top of INCLUDE/EXCLUDE_DATABASES
  --dry-run            print the plan and start nothing
Starts at most MAX_CONCURRENT_EXPORTS (default 5) minus the exports running now; run it again
later for the rest. Needs ARCHIVE_BUCKET, EXPORT_ROLE_ARN and EXPORT_KMS_KEY_ARN.`;

/** A parsed command line. */
export type Command =
  | { readonly command: 'help'; readonly text: string }
  | { readonly command: 'status'; readonly since?: Date; readonly json: boolean }
  | { readonly command: 'backfill'; readonly since: Date; readonly database?: string; readonly dryRun: boolean };

/** Bad command-line input; the message says what and how to get help. */
export class UsageError extends Error {
  constructor(message: string, readonly usage: string = USAGE) {
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

/** Parses the arguments after `npm run archive --`. */
export function parseCommandLine(argv: readonly string[], now: Date = new Date()): Command {
  const [command, ...rest] = argv as [string | undefined, ...string[]];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: 'help', text: USAGE };
  const usage = command === 'status' ? STATUS_USAGE : command === 'backfill' ? BACKFILL_USAGE : undefined;
  if (usage === undefined) throw new UsageError(`unknown command "${command}"; the commands are status and backfill`);
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options:
        command === 'status'
          ? { since: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }
          : { since: { type: 'string' }, database: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]}`, usage);
  }
  if (values.help === true) return { command: 'help', text: usage };
  const since = typeof values.since === 'string' ? parseDate(values.since, now, usage) : undefined;
  if (since !== undefined && since.getTime() > now.getTime()) throw new UsageError(`--since ${values.since} is in the future`, usage);
  if (command === 'status') return { command: 'status', since, json: values.json === true };
  if (since === undefined) throw new UsageError('backfill needs --since DATE: how far back to look for snapshots without exports', usage);
  const database = values.database as string | undefined;
  if (database !== undefined && !/^[A-Za-z0-9*?-]+$/.test(database)) {
    throw new UsageError(`--database "${database}" must be a glob pattern of letters, digits, hyphens, * and ?`, usage);
  }
  return { command: 'backfill', since, database, dryRun: values['dry-run'] === true };
}
