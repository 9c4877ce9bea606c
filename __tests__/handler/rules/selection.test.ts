import { describe, expect, it } from 'vitest';
import { selectSnapshot, snapshotTypeOfIdentifier, unexportableReason, type SnapshotInfo } from '../../../handler/rules/selection';
import { matchesGlob } from '../../../handler/contract/glob';

const snapshot = (overrides: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
  kind: 'instance',
  snapshotArn: 'arn:aws:rds:us-east-1:123456789012:snapshot:rds:orders-db-2026-11-01-03-00',
  snapshotIdentifier: 'rds:orders-db-2026-11-01-03-00',
  databaseIdentifier: 'orders-db',
  engine: 'postgres',
  storageType: 'gp3',
  snapshotType: 'automated',
  status: 'available',
  ...overrides,
});
const all = { snapshotTypes: ['automated', 'manual'] as const, includeDatabases: [], excludeDatabases: [] };

describe('selectSnapshot', () => {
  it('selects an available automated snapshot of an exportable engine by default', () => {
    expect(selectSnapshot(snapshot(), all)).toEqual({ selected: true });
  });

  it('skips snapshot types that are not configured', () => {
    expect(selectSnapshot(snapshot({ snapshotType: 'awsbackup' }), all)).toEqual({
      selected: false,
      reason: 'snapshot type "awsbackup" is not in SNAPSHOT_TYPES (automated, manual)',
    });
    expect(selectSnapshot(snapshot({ snapshotType: 'awsbackup' }), { ...all, snapshotTypes: ['awsbackup'] })).toEqual({ selected: true });
  });

  it('applies include patterns, then exclude patterns, which win', () => {
    const settings = { ...all, includeDatabases: ['orders-*', 'billing'], excludeDatabases: ['*-test'] };
    expect(selectSnapshot(snapshot({ databaseIdentifier: 'orders-db' }), settings).selected).toBe(true);
    expect(selectSnapshot(snapshot({ databaseIdentifier: 'inventory' }), settings)).toEqual({
      selected: false,
      reason: 'database "inventory" matches no INCLUDE_DATABASES pattern',
    });
    expect(selectSnapshot(snapshot({ databaseIdentifier: 'orders-test' }), settings)).toEqual({
      selected: false,
      reason: 'database "orders-test" matches EXCLUDE_DATABASES pattern "*-test"',
    });
  });

  it.each([
    ['sqlserver-se', {}, /SQL Server/],
    ['oracle-ee', {}, /Oracle/],
    ['db2-se', {}, /Db2/],
    ['custom-oracle-ee', {}, /RDS Custom/],
    ['aurora-mysql', { kind: 'cluster' as const, engineMode: 'serverless' }, /Aurora Serverless v1/],
    ['mysql', { storageType: 'standard' }, /magnetic storage/],
  ])('marks %s as unsupported', (engine, extra, reason) => {
    const result = selectSnapshot(snapshot({ engine, ...extra }), all);
    expect(result).toMatchObject({ selected: false, unsupported: true, reason: expect.stringMatching(reason) });
  });

  it('exports Aurora provisioned and Serverless v2 clusters', () => {
    expect(unexportableReason(snapshot({ kind: 'cluster', engine: 'aurora-postgresql', engineMode: 'provisioned' }))).toBeUndefined();
  });

  it('says a snapshot that is not available yet is not ready (to be retried), not skipped', () => {
    expect(selectSnapshot(snapshot({ status: 'creating' }), all)).toMatchObject({ selected: false, notReady: true });
  });
});

describe('matchesGlob', () => {
  it('matches whole identifiers with * and ?, case-insensitively, treating other characters literally', () => {
    expect(matchesGlob('orders-*', 'orders-db')).toBe(true);
    expect(matchesGlob('orders-*', 'my-orders-db')).toBe(false);
    expect(matchesGlob('db-?', 'db-1')).toBe(true);
    expect(matchesGlob('db-?', 'db-10')).toBe(false);
    expect(matchesGlob('Orders', 'orders')).toBe(true);
    expect(matchesGlob('a.b', 'axb')).toBe(false);
  });
});

describe('snapshotTypeOfIdentifier', () => {
  it('tells automated and AWS Backup snapshots by their prefix', () => {
    expect(snapshotTypeOfIdentifier('rds:orders-db-2026')).toBe('automated');
    expect(snapshotTypeOfIdentifier('awsbackup:job-1')).toBe('awsbackup');
    expect(snapshotTypeOfIdentifier('before-migration')).toBeUndefined();
  });
});
