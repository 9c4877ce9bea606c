// `verify`: verify completed exports table by table and record their manifests (again with
// --force), printing one line per export and each table not archived.
import type { ArchiveManifest, Settings } from '../../handler/contract';
import { classifyAwsError, findExportTasks, s3 } from '../../handler/aws';
import { databaseOfExport } from '../../handler/rules';
import { recordCompletedExport } from '../../handler/record-export';
import type { Command } from '../args';
import { describeCallError, failedCallOf, recordFailedCalls } from '../explain-error';
import { archiveExports } from './status';

/** What went wrong verifying one export: the call, where and what to check when known, else what the error says. */
function verifyError(error: unknown): string {
  return failedCallOf(error) !== undefined ? describeCallError(error) : classifyAwsError(error).message;
}

/** What verify says about one export. */
export interface VerifyLine {
  readonly exportTaskIdentifier: string;
  readonly database: string;
  /** verified / incomplete / missing, or not-complete / error. */
  readonly outcome: string;
  /** True when this run wrote the manifest; false when it was recorded before (without --force). */
  readonly written: boolean;
  readonly tables?: number;
  readonly archived?: number;
  readonly bytes?: number;
  readonly notArchived: readonly { readonly target: string; readonly reason: string }[];
  readonly detail?: string;
}

/** The lines for one export (pure). */
export function formatVerifyLine(line: VerifyLine): string {
  const counts = line.tables === undefined ? '' : `  ${line.archived}/${line.tables} tables  ${line.bytes} bytes`;
  const when =
    line.outcome === 'verified' || line.outcome === 'incomplete' || line.outcome === 'missing'
      ? line.written
        ? '  (recorded now)'
        : '  (recorded earlier)'
      : '';
  const head = `${line.outcome.padEnd(11)} ${line.exportTaskIdentifier}  ${line.database}${counts}${when}${line.detail ? `  ${line.detail}` : ''}`;
  return [head, ...line.notArchived.map((t) => `    not archived: ${t.target}: ${t.reason}`)].join('\n');
}

function lineOf(manifest: ArchiveManifest, written: boolean): VerifyLine {
  return {
    exportTaskIdentifier: manifest.exportTaskIdentifier,
    database: manifest.database,
    outcome: manifest.outcome,
    written,
    tables: manifest.totals.tables,
    archived: manifest.totals.archived,
    bytes: manifest.totals.bytes,
    notArchived: manifest.tables.filter((t) => !t.archived).map((t) => ({ target: t.target, reason: t.reason ?? t.status })),
    ...(manifest.outcome === 'missing' ? { detail: manifest.missingReason ?? '' } : {}),
  };
}

export async function verify(command: Extract<Command, { command: 'verify' }>, settings: Settings): Promise<number> {
  // The SDK's S3 errors name neither the operation nor the object; verify's lines should.
  recordFailedCalls(s3, 'S3');
  const tasks =
    command.exportIds.length > 0
      ? (await findExportTasks('export-task-identifier', command.exportIds)).filter((t) => t.S3Bucket === settings.archiveBucket)
      : await archiveExports(settings, command.since);
  const unknown = command.exportIds.filter((id) => !tasks.some((t) => t.ExportTaskIdentifier === id));
  const lines: VerifyLine[] = unknown.map((id) => ({
    exportTaskIdentifier: id,
    database: '-',
    outcome: 'not-found',
    written: false,
    notArchived: [],
    detail: `no export "${id}" into ${settings.archiveBucket} in this region`,
  }));
  for (const task of tasks) {
    const status = (task.Status ?? '').toUpperCase();
    const database = databaseOfExport(task);
    if (status !== 'COMPLETE') {
      lines.push({
        exportTaskIdentifier: task.ExportTaskIdentifier ?? '',
        database,
        outcome: 'not-complete',
        written: false,
        notArchived: [],
        detail: `the export is ${status}`,
      });
      continue;
    }
    try {
      const recorded = await recordCompletedExport(task, settings, { force: command.force });
      lines.push(lineOf(recorded.manifest, recorded.written));
    } catch (error) {
      lines.push({
        exportTaskIdentifier: task.ExportTaskIdentifier ?? '',
        database,
        outcome: 'error',
        written: false,
        notArchived: [],
        detail: verifyError(error),
      });
    }
  }
  lines.sort((a, b) => a.exportTaskIdentifier.localeCompare(b.exportTaskIdentifier));
  if (command.json) console.log(JSON.stringify(lines, null, 2));
  else {
    for (const line of lines) console.log(formatVerifyLine(line));
    const count = (outcome: string) => lines.filter((l) => l.outcome === outcome).length;
    console.log(
      `${lines.length} export(s): ${count('verified')} verified, ${count('incomplete')} incomplete, ${count('missing')} missing, ${count('not-complete')} not complete, ${count('not-found')} not found, ${count('error')} failed to verify`,
    );
  }
  return lines.some((l) => l.outcome !== 'verified' && l.outcome !== 'not-complete') ? 1 : 0;
}
