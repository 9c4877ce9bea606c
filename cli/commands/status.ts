// `status`: the archive's exports, newest last, with each one's verification outcome.
import type { ExportTask } from '@aws-sdk/client-rds';
import { classifyAwsError, listExportTasks, readManifest } from '../../handler/aws';
import { mapWithConcurrency } from '../../handler/common';
import { databaseOfExport } from '../../handler/rules';
import type { Settings } from '../../handler/contract';
import { exportFolder } from '../../handler/verification';
import type { Command } from '../args';
import { type Column, formatTable } from '../table';

/** One row of `status`. */
export interface StatusRow extends Record<string, string> {
  readonly exportTaskIdentifier: string;
  readonly snapshot: string;
  readonly database: string;
  readonly status: string;
  readonly progress: string;
  /** The manifest's outcome; "-" when not verified yet. */
  readonly verified: string;
  readonly started: string;
  readonly location: string;
}

export const STATUS_COLUMNS: readonly Column<StatusRow>[] = [
  { key: 'exportTaskIdentifier', header: 'EXPORT' },
  { key: 'snapshot', header: 'SNAPSHOT' },
  { key: 'database', header: 'DATABASE' },
  { key: 'status', header: 'STATUS' },
  { key: 'progress', header: 'PROGRESS' },
  { key: 'verified', header: 'VERIFIED' },
  { key: 'started', header: 'STARTED' },
  { key: 'location', header: 'S3 LOCATION' },
];

/** The export tasks into the archive bucket started since `since` (all when undefined). */
export async function archiveExports(settings: Settings, since?: Date): Promise<ExportTask[]> {
  // The s3-bucket filter spares paging through other buckets' exports; the check below does not rely on it.
  const tasks = await listExportTasks(undefined, undefined, settings.archiveBucket);
  return tasks.filter((t) => t.S3Bucket === settings.archiveBucket && (since === undefined || t.TaskStartTime === undefined || t.TaskStartTime >= since));
}

/** A status row for an export and its manifest outcome (pure). */
export function statusRow(task: ExportTask, outcome: string | undefined): StatusRow {
  return {
    exportTaskIdentifier: task.ExportTaskIdentifier ?? '',
    snapshot: (task.SourceArn ?? '').replace(/^.*:(cluster-)?snapshot:/, ''),
    database: databaseOfExport(task),
    status: (task.Status ?? '').toUpperCase(),
    progress: task.PercentProgress === undefined ? '-' : `${task.PercentProgress}%`,
    verified: outcome ?? '-',
    started: task.TaskStartTime?.toISOString() ?? '-',
    location: `s3://${task.S3Bucket}/${exportFolder(task.S3Prefix, task.ExportTaskIdentifier ?? '')}`,
  };
}

/**
 * The verification outcome of each COMPLETE export (undefined: not verified yet; "?": the manifest
 * could not be read), and the distinct read problems, which the caller reports once.
 */
export async function manifestOutcomes(settings: Settings, tasks: readonly ExportTask[]): Promise<{ outcomes: (string | undefined)[]; problems: string[] }> {
  const problems = new Set<string>();
  const outcomes = await mapWithConcurrency(tasks, 8, async (task) => {
    if ((task.Status ?? '').toUpperCase() !== 'COMPLETE') return undefined;
    try {
      return (await readManifest(settings.archiveBucket, exportFolder(task.S3Prefix, task.ExportTaskIdentifier ?? '')))?.outcome;
    } catch (error) {
      problems.add(classifyAwsError(error).message);
      return '?';
    }
  });
  return { outcomes, problems: [...problems] };
}

/** Warns once per distinct problem reading manifests, on stderr. */
export function warnUnreadableManifests(problems: readonly string[]): void {
  for (const problem of problems) console.error(`warning: could not read verification manifests (shown as "?"): ${problem}`);
}

export async function status(command: Extract<Command, { command: 'status' }>, settings: Settings): Promise<number> {
  const tasks = await archiveExports(settings, command.since);
  // The export list is what status is for; an unreadable manifest shows as "?" with one warning.
  const { outcomes, problems } = await manifestOutcomes(settings, tasks);
  const rows = tasks.map((task, i) => statusRow(task, outcomes[i]));
  rows.sort((a, b) => a.started.localeCompare(b.started) || a.exportTaskIdentifier.localeCompare(b.exportTaskIdentifier));
  if (command.json) console.log(JSON.stringify(rows, null, 2));
  else
    console.log(
      rows.length === 0
        ? `no exports into ${settings.archiveBucket}${command.since ? ` since ${command.since.toISOString()}` : ''}`
        : formatTable(STATUS_COLUMNS, rows),
    );
  warnUnreadableManifests(problems);
  return 0;
}
