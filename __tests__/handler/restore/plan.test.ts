import { describe, expect, it } from 'vitest';
import type { ArchiveManifest, ManifestTable } from '../../../handler/contract/manifest';
import { buildRestorePlan, formatDuration, formatPlan } from '../../../handler/restore/plan';
import { engineOfManifest, selectTables } from '../../../handler/restore/source-table';
import { stagingName, quoteName, qualifiedName } from '../../../handler/restore/sql-names';
import { parseTargetUrl } from '../../../handler/restore/target-url';
import { restoreErrorMessage } from './support/restore-error';

function table(target: string, archived: boolean, columns: ManifestTable['columns'] = []): ManifestTable {
  const [db, rest] = [target.slice(0, target.indexOf('.')), target.slice(target.indexOf('.') + 1)];
  return {
    target,
    status: archived ? 'COMPLETE' : 'SKIPPED',
    sizeGB: 0,
    files: archived ? 1 : 0,
    bytes: 0,
    archived,
    folder: `${db}/${rest}/`,
    ...(archived ? {} : { reason: 'RDS skipped it: rename the column' }),
    columns,
  } as ManifestTable;
}

function manifest(tables: ManifestTable[]): ArchiveManifest {
  return {
    manifestVersion: 1,
    exportTaskIdentifier: 'orders-db-2026-11-20',
    snapshotArn: '',
    database: 'orders-db',
    snapshotTime: '2026-11-20T03:10:41.000Z',
    verifiedAt: '',
    outcome: 'incomplete',
    bucket: 'archive',
    exportPrefix: 'exports/orders-db/orders-db-2026-11-20/',
    warnings: [],
    tables,
    totals: { tables: tables.length, archived: 0, skipped: 0, files: 0, bytes: 0 },
  } as unknown as ArchiveManifest;
}

const ORDERS = table('shop.sales.orders', true, [
  { columnName: 'id', originalType: 'bigint', expectedExportedType: 'int64' },
  { columnName: 'total', originalType: 'numeric', expectedExportedType: 'binary (UTF8)', originalNumPrecision: 12 },
  { columnName: 'data', originalType: 'bytea', expectedExportedType: 'binary' },
]);
const PG = manifest([ORDERS, table('shop.public.odd', false)]);
const TARGET = parseTargetUrl('postgres://admin@db/restored', {});

describe('the restore plan', () => {
  it('tells the engine from RDS table names', () => {
    expect(engineOfManifest(PG)).toBe('postgres');
    expect(engineOfManifest(manifest([table('shop.orders', true), table('shop.items', true)]))).toBe('mysql');
  });

  it('selects tables by schema.table, by a name only one schema has, or all archived ones', () => {
    expect(selectTables(PG, 'postgres', ['sales.orders']).map((t) => t.name)).toEqual(['sales.orders']);
    expect(selectTables(PG, 'postgres', ['orders']).map((t) => t.name)).toEqual(['sales.orders']);
    expect(selectTables(PG, 'postgres', 'all').map((t) => t.name)).toEqual(['sales.orders']);
  });

  it('refuses a table the export does not have, or did not archive, saying why', () => {
    expect(restoreErrorMessage(() => selectTables(PG, 'postgres', ['sales.refunds']))).toContain(
      'has no table "sales.refunds"; name it as schema.table, one of: sales.orders',
    );
    expect(restoreErrorMessage(() => selectTables(PG, 'postgres', ['public.odd']))).toContain(
      'the table public.odd is not archived in the export orders-db-2026-11-20: RDS skipped it',
    );
  });

  it('plans types, files, rows, bytes and time; the scale of a numeric waits for the data', () => {
    const plan = buildRestorePlan({
      manifest: PG,
      tables: selectTables(PG, 'postgres', 'all'),
      target: TARGET,
      ifExists: 'fail',
      files: new Map([['shop/sales.orders/', [{ key: 'a.parquet', bytes: 2_097_152, rows: 300_000 }]]]),
      rowsPerSecond: 100_000,
    });
    const [orders] = plan.tables;
    expect(orders).toMatchObject({ schema: 'sales', table: 'orders', staging: '_restore_orders', rows: 300_000, bytes: 2_097_152 });
    expect(orders!.columns.map((c) => [c.name, c.type, c.loadAs, c.scaleFromData])).toEqual([
      ['id', 'bigint', 'text', false],
      ['total', 'numeric(12,?)', 'text', true],
      ['data', 'bytea', 'bytes', false],
    ]);
    expect(plan.estimatedSeconds).toBe(3);
    const text = formatPlan(plan);
    expect(text).toContain('sales.orders -> sales.orders: 1 file(s), 300,000 rows, 2.0 MB');
    expect(text).toContain('dry run: nothing was changed');
  });

  it('refuses to restore into the other engine, and a table without column metadata', () => {
    const mysql = parseTargetUrl('mysql://root@db/restored', {});
    expect(restoreErrorMessage(() => buildRestorePlan({ manifest: PG, tables: [], target: mysql, ifExists: 'fail', files: new Map() }))).toContain(
      'is of a PostgreSQL database; restoring it into MySQL/MariaDB is not supported',
    );
    const bare = manifest([table('shop.public.bare', true)]);
    expect(
      restoreErrorMessage(() =>
        buildRestorePlan({ manifest: bare, tables: selectTables(bare, 'postgres', 'all'), target: TARGET, ifExists: 'fail', files: new Map() }),
      ),
    ).toContain('states no columns for public.bare');
  });

  it('quotes names and keeps staging names within the engines’ limits', () => {
    expect(quoteName('postgres', 'a"b')).toBe('"a""b"');
    expect(quoteName('mysql', 'a`b')).toBe('`a``b`');
    expect(qualifiedName('postgres', 'sales', 'orders')).toBe('"sales"."orders"');
    expect(Buffer.byteLength(stagingName('postgres', 'é'.repeat(60)))).toBeLessThanOrEqual(63);
    expect(stagingName('mysql', 'x'.repeat(80))).toHaveLength(64);
    expect(formatDuration(3725)).toBe('1h 2m');
  });
});
