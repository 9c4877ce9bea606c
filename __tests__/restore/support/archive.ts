// Puts an export of a live test database into moto's S3 the way the archive holds it: the files
// RDS writes (the RDS export emulator), and the manifest the project's own verifier makes of them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { exportS3Prefix } from '../../../handler/rules/export-naming';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { exportFolder, isExportInfoKey, isTablesInfoKey, manifestKey } from '../../../handler/verification/layout';
import { verifyExport } from '../../../handler/verification/verdict';
import { uploadRdsExport, writeRdsExport } from '../../support/rds-export';

/** The archive the restore tests deploy: bucket and prefix of the exporter function in moto. */
export const TEST_ARCHIVE = { bucket: 'rds-archive-restore-test', prefix: 'exports' } as const;

export async function createArchiveBucket(s3: S3Client, bucket: string = TEST_ARCHIVE.bucket): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** What to export. */
export interface ArchiveExportOptions {
  readonly engine: 'postgres' | 'mysql';
  /** The server's URL (the emulator connects to `database` on it). */
  readonly url: string;
  readonly database: string;
  /** The DB instance the export is of (the folder under the archive prefix). */
  readonly instance: string;
  readonly exportTaskIdentifier: string;
  readonly tables?: readonly string[];
  readonly snapshotTime?: Date;
  readonly rowGroupSize?: number;
  readonly partsPerTable?: number;
  /** Where the archive is. @default TEST_ARCHIVE (a vault test passes the vault bucket and a source's prefix) */
  readonly archive?: { readonly bucket: string; readonly prefix: string };
}

/** Writes the export into moto's S3, verifies it and stores its manifest; returns the manifest and the data keys. */
export async function archiveExport(
  s3: S3Client,
  options: ArchiveExportOptions,
): Promise<{ manifest: ArchiveManifest; keys: { key: string; size: number }[] }> {
  const outDir = mkdtempSync(join(tmpdir(), 'restore-export-'));
  const archive = options.archive ?? TEST_ARCHIVE;
  try {
    const s3Prefix = exportS3Prefix(archive.prefix, options.instance);
    const snapshotTime = options.snapshotTime ?? new Date('2026-11-20T03:10:41Z');
    const { keys } = await writeRdsExport({
      engine: options.engine,
      url: options.url,
      database: options.database,
      ...(options.tables ? { tables: options.tables } : {}),
      exportTaskIdentifier: options.exportTaskIdentifier,
      s3Prefix,
      outDir,
      snapshotTime,
      s3Bucket: archive.bucket,
      ...(options.rowGroupSize ? { rowGroupSize: options.rowGroupSize } : {}),
      ...(options.partsPerTable ? { partsPerTable: options.partsPerTable } : {}),
    });
    await uploadRdsExport(s3, archive.bucket, outDir, keys);
    const folder = exportFolder(s3Prefix, options.exportTaskIdentifier);
    const text = (key: string) => readFileSync(join(outDir, key), 'utf8');
    const manifest = verifyExport({
      task: {
        ExportTaskIdentifier: options.exportTaskIdentifier,
        SourceArn: `arn:aws:rds:us-east-1:123456789012:snapshot:${options.instance}-snapshot`,
        SnapshotTime: snapshotTime,
        S3Bucket: archive.bucket,
        S3Prefix: s3Prefix,
        Status: 'COMPLETE',
      },
      database: options.instance,
      listing: keys,
      exportInfoText: text(keys.find((k) => isExportInfoKey(folder, k.key))!.key),
      tablesInfoTexts: keys.filter((k) => isTablesInfoKey(folder, k.key)).map((k) => ({ key: k.key, text: text(k.key) })),
      verifiedAt: new Date(),
    });
    await putManifest(s3, manifest);
    return { manifest, keys };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Stores a manifest where the archive keeps it (in the export's bucket). */
export async function putManifest(s3: S3Client, manifest: ArchiveManifest): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: manifest.bucket, Key: manifestKey(manifest.exportPrefix), Body: JSON.stringify(manifest) }));
}

/** Deletes objects (to make an export `missing`). */
export async function deleteObjects(s3: S3Client, keys: readonly string[]): Promise<void> {
  for (const key of keys) await s3.send(new DeleteObjectCommand({ Bucket: TEST_ARCHIVE.bucket, Key: key }));
}
