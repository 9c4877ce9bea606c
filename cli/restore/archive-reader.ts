// Reads the archive for a restore (S3 only: GetObject and ListBucket under the archive prefix,
// KMS decryption through S3): the export folders and their manifests, a table's Parquet parts,
// and ranges of a part for the Parquet reader.
import { GetObjectCommand, ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../../handler/common';
import { exportS3Prefix } from '../../handler/rules';
import type { ExportCandidate } from '../../handler/restore';
import { listAllObjects, readManifest, s3 } from '../../handler/aws';
import type { ListedObject } from '../../handler/verification';

/** The folders directly under `prefix` (ListObjectsV2 with a delimiter), each ending in "/". */
export async function listFolders(bucket: string, prefix: string, client: S3Client = s3): Promise<string[]> {
  const folders: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken }));
    for (const p of out.CommonPrefixes ?? []) if (p.Prefix !== undefined) folders.push(p.Prefix);
    ContinuationToken = out.IsTruncated === false ? undefined : out.NextContinuationToken;
  } while (ContinuationToken);
  return folders;
}

function lastSegment(folder: string): string {
  return folder.replace(/\/$/, '').split('/').pop() ?? '';
}

/** Where the archive keeps a database's exports: `<ARCHIVE_PREFIX>/<database>/`. */
function databaseFolder(archivePrefix: string, database: string): string {
  return `${exportS3Prefix(archivePrefix, database)}/`;
}

/**
 * The exports of `database` in the archive, each with its manifest (undefined when none is
 * there). Read from S3, not from RDS's export list: the archive outlives RDS's memory of its
 * exports, and reading it needs only the archive's read permissions.
 */
export async function exportsOfDatabase(bucket: string, archivePrefix: string, database: string, client: S3Client = s3): Promise<ExportCandidate[]> {
  const folders = await listFolders(bucket, databaseFolder(archivePrefix, database), client);
  return mapWithConcurrency(folders, 8, async (folder) => {
    const manifest = await readManifest(bucket, folder, client);
    return { exportTaskIdentifier: lastSegment(folder), database, ...(manifest ? { manifest } : {}) };
  });
}

/** The export with this identifier, looked for under every database folder of the archive. */
export async function exportById(bucket: string, archivePrefix: string, id: string, client: S3Client = s3): Promise<ExportCandidate[]> {
  const root = archivePrefix.replace(/^\/+|\/+$/g, '');
  const databases = await listFolders(bucket, root === '' ? '' : `${root}/`, client);
  const found = await mapWithConcurrency(databases, 8, async (folder): Promise<ExportCandidate | undefined> => {
    const exportFolder = `${folder}${id}/`;
    const there = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: exportFolder, MaxKeys: 1 }));
    if ((there.Contents ?? []).length === 0) return undefined;
    const manifest = await readManifest(bucket, exportFolder, client);
    return { exportTaskIdentifier: id, database: lastSegment(folder), ...(manifest ? { manifest } : {}) };
  });
  return found.filter((c): c is ExportCandidate => c !== undefined);
}

/** The Parquet parts under a table's folder, in key order. */
export async function tableParts(bucket: string, exportPrefix: string, folder: string, client: S3Client = s3): Promise<ListedObject[]> {
  const objects = await listAllObjects(bucket, `${exportPrefix}${folder}`, client);
  return objects.filter((o) => o.key.endsWith('.parquet')).sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
}

/** A part as hyparquet reads it: ranged GETs, one per byte range it asks for. */
export interface RangeReader {
  readonly byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

/** Ranged reads of one S3 object of known size; `onRead` counts the bytes fetched. */
export function s3RangeReader(bucket: string, key: string, size: number, client: S3Client = s3, onRead: (bytes: number) => void = () => {}): RangeReader {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      if (end <= start) return new ArrayBuffer(0);
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      // Read into one buffer of the range's size as the chunks arrive: no list of chunks joined
      // at the end, which held the range twice.
      const bytes = new Uint8Array(end - start);
      let filled = 0;
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
        if (filled + chunk.byteLength > bytes.byteLength) throw new Error(`s3://${bucket}/${key} sent more than the ${bytes.byteLength} bytes asked for`);
        bytes.set(chunk, filled);
        filled += chunk.byteLength;
      }
      if (filled !== bytes.byteLength)
        throw new Error(`s3://${bucket}/${key} sent ${filled} of the ${bytes.byteLength} bytes asked for (bytes ${start}-${end - 1} of ${size})`);
      onRead(filled);
      return bytes.buffer;
    },
  };
}
