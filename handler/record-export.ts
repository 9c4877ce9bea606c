// Use case: an export is complete → verify what it wrote, record the manifest once, and register
// the archived tables in the Glue Data Catalog. Shared by the export-completed event, the
// reconciliation (completed exports without a manifest) and the CLI's verify command.
import type { ExportTask } from '@aws-sdk/client-rds';
import type { ArchiveManifest } from './archive-manifest';
import { type RegisterResult, registerExport } from './catalog';
import type { Settings } from './settings';
import { verifyAndRecord } from './verify';

/** What recording one export did. */
export interface RecordResult {
  readonly manifest: ArchiveManifest;
  /** True when this call wrote the manifest. */
  readonly written: boolean;
  /** The catalog registration, when it ran (catalog enabled and the manifest new, or `register` asked). */
  readonly catalog?: RegisterResult;
}

/** Options of {@link recordCompletedExport}. */
export interface RecordOptions {
  /** Verify again and rewrite the manifest. @default false */
  readonly force?: boolean;
  /**
   * Register in the catalog even when the manifest was already there (the event path: a retried
   * invocation must finish a registration that failed). @default false: only newly written manifests
   */
  readonly registerExisting?: boolean;
  readonly now?: Date;
}

/** The DB instance or cluster of an export: the last part of its S3 prefix, `<ARCHIVE_PREFIX>/<database>`. */
export function databaseOfExport(task: Pick<ExportTask, 'S3Prefix'>): string {
  return (task.S3Prefix ?? '').split('/').filter(Boolean).pop() ?? '';
}

/**
 * Verifies and records a COMPLETE export into the archive bucket, then registers it in the
 * catalog. An existing manifest is not read again unless `force`.
 *
 * @throws the SDK's errors (S3, Glue, SNS); running again is safe
 */
export async function recordCompletedExport(task: ExportTask, settings: Settings, options: RecordOptions = {}): Promise<RecordResult> {
  const { manifest, written } = await verifyAndRecord(task, {
    database: databaseOfExport(task),
    force: options.force,
    notifyTopicArn: settings.notifyTopicArn,
    archiveName: settings.archiveName,
    now: options.now,
  });
  if (!settings.catalogEnabled || manifest.outcome === 'missing' || (!written && options.registerExisting !== true)) return { manifest, written };
  const catalog = await registerExport(manifest, { archiveName: settings.archiveName });
  return { manifest, written, catalog };
}
