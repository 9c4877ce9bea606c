// The S3 calls of verification. The client lives at module scope (reused across warm
// invocations) and uses the SDK's standard region, endpoint and credential resolution, like the
// clients in rds.ts; every function takes another client as its last argument (AwsClients, clients.ts).
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import type { ArchiveManifest } from '../contract/manifest';
import { manifestKey, type ListedObject } from '../verification/layout';
import { parseManifest } from '../contract/manifest';
import { isAwsError } from './errors';
import { handlerClientSettings } from './client-settings';

/** The S3 client of every call here (client-settings.ts: attempts and timeouts). */
export const s3 = new S3Client(handlerClientSettings());

/** Every object under `prefix`, following ListObjectsV2's pages (an export can hold tens of thousands of files). */
export async function listAllObjects(bucket: string, prefix: string, client: S3Client = s3): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out: ListObjectsV2CommandOutput = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const o of out.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0 });
    ContinuationToken = out.IsTruncated === false ? undefined : out.NextContinuationToken;
  } while (ContinuationToken);
  return objects;
}

/**
 * The keys under `prefix` that sort after `startAfter` (ListObjectsV2 StartAfter), every page: one
 * request per 1,000 keys, so a time-ordered folder is listed from a point in time onwards.
 */
export async function listKeysAfter(bucket: string, prefix: string, startAfter: string | undefined, client: S3Client = s3): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out: ListObjectsV2CommandOutput = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(ContinuationToken === undefined ? { StartAfter: startAfter } : { ContinuationToken }) }),
    );
    for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    ContinuationToken = out.IsTruncated === false ? undefined : out.NextContinuationToken;
  } while (ContinuationToken);
  return keys;
}

/** An object's text; undefined when it does not exist. Other errors are the SDK's. */
export async function readText(bucket: string, key: string, client: S3Client = s3): Promise<string | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body === undefined ? '' : await out.Body.transformToString('utf-8');
  } catch (error) {
    if (isAwsError(error, ['NoSuchKey', 'NotFound'], 404)) return undefined;
    throw error;
  }
}

/** An object's text and its ETag, for a write that must replace exactly that version; undefined when it does not exist. */
export async function readTextAndEtag(bucket: string, key: string, client: S3Client = s3): Promise<{ text: string; etag: string } | undefined> {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { text: out.Body === undefined ? '' : await out.Body.transformToString('utf-8'), etag: out.ETag ?? '' };
  } catch (error) {
    if (isAwsError(error, ['NoSuchKey', 'NotFound'], 404)) return undefined;
    throw error;
  }
}

/** Whether a conditional write lost to another writer: the condition failed (412) or a concurrent conditional write won (409). */
function isConditionLost(error: unknown): boolean {
  return isAwsError(error, ['PreconditionFailed'], 412) || isAwsError(error, ['ConditionalRequestConflict'], 409);
}

/**
 * The condition of {@link writeJsonIf}: replace the version with this ETag, create the object
 * only if there is none, or (when the stored version could not even be read) replace whatever is there.
 */
export type WriteCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: '*' } | { readonly overwrite: true };

/**
 * Writes a JSON object only if the condition holds (S3's conditional writes). 'conflict' when
 * another writer changed, created or deleted the object since it was read (412, 409, or 404 for
 * If-Match on an object that is gone): the caller reads again and retries.
 */
export async function writeJsonIf(
  bucket: string,
  key: string,
  body: string,
  condition: WriteCondition,
  client: S3Client = s3,
): Promise<'written' | 'conflict'> {
  const header = 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : 'ifNoneMatch' in condition ? { IfNoneMatch: condition.ifNoneMatch } : {};
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...header }));
    return 'written';
  } catch (error) {
    if (isConditionLost(error) || ('ifMatch' in condition && isAwsError(error, ['NoSuchKey', 'NotFound'], 404))) return 'conflict';
    throw error;
  }
}

/** How {@link writeManifestOnce} writes. */
export interface WriteOptions {
  /** Replace an existing manifest. @default false */
  readonly force?: boolean;
}

/**
 * Writes the manifest unless one is there already ('exists'), with S3's conditional write
 * (If-None-Match: *), so concurrent verifications of one export write, and report, once. A
 * conflicting concurrent write (409) also counts as 'exists': the other writer records the same
 * export. With `force`, a plain overwrite.
 */
export async function writeManifestOnce(
  bucket: string,
  key: string,
  body: string,
  options: WriteOptions = {},
  client: S3Client = s3,
): Promise<'written' | 'exists'> {
  try {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ...(options.force === true ? {} : { IfNoneMatch: '*' }) }),
    );
    return 'written';
  } catch (error) {
    if (options.force !== true && isConditionLost(error)) return 'exists';
    throw error;
  }
}

/**
 * Whether the export's folder holds a manifest: one listing call. Asked of the listing, not read
 * from a 404: S3 answers a GET of a missing key with 403 unless ListBucket is granted for it,
 * and the exporter's ListBucket is scoped to the archive prefix by a condition. Mistaking a 403
 * for "absent" could overwrite a manifest.
 */
export async function manifestExists(bucket: string, folder: string, client: S3Client = s3): Promise<boolean> {
  const key = manifestKey(folder);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  return (listed.Contents ?? []).some((object) => object.Key === key);
}

/**
 * The manifest in the export's folder. Undefined when there is none, and also when the stored
 * text is not a readable manifest: verification then makes a new one (see verifyAndRecord),
 * and readers treat the export as not yet verified. Errors other than a missing object are the SDK's.
 */
export async function readManifest(bucket: string, folder: string, client: S3Client = s3): Promise<ArchiveManifest | undefined> {
  if (!(await manifestExists(bucket, folder, client))) return undefined;
  const text = await readText(bucket, manifestKey(folder), client);
  return text === undefined ? undefined : parseManifest(text);
}
