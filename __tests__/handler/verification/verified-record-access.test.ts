// The exporter's permissions on the record of verified exports: exactly that object, read and
// replaced, below the archive prefix (or at the top of a bucket without one); nothing else added.
import { describe, expect, it } from 'vitest';
import { verifiedRecordKey } from '../../../handler/contract/archive-layout';
import { type ArchiveAccessInputs, archiveAccessStatements } from '../../../stacks/archive-access';
import { type IdentityStatement, isAllowed } from '../../support/iam-policy';

const BUCKET_ARN = 'arn:aws:s3:::rds-archive-prod-123456789012-eu-west-1';
const inputs = (archivePrefix: string): ArchiveAccessInputs => ({
  scope: { partition: 'aws', accountId: '123456789012', region: 'eu-west-1', dnsSuffix: 'amazonaws.com' },
  exportRoleArn: 'arn:aws:iam::123456789012:role/rds-archive-prod-export',
  kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
  bucketArn: BUCKET_ARN,
  archivePrefix,
  notificationsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:rds-archive-prod-notifications',
});
const statementsFor = (archivePrefix: string) => archiveAccessStatements(inputs(archivePrefix)) as unknown as IdentityStatement[];

describe('the exporter and the record of verified exports', () => {
  it.each(['exports', ''])('reads and replaces the record under the archive prefix %j', (prefix) => {
    const record = `${BUCKET_ARN}/${verifiedRecordKey(prefix)}`;
    const statements = statementsFor(prefix);
    expect(isAllowed(statements, 's3:GetObject', record)).toBe(true);
    expect(isAllowed(statements, 's3:PutObject', record)).toBe(true);
    expect(isAllowed(statements, 's3:DeleteObject', record)).toBe(false);
  });

  it('writes no other object of the _archive folder, and no record of another prefix', () => {
    const statements = statementsFor('exports');
    expect(isAllowed(statements, 's3:PutObject', `${BUCKET_ARN}/exports/_archive/other.json`)).toBe(false);
    expect(isAllowed(statements, 's3:GetObject', `${BUCKET_ARN}/exports/_archive/other.json`)).toBe(false);
    expect(isAllowed(statements, 's3:PutObject', `${BUCKET_ARN}/${verifiedRecordKey('elsewhere')}`)).toBe(false);
    expect(isAllowed(statements, 's3:PutObject', `${BUCKET_ARN}/exports/orders-db/x/verified-exports.json`)).toBe(false);
  });
});
