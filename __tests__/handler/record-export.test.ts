// Recording a completed export is refused to a source of a vault, before any AWS call: it cannot
// read its exports, and the vault verifies them.
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../handler/contract/settings';
import { recordCompletedExport } from '../../handler/record-export';

const SETTINGS = readSettings({
  ARCHIVE_BUCKET: 'vault-archive',
  ARCHIVE_PREFIX: 'exports/222222222222',
  EXPORT_ROLE_ARN: 'arn:aws:iam::222222222222:role/rds-archive-export',
  EXPORT_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:111111111111:key/0f6c1a52-3d1e-4c7e-9a51-2b7d5c8e4f10',
  VAULT_ACCOUNT_ID: '111111111111',
});

describe('recording an export in a source of a vault', () => {
  it('is refused with the reason and where the manifests are read, and asks S3 for nothing', async () => {
    // Prepare: an S3 client that fails the test if it is used.
    const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sent: unknown[] = [];
    s3.send = ((command: unknown) => {
      sent.push(command);
      throw new Error('no S3 call expected');
    }) as typeof s3.send;
    const task = {
      ExportTaskIdentifier: 'orders-manual-1-0123456789',
      S3Bucket: 'vault-archive',
      S3Prefix: 'exports/222222222222/orders-db',
      Status: 'COMPLETE',
    };

    // Act
    const recording = recordCompletedExport(task, SETTINGS, {}, { s3 });

    // Assess
    await expect(recording).rejects.toThrow(/a source of the vault 111111111111 \(VAULT_ACCOUNT_ID\).*npm run archive -- status/);
    expect(sent).toEqual([]);
  });
});
