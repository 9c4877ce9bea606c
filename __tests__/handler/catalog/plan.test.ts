// The catalog registration of the example exports in fixtures/rds-exports, made into manifests
// by verifyExport as the exporter does.
import type { Column, Table } from '@aws-sdk/client-glue';
import { describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { buildCatalogPlan, CatalogInputError, PARQUET_FORMAT, snapshotPartitionValue, type TableRegistration } from '../../../handler/catalog/plan';
import { mergeTableColumns, tableChange } from '../../../handler/catalog/columns';
import { exampleManifest } from '../../support/export-fixtures';

const ARCHIVE = 'rds-archive-prod';

const postgres = () => exampleManifest('postgres-complete', 'orders-db');
const mysql = () => exampleManifest('mysql-skipped-table', 'shop-db');
const registrationOf = (manifest: ArchiveManifest, target: string): TableRegistration =>
  buildCatalogPlan(manifest, ARCHIVE).tables.find((t) => t.target === target)!;

/** A table as GetTable returns it after the registration was created. */
const asTable = (registration: TableRegistration): Table => ({ ...registration.tableInput, Name: registration.tableName, DatabaseName: 'db' }) as Table;

describe('buildCatalogPlan on the PostgreSQL example', () => {
  const manifest = postgres();
  const plan = buildCatalogPlan(manifest, ARCHIVE);
  const BUCKET = 'rds-archive-prod-111122223333-eu-west-1';
  const EXPORT_FOLDER = `s3://${BUCKET}/exports/orders-db/orders-db-2026-11-20-03-10-8c1f2e9a4b/`;

  it("names the database after the archive and the DB identifier, located at the database's exports", () => {
    expect(plan.databaseName).toBe('rds_archive_prod_orders_db');
    expect(plan.databaseInput).toMatchObject({ Name: 'rds_archive_prod_orders_db', LocationUri: `s3://${BUCKET}/exports/orders-db/` });
  });

  it('registers every archived table as an external Parquet table partitioned by snapshot_time', () => {
    expect(plan.tables.map((t) => [t.target, t.tableName])).toEqual([
      ['orders.public.orders', 'orders_public_orders'],
      ['orders.billing.invoices', 'orders_billing_invoices'],
    ]);
    for (const { tableInput } of plan.tables) {
      expect(tableInput.TableType).toBe('EXTERNAL_TABLE');
      expect(tableInput.PartitionKeys).toEqual([{ Name: 'snapshot_time', Type: 'string' }]);
      expect(tableInput.Parameters).toMatchObject({ classification: 'parquet' });
      expect(tableInput.StorageDescriptor).toMatchObject({
        InputFormat: PARQUET_FORMAT.inputFormat,
        OutputFormat: PARQUET_FORMAT.outputFormat,
        SerdeInfo: { SerializationLibrary: PARQUET_FORMAT.serializationLibrary },
      });
    }
    expect(plan.skipped).toEqual([]);
  });

  it("types the columns from the export's own schema, in its order", () => {
    const orders = registrationOf(manifest, 'orders.public.orders');
    expect(orders.tableInput.StorageDescriptor!.Columns!.map((c) => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['customer_id', 'int'],
      // PostgreSQL numerics, dates and timestamps: RDS writes them as text (AWS's PostgreSQL table).
      ['total', 'string'],
      ['status', 'string'],
      ['created_at', 'string'],
      ['delivered_on', 'string'],
      ['is_gift', 'boolean'],
      ['attributes', 'string'],
    ]);
    expect(orders.tableInput.StorageDescriptor!.Columns![7]!.Comment).toBe('jsonb');
    expect(orders.notes).toEqual([]);
  });

  it('names the source in the table parameters', () => {
    expect(registrationOf(manifest, 'orders.billing.invoices').tableInput.Parameters).toMatchObject({
      sourceTarget: 'orders.billing.invoices',
      snapshotArn: manifest.snapshotArn,
      exportTaskIdentifier: 'orders-db-2026-11-20-03-10-8c1f2e9a4b',
      snapshotTime: '2026-11-20T03:10:41Z',
    });
  });

  it("places the partition at the table's folder of this export and the table at the database's exports, which hold every partition", () => {
    const orders = registrationOf(manifest, 'orders.public.orders');
    expect(orders.partitionInput.Values).toEqual(['2026-11-20T03:10:41Z']);
    expect(orders.partitionInput.StorageDescriptor!.Location).toBe(`${EXPORT_FOLDER}orders/public.orders/`);
    expect(orders.tableInput.StorageDescriptor!.Location).toBe(`s3://${BUCKET}/exports/orders-db/`);
    expect(orders.partitionInput.StorageDescriptor!.Columns).toEqual(orders.tableInput.StorageDescriptor!.Columns);
  });
});

describe('buildCatalogPlan on the MySQL example with a skipped table', () => {
  it('registers what was archived as <db>_<table> and says why the skipped table is not registered', () => {
    const plan = buildCatalogPlan(mysql(), ARCHIVE);
    expect(plan.databaseName).toBe('rds_archive_prod_shop_db');
    expect(plan.tables.map((t) => t.tableName)).toEqual(['shop_products', 'shop_notes']);
    expect(plan.skipped).toEqual([{ target: 'shop.order_lines', reason: expect.stringMatching(/^not archived: /) }]);
    const notes = plan.tables.find((t) => t.tableName === 'shop_notes')!;
    expect(notes.tableInput.StorageDescriptor!.Columns!.map((c) => c.Type)).toEqual(['decimal(20,0)', 'string']);
  });
});

describe('buildCatalogPlan on unusual manifests', () => {
  it('registers nothing of a missing export', () => {
    const manifest: ArchiveManifest = { ...postgres(), outcome: 'missing', missingReason: 'no export_tables_info file' };
    const plan = buildCatalogPlan(manifest, ARCHIVE);
    expect(plan.tables).toEqual([]);
    expect(plan.skipped.map((s) => s.target)).toEqual(['orders.public.orders', 'orders.billing.invoices']);
    expect(plan.skipped[0]!.reason).toMatch(/missing \(no export_tables_info file\)/);
  });

  it('skips a table for which RDS stated no columns, saying how to register it', () => {
    const manifest = postgres();
    const plan = buildCatalogPlan({ ...manifest, tables: manifest.tables.map((t, i) => (i === 0 ? { ...t, columns: [] } : t)) }, ARCHIVE);
    expect(plan.tables.map((t) => t.target)).toEqual(['orders.billing.invoices']);
    expect(plan.skipped).toEqual([{ target: 'orders.public.orders', reason: expect.stringMatching(/no columns.*by hand or with a crawler/) }]);
  });

  it('notes a column it had to rename, which Athena cannot match to the file', () => {
    const manifest = postgres();
    const orders = manifest.tables[0]!;
    const renamed = { ...orders, columns: [...orders.columns, { columnName: 'price€', originalType: 'numeric', expectedExportedType: 'decimal(12,2)' }] };
    const registration = buildCatalogPlan({ ...manifest, tables: [renamed] }, ARCHIVE).tables[0]!;
    expect(registration.tableInput.StorageDescriptor!.Columns!.at(-1)!.Name).toBe('price_');
    expect(registration.notes).toEqual([expect.stringMatching(/"price€" is registered as "price_".*read this column as NULL/)]);
  });

  it.each([
    ['snapshotTime', { snapshotTime: 'yesterday' }, /snapshotTime "yesterday" is not a date/],
    ['bucket', { bucket: '' }, /has no bucket/],
    ['exportPrefix', { exportPrefix: undefined }, /has no exportPrefix/],
  ])('rejects a manifest with a bad %s, saying what to do', (_field, change, message) => {
    const manifest = { ...postgres(), ...change } as ArchiveManifest;
    expect(() => buildCatalogPlan(manifest, ARCHIVE)).toThrow(CatalogInputError);
    expect(() => buildCatalogPlan(manifest, ARCHIVE)).toThrow(message);
  });

  it('rejects an empty archive name', () => {
    expect(() => buildCatalogPlan(postgres(), ' ')).toThrow(/no archive name was given/);
  });
});

describe('snapshotPartitionValue', () => {
  it('is the snapshot time in UTC to the second', () => {
    expect(snapshotPartitionValue('2026-11-20T03:10:41.999Z')).toBe('2026-11-20T03:10:41Z');
    expect(snapshotPartitionValue('2026-11-20T04:10:00+01:00')).toBe('2026-11-20T03:10:00Z');
  });
});

describe('mergeTableColumns', () => {
  const col = (Name: string, Type: string): Column => ({ Name, Type });

  it("appends the columns a later export adds, keeping the table's order", () => {
    const merged = mergeTableColumns(
      [col('id', 'bigint'), col('total', 'decimal(12,2)')],
      [col('id', 'bigint'), col('coupon', 'string'), col('total', 'decimal(12,2)'), col('weight', 'double')],
    );
    expect(merged.columns.map((c) => c.Name)).toEqual(['id', 'total', 'coupon', 'weight']);
    expect(merged.added).toEqual(['coupon', 'weight']);
    expect(merged.notes).toEqual([]);
  });

  it("keeps the table's type of a column whose type changed, with a note", () => {
    const merged = mergeTableColumns([col('id', 'int')], [col('id', 'bigint')]);
    expect(merged.columns).toEqual([col('id', 'int')]);
    expect(merged.notes).toEqual([expect.stringMatching(/"id" is bigint in this export but int in the table; the table keeps int/)]);
  });

  it('keeps columns a later export no longer has', () => {
    expect(mergeTableColumns([col('id', 'bigint'), col('legacy', 'string')], [col('id', 'bigint')]).columns.map((c) => c.Name)).toEqual(['id', 'legacy']);
  });
});

describe('tableChange', () => {
  /** The PostgreSQL example as of another snapshot, optionally with a column added to public.orders. */
  function laterExport(snapshotTime: string, addColumn: boolean): ArchiveManifest {
    const manifest = postgres();
    const extra = { columnName: 'coupon_code', originalType: 'text', expectedExportedType: 'binary (UTF8)' };
    return {
      ...manifest,
      snapshotTime,
      exportTaskIdentifier: `orders-db-${snapshotTime.slice(0, 10)}-0000000000`,
      exportPrefix: `exports/orders-db/orders-db-${snapshotTime.slice(0, 10)}-0000000000/`,
      tables: manifest.tables.map((t) => (addColumn && t.target === 'orders.public.orders' ? { ...t, columns: [...t.columns, extra] } : t)),
    };
  }

  it('changes nothing when the same export is registered again', () => {
    const registration = registrationOf(postgres(), 'orders.public.orders');
    expect(tableChange(asTable(registration), registration)).toEqual({ tableInput: undefined, added: [], newer: false, notes: [] });
  });

  it('widens the columns and points the table at a newer export', () => {
    const existing = asTable(registrationOf(postgres(), 'orders.public.orders'));
    const later = registrationOf(laterExport('2026-11-27T03:10:41Z', true), 'orders.public.orders');
    const change = tableChange(existing, later);
    expect(change.added).toEqual(['coupon_code']);
    expect(change.newer).toBe(true);
    expect(change.tableInput!.StorageDescriptor!.Columns!.map((c) => c.Name).at(-1)).toBe('coupon_code');
    expect(change.tableInput!.StorageDescriptor!.Location).toBe(later.tableInput.StorageDescriptor!.Location);
    expect(later.partitionInput.StorageDescriptor!.Location!.startsWith(change.tableInput!.StorageDescriptor!.Location!)).toBe(true);
    expect(change.tableInput!.Parameters).toMatchObject({ snapshotTime: '2026-11-27T03:10:41Z', exportTaskIdentifier: 'orders-db-2026-11-27-0000000000' });
  });

  it('widens the columns for an older export but leaves the table pointing at the newest', () => {
    const existing = asTable(registrationOf(postgres(), 'orders.public.orders'));
    const older = registrationOf(laterExport('2026-11-13T03:10:41Z', true), 'orders.public.orders');
    const change = tableChange(existing, older);
    expect(change.added).toEqual(['coupon_code']);
    expect(change.newer).toBe(false);
    expect(change.tableInput!.StorageDescriptor!.Location).toBe(existing.StorageDescriptor!.Location);
    expect(change.tableInput!.Parameters).toMatchObject({ snapshotTime: '2026-11-20T03:10:41Z' });
  });

  it('points the table at a newer export even when its columns are the same', () => {
    const existing = asTable(registrationOf(postgres(), 'orders.billing.invoices'));
    const change = tableChange(existing, registrationOf(laterExport('2026-11-27T03:10:41Z', false), 'orders.billing.invoices'));
    expect(change.added).toEqual([]);
    expect(change.tableInput!.Parameters).toMatchObject({ snapshotTime: '2026-11-27T03:10:41Z' });
  });
});
