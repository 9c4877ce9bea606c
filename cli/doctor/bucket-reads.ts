// What doctor reads of a bucket, the same way for the archive bucket and the vault bucket: its
// versioning and default encryption, and its policy, each with "the bucket does not exist" told
// apart from every other error (which the check's runner reports as "could not check").
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  type S3Client,
  type ServerSideEncryptionRule,
} from '@aws-sdk/client-s3';
import { awsErrorName } from '../../handler/aws';

/** The errors S3 answers for a bucket that does not exist (NotFound: a HEAD-style answer without a body). */
const NO_BUCKET = new Set(['NoSuchBucket', 'NotFound']);

/** Whether an S3 error says the bucket does not exist. */
const isNoBucket = (error: unknown): boolean => NO_BUCKET.has(awsErrorName(error));

/** A bucket's versioning status and default-encryption rules, or `missing` when there is no such bucket. */
export type BucketBasics =
  | { readonly missing: true }
  | { readonly missing: false; readonly versioning?: string; readonly encryption?: readonly ServerSideEncryptionRule[] };

/** Reads a bucket's versioning and default encryption (none configured: undefined). */
export async function readBucketBasics(s3: S3Client, Bucket: string): Promise<BucketBasics> {
  let versioning: string | undefined;
  try {
    versioning = (await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status;
  } catch (error) {
    if (isNoBucket(error)) return { missing: true };
    throw error;
  }
  let encryption: ServerSideEncryptionRule[] | undefined;
  try {
    encryption = (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration?.Rules;
  } catch (error) {
    if (awsErrorName(error) !== 'ServerSideEncryptionConfigurationNotFoundError') throw error;
  }
  return { missing: false, versioning, encryption };
}

/** A bucket's policy (undefined: it has none), or `missing` when there is no such bucket. */
export async function readBucketPolicy(
  s3: S3Client,
  Bucket: string,
): Promise<{ readonly missing: true } | { readonly missing: false; readonly policy?: string }> {
  try {
    return { missing: false, policy: (await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy };
  } catch (error) {
    if (awsErrorName(error) === 'NoSuchBucketPolicy') return { missing: false };
    if (isNoBucket(error)) return { missing: true };
    throw error;
  }
}
