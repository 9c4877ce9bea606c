// The restore command's options (pure): which export, which tables, where to, and how.
import type { DeploymentOptions } from '../deployment-options';
import { IF_EXISTS, type IfExists, RestoreError, parseTargetUrl, type RestoreTarget } from '../../handler/restore';

/** The command's help, without the deployment options every command shares (args.ts adds them). */
export const RESTORE_HELP = `Usage: npm run archive -- restore (--export EXPORT_ID | --database DB [--at TIME])
                           (--table SCHEMA.TABLE [--table ...] | --all)
                           --to postgres://USER@HOST:PORT/DB | mysql://USER@HOST:PORT/DB
                           [--target-schema NAME] [--if-exists fail|append|replace]
                           [--jobs N] [--dry-run] [--json] [--function NAME] [--region REGION]
                           [--source-account ID]   (in the vault account)

  --export EXPORT_ID    the export to restore from (the EXPORT column of "status")
  --database DB         the newest verified export of this DB instance or cluster whose snapshot
  --at TIME             was taken at or before TIME (YYYY-MM-DD, an ISO time, or Nd; default now)
  --table SCHEMA.TABLE  a table to restore (repeat for more); MySQL: DATABASE.TABLE
  --all                 every table the export archived
  --to URL              the target database; no password in the URL: PostgreSQL reads PGPASSWORD
                        or ~/.pgpass, MySQL reads MYSQL_PWD. TLS when the server offers it
                        (?sslmode=verify-full&sslrootcert=FILE, ?ssl-mode=VERIFY_IDENTITY&ssl-ca=FILE)
  --target-schema NAME  the schema (PostgreSQL; default: the source's) or database (MySQL;
                        default: the one in --to) to create the tables in
  --if-exists MODE      when the table exists: fail (default; it is never touched), append, or
                        replace (swapped in one transaction at the end)
  --jobs N              tables loaded at once (default 2)
  --dry-run             print the plan (tables, files, rows, bytes, estimated time); change nothing
  --json                one JSON line per table, and one for the summary
Each table is loaded into a staging table and moved into place in one transaction, after its
rows are checked against the Parquet footers: a failure or a kill leaves the target as it was.
The restore only reads the archive (S3 GetObject and ListBucket under the archive prefix).
Restoring into the other engine (PostgreSQL into MySQL or back) is not supported.
Exits 1 when a table could not be restored, 2 on bad input.`;

/** Where the data comes from: an export by id, or a database at a time. */
export type RestoreSource = { readonly exportId: string } | { readonly database: string; readonly at: Date };

/** A parsed restore command. */
export interface RestoreCommand extends DeploymentOptions {
  readonly command: 'restore';
  readonly source: RestoreSource;
  readonly tables: readonly string[] | 'all';
  readonly target: RestoreTarget;
  readonly targetSchema?: string;
  readonly ifExists: IfExists;
  readonly jobs: number;
  readonly dryRun: boolean;
  readonly json: boolean;
}

/** The restore command's options for parseArgs. */
export const RESTORE_OPTIONS = {
  export: { type: 'string' },
  database: { type: 'string' },
  at: { type: 'string' },
  table: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  to: { type: 'string' },
  'target-schema': { type: 'string' },
  'if-exists': { type: 'string' },
  jobs: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const EXPORT_ID = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;
const NAME = /^[^\s/.][^/]*$/;

/**
 * Reads the restore command's values (from parseArgs). Bad input throws a RestoreError with
 * exit code 2, which the command line turns into its usage error.
 *
 * @param parseTime - the CLI's reader of dates (args.ts parseDate)
 */
export function parseRestoreCommand(
  values: Record<string, string | boolean | (string | boolean)[] | undefined>,
  deployment: DeploymentOptions,
  now: Date,
  parseTime: (text: string) => Date,
  env: Readonly<Record<string, string | undefined>> = process.env,
): RestoreCommand {
  const fail = (message: string) => new RestoreError(`restore: ${message}`, 2);
  const exportId = values.export as string | undefined;
  const database = values.database as string | undefined;
  if ((exportId === undefined) === (database === undefined)) throw fail('name the data with --export EXPORT_ID, or with --database DB (and --at TIME)');
  if (exportId !== undefined && values.at !== undefined) throw fail('--at goes with --database, not with --export');
  if (exportId !== undefined && !EXPORT_ID.test(exportId))
    throw fail(`"${exportId}" is not an export task identifier (the EXPORT column of "npm run archive -- status")`);
  let at = now;
  if (typeof values.at === 'string') {
    try {
      at = parseTime(values.at);
    } catch {
      throw fail(`--at "${values.at}" is not a time: use YYYY-MM-DD, an ISO time such as 2026-11-01T06:00:00Z, or Nd such as 30d`);
    }
  }
  const tables = (values.table as string[] | undefined) ?? [];
  if (values.all === true && tables.length > 0) throw fail('--all and --table exclude each other');
  if (values.all !== true && tables.length === 0) throw fail('name the tables with --table SCHEMA.TABLE (repeat it), or pass --all');
  const to = values.to as string | undefined;
  if (to === undefined) throw fail('--to URL is required, e.g. --to postgres://admin@db.example.com:5432/restored');
  const target: RestoreTarget = parseTargetUrl(to, env);
  const ifExists = (values['if-exists'] as string | undefined) ?? 'fail';
  if (!(IF_EXISTS as readonly string[]).includes(ifExists)) throw fail(`--if-exists must be one of ${IF_EXISTS.join(', ')}`);
  const jobsText = (values.jobs as string | undefined) ?? '2';
  const jobs = Number(jobsText);
  if (!/^\d+$/.test(jobsText) || jobs < 1 || jobs > 32) throw fail(`--jobs must be a whole number from 1 to 32, got "${jobsText}"`);
  const targetSchema = values['target-schema'] as string | undefined;
  if (targetSchema !== undefined && !NAME.test(targetSchema)) throw fail(`--target-schema "${targetSchema}" is not a schema name`);
  return {
    command: 'restore',
    source: exportId !== undefined ? { exportId } : { database: database!, at },
    tables: values.all === true ? 'all' : tables,
    target,
    ...(targetSchema !== undefined ? { targetSchema } : {}),
    ifExists: ifExists as IfExists,
    jobs,
    dryRun: values['dry-run'] === true,
    json: values.json === true,
    ...deployment,
  };
}
