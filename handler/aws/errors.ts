// What an AWS error means for a snapshot (pure): a duplicate is success, a missing snapshot is
// skipped, throttling and not-yet-exportable are retried, misconfiguration is the operator's to fix.

/** The fields of an AWS SDK error this project reads (the SDK's ServiceException, or anything thrown). */
interface AwsErrorFields {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly Code?: string;
  readonly $fault?: string;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function fieldsOf(error: unknown): AwsErrorFields {
  return (typeof error === 'object' && error !== null ? error : {}) as AwsErrorFields;
}

/** The name of an AWS SDK error ("EntityNotFoundException"), or "" for anything else. */
export function awsErrorName(error: unknown): string {
  const e = fieldsOf(error);
  return e.name ?? e.code ?? e.Code ?? '';
}

/** The HTTP status of an AWS SDK error's response, when it had one. */
export function awsHttpStatus(error: unknown): number | undefined {
  return fieldsOf(error).$metadata?.httpStatusCode;
}

/**
 * Whether an AWS SDK error is one of `names`, or answered with `httpStatus` (S3 gives some errors
 * without a body, so only the status tells them apart).
 */
export function isAwsError(error: unknown, names: readonly string[], httpStatus?: number): boolean {
  const e = fieldsOf(error);
  return names.includes(e.name ?? '') || names.includes(e.Code ?? '') || (httpStatus !== undefined && e.$metadata?.httpStatusCode === httpStatus);
}

/** The classes of AWS errors the exporter tells apart. */
export type ErrorClass = 'duplicate' | 'gone' | 'retryable' | 'quota' | 'misconfigured' | 'failed';

/** An error's class and a message that says what it means and, for misconfiguration, what to fix. */
export interface ClassifiedError {
  readonly errorClass: ErrorClass;
  readonly name: string;
  readonly message: string;
}

const MISCONFIGURATION_HINTS: Readonly<Record<string, string>> = {
  IamRoleNotFoundFault: 'EXPORT_ROLE_ARN names a role that does not exist; deploy the stack or correct EXPORT_ROLE_ARN',
  IamRoleMissingPermissionsFault:
    'the export role cannot write the export: check that it trusts export.rds.amazonaws.com and may write to ARCHIVE_BUCKET under ARCHIVE_PREFIX and use EXPORT_KMS_KEY_ARN',
  InvalidS3BucketFault: 'ARCHIVE_BUCKET does not exist, is in another region than the snapshot, or the export role cannot reach it',
  KMSKeyNotAccessibleFault: "EXPORT_KMS_KEY_ARN is disabled, in another region, or not usable by the exporter's role (kms:CreateGrant, kms:DescribeKey)",
  InvalidExportOnlyFault: 'EXPORT_ONLY names databases, schemas or tables that this snapshot does not have',
  AccessDenied: "the exporter's role lacks a permission",
  AccessDeniedException: "the exporter's role lacks a permission",
  AccessDeniedFault: "the exporter's role lacks a permission",
  UnauthorizedOperation: "the exporter's role lacks a permission",
  InvalidParameterValue: 'RDS rejected a parameter',
  InvalidParameterCombination: 'RDS rejected a combination of parameters',
};

const RETRYABLE = new Set([
  'InvalidExportSourceStateFault',
  'InvalidExportSourceState',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'RequestTimeout',
  'TimeoutError',
]);

// StartExportTask lists DBClusterNotFoundFault as well: the snapshot's source is gone, which
// retrying cannot change, so it is skipped like a deleted snapshot.
const GONE = new Set([
  'DBSnapshotNotFoundFault',
  'DBSnapshotNotFound',
  'DBClusterSnapshotNotFoundFault',
  'DBClusterSnapshotNotFound',
  'DBClusterNotFoundFault',
]);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Classifies an error thrown by an AWS SDK call. */
export function classifyAwsError(error: unknown): ClassifiedError {
  const e = fieldsOf(error);
  const name = awsErrorName(error) || 'Error';
  const detail = e.message ?? String(error);
  if (name === 'ExportTaskAlreadyExistsFault' || name === 'ExportTaskAlreadyExists') return { errorClass: 'duplicate', name, message: detail };
  if (GONE.has(name)) {
    const what = name === 'DBClusterNotFoundFault' ? "the snapshot's DB cluster" : 'the snapshot';
    return { errorClass: 'gone', name, message: `${what} no longer exists (${name}: ${detail})` };
  }
  const hint = MISCONFIGURATION_HINTS[name];
  if (hint !== undefined) return { errorClass: 'misconfigured', name, message: `${hint}: ${name}: ${detail}` };
  if (/Quota|LimitReached|LimitExceeded/.test(name) && name !== 'RequestLimitExceeded') {
    return { errorClass: 'quota', name, message: `the export quota is full (${name}: ${detail})` };
  }
  const serverError = e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500;
  if (RETRYABLE.has(name) || serverError || e.$retryable !== undefined || (e.code !== undefined && NETWORK_CODES.has(e.code))) {
    return { errorClass: 'retryable', name, message: `${name}: ${detail}` };
  }
  return { errorClass: 'failed', name, message: `${name}: ${detail}` };
}
