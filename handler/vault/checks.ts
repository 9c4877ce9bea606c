// The vault's checks of a handover (pure): a handover is a claim of a source account about its own
// export. The vault believes it only where the claim cannot reach beyond that account: the account
// is a configured source, the key, the document and the snapshot's ARN name the same account, and
// the export is in this bucket, in a database folder under that account's prefix, and COMPLETE.
// Anything else is rejected and never verified (docs/verification.md, "Vault mode").
import type { HandoverKeyParts } from '../contract/archive-layout';
import type { Handover } from '../contract/handover';
import type { VaultSettings } from '../contract/vault-settings';
import { isValidExportTaskIdentifier } from '../rules/export-naming';
import type { ExportTaskDescription } from '../verification/metadata';

/** A snapshot's ARN: `arn:<partition>:rds:<region>:<account>:snapshot:<name>` or `...:cluster-snapshot:<name>`. */
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:(\d{12}):(?:cluster-)?snapshot:[A-Za-z0-9:._-]+$/;

/** An RDS DB instance or cluster identifier, as the export's folder names it. */
const DATABASE_IDENTIFIER = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

/**
 * Every reason not to trust the handover at `key`, empty when there is none. `key` is where the
 * handover was found (parseHandoverKey), `handover` what it says (parseHandover).
 */
export function handoverProblems(key: HandoverKeyParts, handover: Handover, settings: Pick<VaultSettings, 'archiveBucket' | 'sourceAccountIds'>): string[] {
  const problems: string[] = [];
  const task = handover.exportTask;
  const account = key.sourceAccountId;
  if (!settings.sourceAccountIds.includes(account))
    problems.push(`the key is under account ${account}, which is not a source account of this vault (${settings.sourceAccountIds.join(', ')})`);
  if (handover.sourceAccountId !== account)
    problems.push(`the handover says it is from account ${handover.sourceAccountId}, but it is under account ${account}'s prefix`);
  const arn = SNAPSHOT_ARN.exec(task.SourceArn);
  if (arn === null) problems.push(`exportTask.SourceArn "${task.SourceArn}" is not an RDS snapshot ARN`);
  else if (arn[1] !== account)
    problems.push(`exportTask.SourceArn is a snapshot of account ${arn[1]}, not of account ${account} whose prefix holds the handover`);
  if (task.ExportTaskIdentifier !== key.exportTaskIdentifier)
    problems.push(`exportTask.ExportTaskIdentifier "${task.ExportTaskIdentifier}" is not the export the key names ("${key.exportTaskIdentifier}")`);
  if (!isValidExportTaskIdentifier(task.ExportTaskIdentifier))
    problems.push(`exportTask.ExportTaskIdentifier "${task.ExportTaskIdentifier}" is not an export task identifier`);
  if (task.S3Bucket !== settings.archiveBucket) problems.push(`exportTask.S3Bucket "${task.S3Bucket}" is not this vault's bucket ${settings.archiveBucket}`);
  const database = task.S3Prefix.startsWith(`${key.sourcePrefix}/`) ? task.S3Prefix.slice(key.sourcePrefix.length + 1) : undefined;
  if (database === undefined || !DATABASE_IDENTIFIER.test(database))
    problems.push(
      `exportTask.S3Prefix "${task.S3Prefix}" is not a database folder under account ${account}'s prefix (${key.sourcePrefix}/<DB identifier>): the vault verifies and writes manifests there only`,
    );
  if (task.Status.toUpperCase() !== 'COMPLETE') problems.push(`exportTask.Status is ${task.Status}, not COMPLETE: only a complete export is handed over`);
  if (Date.parse(handover.handedOverAt) !== key.handedOverAt.getTime())
    problems.push(`handedOverAt ${handover.handedOverAt} is not the time in the key (${key.handedOverAt.toISOString()})`);
  return problems;
}

/** The handed-over task in the form verification reads (times as Dates); use only after {@link handoverProblems} found none. */
export function taskOfHandover(handover: Handover): ExportTaskDescription {
  const task = handover.exportTask;
  const time = (text: string | undefined) => (text === undefined ? undefined : new Date(text));
  return {
    ExportTaskIdentifier: task.ExportTaskIdentifier,
    SourceArn: task.SourceArn,
    SnapshotTime: time(task.SnapshotTime),
    S3Bucket: task.S3Bucket,
    S3Prefix: task.S3Prefix,
    Status: task.Status.toUpperCase(),
    WarningMessage: task.WarningMessage,
    TotalExtractedDataInGB: task.TotalExtractedDataInGB,
  };
}
