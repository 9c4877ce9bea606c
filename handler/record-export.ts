// Use case: an export is complete → verify what it wrote, record the manifest once, and register
// the archived tables in the Glue Data Catalog. Shared by the export-completed event, the
// reconciliation (completed exports without a manifest) and the CLI's verify command. The Lambda
// bundle loads this file (and with it the S3 and Glue clients) only when an export has completed:
// see recorder.ts and stacks/bundle.ts.
import type { ExportTask } from '@aws-sdk/client-rds';
import type { AwsClients } from './aws/clients';
import type { ArchiveManifest } from './contract/manifest';
import { type RegisterResult, registerExport } from './catalog/register';
import { databaseOfExport } from './rules/export-naming';
import { manifestExists } from './aws/s3';
import type { Settings } from './contract/settings';
import { verifyAndRecord } from './verification/record-manifest';
import { exportFolder } from './verification/layout';

// The record of verified exports, read and written by the reconciliation with the S3 client loaded here.
export { readVerifiedRecord, saveVerifiedRecord } from './verification/verified-record-store';
// Vault mode: a source hands its completed exports over instead of recording them, with the same S3 client.
export { handOverExport, handOverUnverifiedExports } from './exporting/hand-over';

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

/**
 * Verifies and records a COMPLETE export into the archive bucket, then registers it in the
 * catalog. An existing manifest is not read again unless `force`.
 *
 * @throws when the exporter is a source of a vault (settings.vaultAccountId); the SDK's errors (S3, Glue, SNS); running again is safe
 */
export async function recordCompletedExport(
  task: ExportTask,
  settings: Settings,
  options: RecordOptions = {},
  clients: AwsClients = {},
): Promise<RecordResult> {
  if (settings.vaultAccountId !== undefined) {
    // A source of a vault cannot read its exports; verifying here would fail on every file with AccessDenied.
    throw new Error(
      `this exporter is a source of the vault ${settings.vaultAccountId} (VAULT_ACCOUNT_ID): its exports are verified and cataloged by the vault verifier in the vault account, and this account cannot read them; read their manifests with "npm run archive -- status"`,
    );
  }
  const { manifest, written } = await verifyAndRecord(
    task,
    {
      database: databaseOfExport(task),
      force: options.force,
      notifyTopicArn: settings.notifyTopicArn,
      archiveName: settings.archiveName,
      now: options.now,
    },
    clients,
  );
  if (!settings.catalogEnabled || manifest.outcome === 'missing' || (!written && options.registerExisting !== true)) return { manifest, written };
  const catalog = await registerExport(manifest, { archiveName: settings.archiveName }, clients);
  return { manifest, written, catalog };
}

/**
 * The reconciliation's check of one completed export: undefined when its manifest exists (one S3
 * listing, nothing read), otherwise what {@link recordCompletedExport} did.
 */
export async function recordUnlessRecorded(task: ExportTask, settings: Settings, clients: AwsClients = {}): Promise<RecordResult | undefined> {
  if (await manifestExists(task.S3Bucket ?? settings.archiveBucket, exportFolder(task.S3Prefix, task.ExportTaskIdentifier ?? ''), clients.s3)) return undefined;
  return recordCompletedExport(task, settings, {}, clients);
}
