// The role RDS assumes to write exports, alone: trusted by the export service for this account,
// writing only into the archive bucket's prefix, with only the archive key, never deleting versions.
import { describe, expect, it } from 'vitest';
import { ExportRole, type ExportRoleAccess } from '../../stacks/export-role';
import { asList, onlyResource, rolePolicyStatements, statement, statementsOf, synthConstruct, TEST_SCOPE } from '../support/synthesized';

const ACCESS: ExportRoleAccess = {
  bucketArn: 'arn:aws:s3:::rds-archive-dev-123456789012-us-east-1',
  archivePrefix: 'exports',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const roleWith = (access: Partial<ExportRoleAccess> = {}) =>
  synthConstruct((scope) =>
    new ExportRole(scope, 'export-role', { scope: TEST_SCOPE, roleName: 'rds-archive-dev-us-east-1-export' }).grantAccess({ ...ACCESS, ...access }),
  );
const synthesized = roleWith();
const statements = rolePolicyStatements(synthesized, '-export');

describe('ExportRole', () => {
  it('is trusted only by the RDS export service, for this account', () => {
    expect(statementsOf(onlyResource(synthesized, 'aws_iam_role').assume_role_policy)).toEqual([
      {
        Sid: 'RdsExportServiceOnly',
        Effect: 'Allow',
        Principal: { Service: 'export.rds.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
  });

  it('reaches only the archive bucket and its prefix', () => {
    expect(statement(statements, 'ListArchiveBucket').Resource).toBe(ACCESS.bucketArn);
    expect(statement(statements, 'WriteExportObjects').Resource).toBe(`${ACCESS.bucketArn}/exports/*`);
  });

  it('writes the whole bucket when no prefix is configured', () => {
    const withoutPrefix = rolePolicyStatements(roleWith({ archivePrefix: '' }), '-export');
    expect(statement(withoutPrefix, 'WriteExportObjects').Resource).toBe(`${ACCESS.bucketArn}/*`);
  });

  it('cannot delete object versions', () => {
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions).not.toContain('s3:DeleteObjectVersion');
    expect(actions).toContain('s3:PutObject');
  });

  it('uses only the archive key', () => {
    expect(statement(statements, 'EncryptExportObjects').Resource).toBe(ACCESS.kmsKeyArn);
  });
});
