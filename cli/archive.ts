// `npm run archive -- status|backfill`: operators' view of the archive and a safe backfill.
// Shares the reconciler's planner, so it starts exactly what a reconciliation would.
import { attemptOf } from '../handler/export-naming';
import { listExportTasks } from '../handler/rds';
import { reconcile } from '../handler/reconcile';
import { type Settings, SETTING_CODECS, SettingsError } from '../handler/settings';
import { ConfigError } from '../stacks/config';
import { type Command, type DeploymentOptions, parseCommandLine, UsageError } from './args';
import { describeSources, FunctionNotFoundError, lambda, type ResolvedSettings, resolveSettings } from './deployment';
import { explainAwsError } from './explain-error';

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

async function status(command: Extract<Command, { command: 'status' }>, settings: Settings): Promise<void> {
  const bucket = settings.archiveBucket;
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

/** `env`: each contract variable, its value and its source. */
export function formatEnvironment(resolved: ResolvedSettings, json: boolean): string {
  const rows = Object.values(SETTING_CODECS).map((codec) => ({
    variable: codec.variable,
    value: resolved.env[codec.variable] ?? (codec.fallback === undefined ? '' : codec.write(codec.fallback as never)),
    source: resolved.sources[codec.variable] ?? 'default',
  }));
  if (json) return JSON.stringify({ functionName: resolved.functionName ?? null, settings: rows }, null, 2);
  const width = Math.max(...rows.map((r) => r.variable.length));
  return rows.map((r) => `${r.variable.padEnd(width)}  ${r.value === '' ? '(unset)' : r.value}  [${r.source}]`).join('\n');
}

async function backfill(command: Extract<Command, { command: 'backfill' }>, settings: Settings): Promise<number> {
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

/** The region the CLI talks to: --region, else the SDK's default (undefined when none is set). */
async function activeRegion(options: DeploymentOptions): Promise<string | undefined> {
  return options.region ?? (await lambda.config.region().catch(() => undefined));
}

async function run(command: Exclude<Command, { command: 'help' }>): Promise<number> {
  // Every client here resolves its region from the environment at its first call.
  if (command.region !== undefined) process.env.AWS_REGION = command.region;
  const resolved = await resolveSettings(command);
  console.error(describeSources(resolved, await activeRegion(command)));
  switch (command.command) {
    case 'env':
      console.log(formatEnvironment(resolved, command.json));
      return 0;
    case 'status':
      await status(command, resolved.settings);
      return 0;
    case 'backfill':
      return backfill(command, resolved.settings);
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
