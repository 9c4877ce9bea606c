// The one StartExportTask request of the archive (pure): the event path and the reconciliation
// export a snapshot into the same bucket, prefix, role and key, with the same ExportOnly.
import type { ExportRequest } from '../aws/rds';
import type { Settings } from '../contract/settings';
import { exportS3Prefix } from '../rules/export-naming';

/** The request that exports `snapshotArn` of `databaseIdentifier` under `exportTaskIdentifier`. */
export function exportRequest(settings: Settings, snapshotArn: string, databaseIdentifier: string, exportTaskIdentifier: string): ExportRequest {
  return {
    exportTaskIdentifier,
    snapshotArn,
    bucket: settings.archiveBucket,
    s3Prefix: exportS3Prefix(settings.archivePrefix, databaseIdentifier),
    roleArn: settings.exportRoleArn,
    kmsKeyArn: settings.exportKmsKeyArn,
    exportOnly: settings.exportOnly,
  };
}
