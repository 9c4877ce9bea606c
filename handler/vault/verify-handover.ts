// Use case: one handover in the vault's bucket → read it, check it (checks.ts), and verify and
// catalog the export it names with that source's prefix and catalog names; or reject it: logged,
// counted (HandoversRejected) and reported, never verified. Shared by the S3 notification and the
// vault's scheduled run.
import type { AwsClients } from '../aws/clients';
import { readText } from '../aws/s3';
import { notify } from '../aws/notify';
import { type RegisterResult, registerExport } from '../catalog/register';
import { metricLine, writeLogLine } from '../common/log';
import { type HandoverKeyParts, parseHandoverKey } from '../contract/archive-layout';
import { sourceCatalogName } from '../contract/catalog-names';
import { type Handover, parseHandover } from '../contract/handover';
import type { ArchiveManifest } from '../contract/manifest';
import { HANDOVERS_REJECTED } from '../contract/metric-names';
import type { VaultSettings } from '../contract/vault-settings';
import { databaseOfExport } from '../rules/export-naming';
import { exportFolder } from '../verification/layout';
import { verifyAndRecord } from '../verification/record-manifest';
import { handoverProblems, taskOfHandover } from './checks';

/** What became of one handover. */
export type HandoverResult =
  | {
      readonly state: 'verified';
      readonly key: HandoverKeyParts;
      /** The export's folder (the record's entry). */
      readonly folder: string;
      readonly manifest: ArchiveManifest;
      /** True when this call wrote the manifest. */
      readonly written: boolean;
      readonly catalog?: RegisterResult;
    }
  | { readonly state: 'rejected'; readonly problems: readonly string[] }
  /** The handover is gone (deleted between its notification and this read). */
  | { readonly state: 'gone' };

/** Options of {@link verifyHandover}. */
export interface HandoverOptions {
  /**
   * Register in the catalog even when the manifest was there already (the notification path: a
   * retried invocation finishes a registration that failed). @default false
   */
  readonly registerExisting?: boolean;
  readonly now?: Date;
}

/** Logs, counts and reports a rejected handover; returns the rejection. */
async function reject(bucketKey: string, problems: readonly string[], settings: VaultSettings, now: Date, clients: AwsClients): Promise<HandoverResult> {
  writeLogLine(
    JSON.stringify({
      level: 'ERROR',
      decision: 'rejected',
      reason: `the handover is not trusted, so its export is not verified: ${problems.join('; ')}`,
      handover: `s3://${settings.archiveBucket}/${bucketKey}`,
      notified: settings.notifyTopicArn !== undefined,
    }),
  );
  writeLogLine(metricLine(settings.archiveName, { [HANDOVERS_REJECTED]: { value: 1, unit: 'Count' } }, now));
  if (settings.notifyTopicArn !== undefined) {
    await notify(
      settings.notifyTopicArn,
      'RDS snapshot archive: a handover was rejected',
      [
        `The vault did not verify the export named by s3://${settings.archiveBucket}/${bucketKey}:`,
        ...problems.map((problem) => `  - ${problem}`),
        '',
        "A source account's exporter writes handovers under its own prefix. A handover that fails these checks was written by something else, or by an exporter whose settings do not match the vault's (redeploy the source stack), and nothing it names is verified or cataloged.",
      ].join('\n'),
      clients.sns,
    );
  }
  return { state: 'rejected', problems };
}

/**
 * Reads and checks the handover at `key` and, when it is trusted, verifies and records the export
 * it names (verifyAndRecord, the manifest saying its task description came from the handover) and
 * registers it in the catalog under the source's names (sourceCatalogName).
 *
 * @throws the SDK's errors (S3, Glue, SNS); running again is safe
 */
export async function verifyHandover(key: string, settings: VaultSettings, options: HandoverOptions = {}, clients: AwsClients = {}): Promise<HandoverResult> {
  const now = options.now ?? new Date();
  const parsedKey = parseHandoverKey(settings.archivePrefix, key);
  if (!parsedKey.ok) return reject(key, [parsedKey.problem], settings, now, clients);
  const text = await readText(settings.archiveBucket, key, clients.s3);
  if (text === undefined) {
    writeLogLine(JSON.stringify({ level: 'WARN', decision: 'ignored', reason: 'the handover is gone', handover: `s3://${settings.archiveBucket}/${key}` }));
    return { state: 'gone' };
  }
  const parsed = parseHandover(text);
  if (!parsed.ok) return reject(key, parsed.problems, settings, now, clients);
  const problems = handoverProblems(parsedKey.parts, parsed.handover, settings);
  if (problems.length > 0) return reject(key, problems, settings, now, clients);
  return verifyTrusted(key, parsedKey.parts, parsed.handover, settings, options, now, clients);
}

/**
 * Why a manifest found in the export's folder is not the vault's verification of this export, or
 * undefined when it is: the vault writes manifests that name this bucket, this folder and export,
 * and the source account's handover. The folder is under the source's prefix, so a manifest the
 * vault did not write there could point the catalog anywhere.
 */
export function foreignManifest(manifest: ArchiveManifest, bucket: string, folder: string, key: HandoverKeyParts): string | undefined {
  if (manifest.bucket !== bucket) return `names the bucket ${manifest.bucket}`;
  if (manifest.exportPrefix !== folder) return `names the folder ${manifest.exportPrefix}`;
  if (manifest.exportTaskIdentifier !== key.exportTaskIdentifier) return `names the export ${manifest.exportTaskIdentifier}`;
  if (manifest.taskDescription?.from !== 'handover' || manifest.taskDescription.sourceAccountId !== key.sourceAccountId)
    return "does not say it was verified from this source account's handover";
  return undefined;
}

async function verifyTrusted(
  bucketKey: string,
  key: HandoverKeyParts,
  handover: Handover,
  settings: VaultSettings,
  options: HandoverOptions,
  now: Date,
  clients: AwsClients,
): Promise<HandoverResult> {
  const task = taskOfHandover(handover);
  const folder = exportFolder(task.S3Prefix, task.ExportTaskIdentifier ?? '');
  const verifyOptions = {
    bucket: settings.archiveBucket,
    database: databaseOfExport(task),
    notifyTopicArn: settings.notifyTopicArn,
    archiveName: settings.archiveName,
    now,
    taskDescription: { from: 'handover', sourceAccountId: key.sourceAccountId, handoverKey: bucketKey } as const,
  };
  let { manifest, written } = await verifyAndRecord(task, verifyOptions, clients);
  const foreign = written ? undefined : foreignManifest(manifest, settings.archiveBucket, folder, key);
  if (foreign !== undefined) {
    // A manifest the vault did not write for this export (the folder is the source's): verify again and replace it.
    writeLogLine(
      JSON.stringify({
        level: 'WARN',
        decision: 'manifest-replaced',
        reason: `the manifest in the export's folder ${foreign}; verified again`,
        handover: bucketKey,
      }),
    );
    ({ manifest, written } = await verifyAndRecord(task, { ...verifyOptions, force: true }, clients));
  }
  if (!settings.catalogEnabled || manifest.outcome === 'missing' || (!written && options.registerExisting !== true))
    return { state: 'verified', key, folder, manifest, written };
  const catalog = await registerExport(manifest, { archiveName: sourceCatalogName(settings.archiveName, key.sourceAccountId) }, clients);
  return { state: 'verified', key, folder, manifest, written, catalog };
}
