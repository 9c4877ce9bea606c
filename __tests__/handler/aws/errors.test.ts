// What each AWS error means for a snapshot: the pure classification the use cases act on.
import * as rdsErrors from '@aws-sdk/client-rds';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, type ErrorClass } from '../../../handler/aws/errors';

const meta = { $metadata: {}, message: 'from RDS' };

/** The faults the installed SDK says StartExportTask can throw (its TSDoc @throws list). */
function startExportTaskFaults(): string[] {
  const file = require.resolve('@aws-sdk/client-rds/dist-types/commands/StartExportTaskCommand.d.ts');
  return [...readFileSync(file, 'utf8').matchAll(/@throws \{@link (\w+)\} \(client fault\)/g)].map((m) => m[1]!);
}

/** The class we decided for each StartExportTask fault. */
const START_EXPORT_TASK_FAULTS: Readonly<Record<string, ErrorClass>> = {
  DBClusterNotFoundFault: 'gone',
  DBClusterSnapshotNotFoundFault: 'gone',
  DBSnapshotNotFoundFault: 'gone',
  ExportTaskAlreadyExistsFault: 'duplicate',
  IamRoleMissingPermissionsFault: 'misconfigured',
  IamRoleNotFoundFault: 'misconfigured',
  InvalidExportOnlyFault: 'misconfigured',
  InvalidExportSourceStateFault: 'retryable',
  InvalidS3BucketFault: 'misconfigured',
  KMSKeyNotAccessibleFault: 'misconfigured',
};

describe('classifyAwsError', () => {
  it('has a decision for every fault the installed SDK lists for StartExportTask', () => {
    // An SDK upgrade that adds a fault fails here until someone decides what it means.
    expect(startExportTaskFaults().sort()).toEqual(Object.keys(START_EXPORT_TASK_FAULTS).sort());
  });

  it.each(Object.entries(START_EXPORT_TASK_FAULTS))('classifies the SDK’s %s as %s', (name, errorClass) => {
    const Fault = (rdsErrors as unknown as Record<string, new (options: typeof meta) => Error>)[name]!;
    expect(classifyAwsError(new Fault(meta))).toMatchObject({ errorClass, name });
  });

  it('tells the operator what to fix for each misconfiguration', () => {
    expect(classifyAwsError(new rdsErrors.IamRoleNotFoundFault(meta)).message).toMatch(
      /^EXPORT_ROLE_ARN names a role that does not exist.*: IamRoleNotFoundFault: from RDS$/,
    );
    expect(classifyAwsError(new rdsErrors.InvalidS3BucketFault(meta)).message).toMatch(/^ARCHIVE_BUCKET /);
    expect(classifyAwsError(new rdsErrors.KMSKeyNotAccessibleFault(meta)).message).toMatch(/^EXPORT_KMS_KEY_ARN /);
    expect(classifyAwsError(new rdsErrors.InvalidExportOnlyFault(meta)).message).toMatch(/^EXPORT_ONLY /);
  });

  it('says which thing is gone', () => {
    expect(classifyAwsError(new rdsErrors.DBSnapshotNotFoundFault(meta)).message).toBe('the snapshot no longer exists (DBSnapshotNotFoundFault: from RDS)');
    expect(classifyAwsError(new rdsErrors.DBClusterNotFoundFault(meta)).message).toBe(
      "the snapshot's DB cluster no longer exists (DBClusterNotFoundFault: from RDS)",
    );
  });

  it.each([
    ['AccessDenied', { name: 'AccessDenied', $fault: 'client' }, 'misconfigured'],
    ['AccessDeniedException', { name: 'AccessDeniedException', $fault: 'client' }, 'misconfigured'],
    ['throttling marked retryable by the SDK', { name: 'Throttling', $fault: 'client', $retryable: { throttling: true } }, 'retryable'],
    ['RequestLimitExceeded (throttling, not the export quota)', { name: 'RequestLimitExceeded', $fault: 'client' }, 'retryable'],
    ['a server fault', { name: 'InternalFailure', $fault: 'server' }, 'retryable'],
    ['an unknown error with an HTTP 503', { name: 'Unknown', $metadata: { httpStatusCode: 503 } }, 'retryable'],
    ['a dropped connection', { name: 'Error', code: 'ECONNRESET' }, 'retryable'],
    ['the export quota', { name: 'ExportTaskLimitReachedFault', $fault: 'client' }, 'quota'],
    ['an unknown client error', { name: 'SomethingNew', $fault: 'client', $metadata: { httpStatusCode: 400 } }, 'failed'],
    ['a thrown string', 'boom', 'failed'],
  ] as const)('classifies %s', (_case, error, errorClass) => {
    const thrown = typeof error === 'string' ? error : Object.assign(new Error('detail'), error);
    expect(classifyAwsError(thrown).errorClass).toBe(errorClass);
  });
});
