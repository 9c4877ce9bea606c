// `npm run archive -- status|backfill`: operators' view of the archive and a safe backfill.
// Shares the reconciler's planner, so it starts exactly what a reconciliation would.
import { attemptOf } from '../handler/export-naming';
import { listExportTasks } from '../handler/rds';
import { reconcile } from '../handler/reconcile';
import { readSettings, SettingsError } from '../handler/settings';
import { parseCommandLine, UsageError, type Command } from './args';

/** One row of `status`. */
export interface StatusRow {
  readonly exportTaskIdentifier: string;
  readonly snapshot: string;
  readonly database: string;
  readonly status: string;
  readonly progress: string;
  readonly started: string;
  readonly location: string;
}

/** Lays rows out as a plain text table. */
export function formatTable(rows: readonly StatusRow[]): string {
  const headers: Record<keyof StatusRow, string> = { exportTaskIdentifier: 'EXPORT', snapshot: 'SNAPSHOT', database: 'DATABASE', status: 'STATUS', progress: 'PROGRESS', started: 'STARTED', location: 'S3 LOCATION' };
  const keys = Object.keys(headers) as (keyof StatusRow)[];
  const widths = keys.map((k) => Math.max(headers[k].length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(keys.map((k) => headers[k])), ...rows.map((r) => line(keys.map((k) => r[k])))].join('\n');
}

async function status(command: Extract<Command, { command: 'status' }>): Promise<void> {
  const bucket = process.env.ARCHIVE_BUCKET?.trim();
  if (!bucket) throw new SettingsError('ARCHIVE_BUCKET', 'is required: the archive bucket whose exports to list (the stack output archive-bucket)');
  const tasks = (await listExportTasks()).filter((t) => t.S3Bucket === bucket && (command.since === undefined || t.TaskStartTime === undefined || t.TaskStartTime >= command.since));
  const rows: StatusRow[] = tasks.map((t) => ({
    exportTaskIdentifier: t.ExportTaskIdentifier ?? '',
    snapshot: (t.SourceArn ?? '').replace(/^.*:(cluster-)?snapshot:/, ''),
    database: (t.S3Prefix ?? '').split('/').filter(Boolean).pop() ?? '',
    status: (t.Status ?? '').toUpperCase(),
    progress: t.PercentProgress === undefined ? '-' : `${t.PercentProgress}%`,
    started: t.TaskStartTime?.toISOString() ?? '-',
    location: `s3://${t.S3Bucket}/${t.S3Prefix ? `${t.S3Prefix}/` : ''}${t.ExportTaskIdentifier ?? ''}/`,
  }));
  rows.sort((a, b) => a.started.localeCompare(b.started) || a.exportTaskIdentifier.localeCompare(b.exportTaskIdentifier));
  console.log(command.json ? JSON.stringify(rows, null, 2) : rows.length === 0 ? `no exports into ${bucket}${command.since ? ` since ${command.since.toISOString()}` : ''}` : formatTable(rows));
}

async function backfill(command: Extract<Command, { command: 'backfill' }>): Promise<number> {
  const settings = readSettings(process.env);
  const result = await reconcile(settings, {
    since: command.since,
    databasePattern: command.database,
    dryRun: command.dryRun,
    onStarted: (arn, id) => console.log(`started  ${id}  (${arn})`),
  });
  const { plan } = result;
  const count = (kind: string) => plan.decisions.filter((d) => d.kind === kind).length;
  if (command.dryRun) {
    for (const start of plan.toStart) console.log(`would start  ${start.exportTaskIdentifier}  (${start.snapshotArn}, attempt ${start.attempt})`);
  }
  for (const d of plan.decisions) {
    if (d.kind === 'deferred') console.log(`deferred     ${d.snapshotArn}: no free export slot now; run backfill again later`);
    if (d.kind === 'gave-up') console.log(`gave up      ${d.snapshotArn}: ${d.attempts} attempts failed (last ${d.lastExportTaskIdentifier}, attempt ${attemptOf(d.snapshotArn, d.lastExportTaskIdentifier, settings.maxExportAttempts)})`);
  }
  for (const f of result.failures) console.error(`failed       ${f.snapshotArn}: ${f.reason}`);
  console.log(
    `${command.dryRun ? 'dry run: would start' : 'started'} ${command.dryRun ? plan.toStart.length : result.started.length} of ${plan.decisions.length} snapshot(s) since ${command.since.toISOString()}; ` +
      `${count('exported')} already exported, ${count('running')} running, ${count('deferred')} deferred, ${count('gave-up')} given up, ${count('ineligible')} not selected; ${plan.running} export(s) running in the account, ${plan.freeSlots} slot(s) were free`,
  );
  return result.failures.length > 0 ? 1 : 0;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.command === 'help') {
      console.log(command.text);
      return 0;
    }
    if (command.command === 'status') {
      await status(command);
      return 0;
    }
    return await backfill(command);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${error.usage}`);
      return 2;
    }
    if (error instanceof SettingsError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    console.error(`error: ${(error as Error).name}: ${(error as Error).message}`);
    return 1;
  }
}
