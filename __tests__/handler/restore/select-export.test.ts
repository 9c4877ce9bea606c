import { describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { chooseExportAt, chooseExportById, type ExportCandidate, vaultHints } from '../../../handler/restore/select-export';
import { restoreErrorMessage } from './support/restore-error';

const WHERE = 's3://archive/exports';

function manifest(id: string, outcome: ArchiveManifest['outcome'], snapshotTime: string, missingReason?: string): ArchiveManifest {
  return {
    manifestVersion: 1,
    exportTaskIdentifier: id,
    snapshotArn: '',
    database: 'orders-db',
    snapshotTime,
    verifiedAt: snapshotTime,
    outcome,
    bucket: 'archive',
    exportPrefix: `exports/orders-db/${id}/`,
    warnings: [],
    ...(missingReason ? { missingReason } : {}),
    tables: [],
    totals: { tables: 0, archived: 0, skipped: 0, files: 0, bytes: 0 },
  } as unknown as ArchiveManifest;
}

const candidate = (m: ArchiveManifest): ExportCandidate => ({ exportTaskIdentifier: m.exportTaskIdentifier, database: 'orders-db', manifest: m });

describe('which export a restore reads', () => {
  const november = manifest('nov', 'verified', '2026-11-01T03:00:00.000Z');
  const december = manifest('dec', 'verified', '2026-12-01T03:00:00.000Z');
  const incomplete = manifest('mid', 'incomplete', '2026-11-15T03:00:00.000Z');
  const gone = manifest('gone', 'missing', '2026-12-02T03:00:00.000Z', 'no Parquet file is in s3://archive/exports/orders-db/gone/');
  const all = [november, december, incomplete, gone].map(candidate);

  it('by id: the export, incomplete ones included', () => {
    expect(chooseExportById(all, 'mid', WHERE)).toBe(incomplete);
  });

  it('by id: refuses an unknown export, one not verified yet, and a missing one with its reason', () => {
    expect(restoreErrorMessage(() => chooseExportById(all, 'nope', WHERE))).toBe(
      'no export "nope" in s3://archive/exports: check the identifier (the EXPORT column of "npm run archive -- status")',
    );
    expect(restoreErrorMessage(() => chooseExportById([{ exportTaskIdentifier: 'new', database: 'orders-db' }], 'new', WHERE))).toContain(
      'run "npm run archive -- verify new"',
    );
    expect(restoreErrorMessage(() => chooseExportById(all, 'gone', WHERE))).toContain(
      'the export gone is missing from the archive: no Parquet file is in s3://archive/exports/orders-db/gone/',
    );
  });

  it('by time: the newest verified export taken at or before it', () => {
    expect(chooseExportAt(all, 'orders-db', new Date('2026-12-05T00:00:00Z'), WHERE)).toBe(december);
    expect(chooseExportAt(all, 'orders-db', new Date('2026-12-01T03:00:00Z'), WHERE)).toBe(december);
    expect(chooseExportAt(all, 'orders-db', new Date('2026-11-30T00:00:00Z'), WHERE)).toBe(november);
  });

  it('by time: says what the oldest verified export is when none is old enough, and when the database has none', () => {
    expect(restoreErrorMessage(() => chooseExportAt(all, 'orders-db', new Date('2026-10-01T00:00:00Z'), WHERE))).toBe(
      'no verified export of orders-db was taken at or before 2026-10-01T00:00:00.000Z; the oldest verified one is nov (2026-11-01T03:00:00.000Z)',
    );
    expect(restoreErrorMessage(() => chooseExportAt(all, 'ledger-db', new Date(), WHERE))).toContain(
      'no export of the database "ledger-db" in s3://archive/exports',
    );
  });

  it("in the vault account, points to the source prefix's folders and the vault verifier, not to status or verify, which do not run there", () => {
    // Prepare
    const hints = vaultHints('vault-bucket', 'exports/222222222222');
    const vaultWhere = 's3://vault-bucket/exports/222222222222';

    // Act
    const unknown = restoreErrorMessage(() => chooseExportById(all, 'nope', vaultWhere, hints));
    const unverified = restoreErrorMessage(() => chooseExportById([{ exportTaskIdentifier: 'new', database: 'orders-db' }], 'new', vaultWhere, hints));
    const noDatabase = restoreErrorMessage(() => chooseExportAt(all, 'ledger-db', new Date(), vaultWhere, hints));

    // Assess
    expect(unknown).toBe(
      'no export "nope" in s3://vault-bucket/exports/222222222222: check the identifier (the export folders of each database: aws s3 ls s3://vault-bucket/exports/222222222222/<database>/)',
    );
    expect(unverified).toContain("the vault verifier writes it when it verifies the source's handover");
    expect(noDatabase).toContain('check the name (the database folders: aws s3 ls s3://vault-bucket/exports/222222222222/)');
    for (const message of [unknown, unverified, noDatabase]) expect(message).not.toContain('npm run archive');
  });
});
