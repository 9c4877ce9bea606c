// The operators' notification for a manifest (pure): what was checked, what is not archived and
// why, and what to do, within SNS's subject limit.
import { MANIFEST_FILE_NAME, type ArchiveManifest } from '../contract/manifest';

const SUBJECT_LIMIT = 100;

/** "RDS snapshot archive: <database> <what>", shortening the database name to fit SNS's 100 characters. */
function subject(database: string, what: string): string {
  const head = 'RDS snapshot archive: ';
  const room = SUBJECT_LIMIT - head.length - what.length - 1;
  const name = database.length <= room ? database : `${database.slice(0, Math.max(0, room - 3))}...`;
  return `${head}${name} ${what}`;
}

/** The operators' notification for a manifest: what was checked, what is not archived and why, what to do. */
export function formatManifestReport(manifest: ArchiveManifest): { subject: string; message: string } {
  const { totals } = manifest;
  const folder = `s3://${manifest.bucket}/${manifest.exportPrefix}`;
  const taken = manifest.snapshotTime === '' ? '' : ` (taken ${manifest.snapshotTime})`;
  const snapshot = `the snapshot ${manifest.snapshotArn || '(unknown ARN)'} of ${manifest.database}${taken}`;
  const where = [`Export: ${manifest.exportTaskIdentifier}, files in ${folder}`, `Manifest: ${folder}${MANIFEST_FILE_NAME}`];
  const notArchived = manifest.tables.filter((t) => !t.archived);
  const tableLines =
    notArchived.length === 0
      ? []
      : [
          '',
          `Not archived (${notArchived.length} of ${totals.tables} tables):`,
          ...notArchived.map((t) => `- ${t.target}: ${t.reason ?? 'no reason recorded'}`),
        ];
  const warningLines = manifest.warnings.length === 0 ? [] : ['', 'Warnings from RDS:', ...manifest.warnings.map((w) => `- ${w}`)];
  const keepSnapshot =
    'Until a new export holds them, this snapshot is the only copy of what is not archived: keep it (copy an automated snapshot to a manual one, or RDS deletes it when its retention period ends).';

  if (manifest.outcome === 'verified') {
    return {
      subject: subject(manifest.database, 'export verified'),
      message: [`Every table of ${snapshot} is archived: ${totals.archived} tables, ${totals.files} Parquet files, ${totals.bytes} bytes.`, ...where].join(
        '\n',
      ),
    };
  }
  if (manifest.outcome === 'missing') {
    return {
      subject: subject(manifest.database, 'export files missing'),
      message: [
        `RDS reports the export of ${snapshot} COMPLETE, but it is not in the archive: ${manifest.missingReason ?? 'no reason recorded'}.`,
        ...where,
        ...tableLines,
        ...warningLines,
        '',
        `What to do: find out where the files went: deletions in CloudTrail, the bucket's lifecycle rules, and whether the export was written to this bucket and prefix. The bucket keeps deleted objects as noncurrent versions, so they can often be restored. If they are lost and the snapshot still exists, export the snapshot again. ${keepSnapshot}`,
      ].join('\n'),
    };
  }
  return {
    subject: subject(
      manifest.database,
      totals.skipped > 0 ? `export incomplete: ${totals.skipped} of ${totals.tables} tables not archived` : 'export incomplete: RDS gave warnings',
    ),
    message: [
      `The export of ${snapshot} is incomplete: ${totals.archived} of ${totals.tables} tables archived${manifest.warnings.length > 0 ? ', and RDS gave warnings' : ''}.`,
      ...where,
      ...tableLines,
      ...warningLines,
      '',
      `What to do: each table's line says how to fix its cause. ${keepSnapshot}`,
    ].join('\n'),
  };
}
