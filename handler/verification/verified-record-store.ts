// The record of verified exports in the archive bucket (the S3 side of verified-record.ts), with
// the module's S3 client unless given another: one
// read per reconciliation, and a conditional write that merges with a concurrent writer's record
// instead of losing it. Loaded with the recorder (record-export.ts), which brings the S3 client.
import type { S3Client } from '@aws-sdk/client-s3';
import { readTextAndEtag, type WriteCondition, writeJsonIf } from '../aws/s3';
import { formatVerifiedRecord, nextVerifiedFolders, parseVerifiedRecord, sameFolders } from './verified-record';

/** What reading the record found. `unreadable` (corrupt, another version, or a failed read) is rebuilt by listing. */
export type RecordRead =
  | { readonly state: 'absent' }
  | { readonly state: 'read'; readonly folders: ReadonlySet<string>; readonly etag: string; readonly handedOver?: ReadonlyMap<string, string> }
  | { readonly state: 'unreadable'; readonly reason: string; readonly etag?: string };

/** What saving the record did. */
export type RecordSave = { readonly state: 'unchanged' | 'written'; readonly folders: number } | { readonly state: 'not-saved'; readonly reason: string };

/** Writes lost to another writer before this one gives up; the next run then checks more, nothing else. */
export const RECORD_WRITE_ATTEMPTS = 3;

/** Reads the record. Never throws: a record that cannot be read costs the run its listings, not the run. */
export async function readVerifiedRecord(bucket: string, key: string, client?: S3Client): Promise<RecordRead> {
  let stored: { text: string; etag: string } | undefined;
  try {
    stored = await readTextAndEtag(bucket, key, client);
  } catch (error) {
    return { state: 'unreadable', reason: `reading it failed: ${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}` };
  }
  if (stored === undefined) return { state: 'absent' };
  const parsed = parseVerifiedRecord(stored.text);
  if (!parsed.ok) return { state: 'unreadable', reason: parsed.reason, etag: stored.etag };
  return parsed.handedOver === undefined
    ? { state: 'read', folders: parsed.folders, etag: stored.etag }
    : { state: 'read', folders: parsed.folders, etag: stored.etag, handedOver: parsed.handedOver };
}

/** The write that replaces exactly what was read. */
export function conditionFor(read: RecordRead): WriteCondition {
  if (read.state === 'absent') return { ifNoneMatch: '*' };
  // A stored version whose ETag we do not know (its read failed) is replaced whatever it holds:
  // overwriting can only lose entries, which costs the next run listings, never a verification.
  return read.etag === undefined || read.etag === '' ? { overwrite: true } : { ifMatch: read.etag };
}

/**
 * Records `confirmed` (exports whose manifest this run saw or wrote) beside what the record held,
 * keeping only folders in `window` (the completed exports of the run's window). Written only when
 * it changed, with a conditional write; when another writer got there first, reads its record,
 * merges and tries again, up to {@link RECORD_WRITE_ATTEMPTS} times. Never throws.
 */
export async function saveVerifiedRecord(
  bucket: string,
  key: string,
  read: RecordRead,
  change: { readonly window: ReadonlySet<string>; readonly confirmed: ReadonlySet<string> },
  now: Date,
  client?: S3Client,
): Promise<RecordSave> {
  const ours = read.state === 'read' ? read.folders : new Set<string>();
  let current = read;
  for (let attempt = 1; attempt <= RECORD_WRITE_ATTEMPTS; attempt++) {
    const theirs = current.state === 'read' ? current.folders : new Set<string>();
    const folders = nextVerifiedFolders(change.window, [theirs, ours, change.confirmed]);
    if (current.state === 'read' && sameFolders(folders, current.folders)) return { state: 'unchanged', folders: folders.size };
    try {
      if ((await writeJsonIf(bucket, key, formatVerifiedRecord(folders, now), conditionFor(current), client)) === 'written')
        return { state: 'written', folders: folders.size };
    } catch (error) {
      return { state: 'not-saved', reason: `writing it failed: ${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}` };
    }
    current = await readVerifiedRecord(bucket, key, client);
  }
  return { state: 'not-saved', reason: `another writer changed it ${RECORD_WRITE_ATTEMPTS} times while this run wrote` };
}
