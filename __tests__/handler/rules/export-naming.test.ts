import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attemptOf,
  exportS3Prefix,
  exportTaskIdentifier,
  isValidExportTaskIdentifier,
  periodExportIdentifier,
  snapshotNameOf,
} from '../../../handler/rules/export-naming';

const RULES = (id: string) => id.length <= 60 && /^[A-Za-z]/.test(id) && /^[A-Za-z0-9-]+$/.test(id) && !id.includes('--') && !id.endsWith('-');
const arn = (name: string, type = 'snapshot') => `arn:aws:rds:us-east-1:123456789012:${type}:${name}`;

describe('exportTaskIdentifier', () => {
  it('shows the snapshot name and a short hash', () => {
    expect(exportTaskIdentifier(arn('rds:orders-db-2019-08-18-10-36'))).toMatch(/^rds-orders-db-2019-08-18-10-36-[0-9a-f]{10}$/);
    expect(exportTaskIdentifier(arn('awsbackup:job-1234ABCD'))).toMatch(/^awsbackup-job-1234abcd-[0-9a-f]{10}$/);
  });

  it.each([
    ['a very long name', 'x'.repeat(300)],
    ['upper case', 'Billing-BEFORE-Migration'],
    ['consecutive hyphens and colons', 'rds:a--b::c---d'],
    ['a trailing hyphen', 'nightly-'],
    ['a leading digit', '2024-01-01-db'],
    ['only symbols', ':::---'],
    ['non-ASCII letters', 'bäckup-ünïcode'],
  ])('is valid for %s', (_name, snapshot) => {
    const id = exportTaskIdentifier(arn(snapshot));
    expect(RULES(id), id).toBe(true);
    expect(isValidExportTaskIdentifier(id)).toBe(true);
  });

  it('keeps truncated names apart by their hash', () => {
    const long = 'a'.repeat(80);
    expect(exportTaskIdentifier(arn(`${long}-one`))).not.toBe(exportTaskIdentifier(arn(`${long}-two`)));
  });

  it('gives instance and cluster snapshots of the same name different identifiers', () => {
    expect(exportTaskIdentifier(arn('nightly'))).not.toBe(exportTaskIdentifier(arn('nightly', 'cluster-snapshot')));
  });

  it('is the same for the same ARN, so a re-delivered event meets its own export', () => {
    expect(exportTaskIdentifier(arn('nightly'))).toBe(exportTaskIdentifier(arn('nightly')));
  });

  it('numbers retry attempts and recognizes them', () => {
    const a = arn('rds:orders-db-2019-08-18-10-36');
    const ids = [1, 2, 3].map((n) => exportTaskIdentifier(a, n));
    expect(new Set(ids).size).toBe(3);
    expect(ids[1]).toMatch(/-a2$/);
    expect(ids.map((id) => attemptOf(a, id, 3))).toEqual([1, 2, 3]);
    expect(attemptOf(a, exportTaskIdentifier(arn('other')), 3)).toBeUndefined();
    expect(() => exportTaskIdentifier(a, 0)).toThrow(/attempt must be a whole number from 1/);
  });

  it('property: every identifier is valid, and distinct ARNs or attempts give distinct identifiers', () => {
    const name = fc.string({ unit: fc.constantFrom(...'abcXYZ019-:_.'.split(''), 'ü'), minLength: 1, maxLength: 120 });
    const snapshotArn = fc
      .tuple(fc.constantFrom('snapshot', 'cluster-snapshot'), fc.constantFrom('', 'rds:', 'awsbackup:'), name)
      .map(([type, prefix, n]) => arn(`${prefix}${n}`, type));
    fc.assert(
      fc.property(fc.uniqueArray(snapshotArn, { minLength: 2, maxLength: 30 }), fc.integer({ min: 1, max: 9 }), (arns, attempt) => {
        const ids = arns.flatMap((a) => [exportTaskIdentifier(a, 1), exportTaskIdentifier(a, attempt)]);
        for (const id of ids) expect(RULES(id), id).toBe(true);
        const firsts = arns.map((a) => exportTaskIdentifier(a, 1));
        expect(new Set(firsts).size).toBe(arns.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('snapshot names and S3 prefixes', () => {
  it('takes the name after snapshot: or cluster-snapshot:', () => {
    expect(snapshotNameOf(arn('rds:x-1'))).toBe('rds:x-1');
    expect(snapshotNameOf(arn('c', 'cluster-snapshot'))).toBe('c');
  });

  it('puts each database under the archive prefix, or alone without one', () => {
    expect(exportS3Prefix('exports', 'orders-db')).toBe('exports/orders-db');
    expect(exportS3Prefix('/rds/exports/', 'orders-db')).toBe('rds/exports/orders-db');
    expect(exportS3Prefix('', 'orders-db')).toBe('orders-db');
  });
});

describe('periodExportIdentifier', () => {
  const unit = { kind: 'instance' as const, database: 'orders-db', cadence: 'monthly', period: '2026-11' };

  it('names the database, the cadence and the period, and is the same for the same period', () => {
    const id = periodExportIdentifier(unit);
    expect(id).toMatch(/^orders-db-monthly-2026-11-[0-9a-f]{10}$/);
    expect(periodExportIdentifier({ ...unit, database: 'ORDERS-DB' })).toBe(id);
    expect(periodExportIdentifier(unit, 2)).toBe(`${id}-a2`);
  });

  it('is distinct for another period, cadence, database, or a cluster of the same name, and valid for RDS whatever the name', () => {
    const ids = [
      unit,
      { ...unit, period: '2026-12' },
      { ...unit, cadence: 'yearly', period: '2026' },
      { ...unit, database: 'orders-db2' },
      { ...unit, kind: 'cluster' as const },
    ].map((u) => periodExportIdentifier(u));
    expect(new Set(ids).size).toBe(ids.length);
    for (const database of ['1st-db', 'a'.repeat(63), '--']) {
      const id = periodExportIdentifier({ ...unit, database, cadence: 'weekly', period: '2026-W53' }, 10);
      expect(isValidExportTaskIdentifier(id), id).toBe(true);
    }
  });
});
