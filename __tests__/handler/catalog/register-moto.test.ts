// Registering exports in a Glue Data Catalog emulated by moto: the example PostgreSQL export,
// again, then a later export of the same database with a column added.
import { GetDatabaseCommand, GetPartitionsCommand, GetTableCommand, GetTablesCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../handler/contract/manifest';
import { registerExport, type RegisterResult } from '../../../handler/catalog/register';
import { decodePrestoView } from '../../../handler/catalog/views';
import { exampleManifest } from '../../support/export-fixtures';
import { MOTO_CLIENT_CONFIG, startMoto, type Moto } from '../../support/moto';
import { motoMissing, requireTool } from '../../support/tools';

const runs = requireTool('catalog against moto', motoMissing());
const ARCHIVE = 'rds-archive-test';
const DATABASE = 'rds_archive_test_orders_db';

/** The same database's export a week later, public.orders with one more column. */
function laterManifest(): ArchiveManifest {
  const manifest = exampleManifest('postgres-complete', 'orders-db');
  const id = 'orders-db-2026-11-27-03-10-1a2b3c4d5e';
  return {
    ...manifest,
    exportTaskIdentifier: id,
    snapshotArn: 'arn:aws:rds:eu-west-1:111122223333:snapshot:rds:orders-db-2026-11-27-03-10',
    snapshotTime: '2026-11-27T03:10:12.000Z',
    exportPrefix: `exports/orders-db/${id}/`,
    tables: manifest.tables.map((t) =>
      t.target === 'orders.public.orders'
        ? { ...t, columns: [...t.columns, { columnName: 'coupon_code', originalType: 'text', expectedExportedType: 'binary (UTF8)' }] }
        : t,
    ),
  };
}

describe.runIf(runs)('registerExport against moto', () => {
  let moto: Moto | undefined;
  let glue: GlueClient;
  const logs: Array<Record<string, unknown>> = [];
  const log = (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    moto = await startMoto();
    glue = new GlueClient({ endpoint: moto.endpoint, ...MOTO_CLIENT_CONFIG });
  });
  afterAll(async () => {
    glue?.destroy();
    await moto?.stop();
  });

  const tableOf = async (name: string) => (await glue.send(new GetTableCommand({ DatabaseName: DATABASE, Name: name }))).Table!;
  const partitionsOf = async (name: string) => (await glue.send(new GetPartitionsCommand({ DatabaseName: DATABASE, TableName: name }))).Partitions ?? [];
  const tableNames = async () => ((await glue.send(new GetTablesCommand({ DatabaseName: DATABASE }))).TableList ?? []).map((t) => t.Name).sort();
  const actions = (result: RegisterResult) => Object.fromEntries(result.tables.map((t) => [t.table ?? t.target, t.action]));

  it('registers the example export: database, typed tables, one snapshot_time partition each, and logs a line per table', async () => {
    // Act
    logs.length = 0;
    const result = await registerExport(exampleManifest('postgres-complete', 'orders-db'), { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(actions(result)).toEqual({ orders_public_orders: 'created-table', orders_billing_invoices: 'created-table' });
    expect(result.tables.map((t) => t.view)).toEqual(['created-view', 'created-view']);
    expect((await glue.send(new GetDatabaseCommand({ Name: DATABASE }))).Database?.Name).toBe(DATABASE);
    expect(await tableNames()).toEqual(['orders_billing_invoices', 'orders_billing_invoices_typed', 'orders_public_orders', 'orders_public_orders_typed']);
    const orders = await tableOf('orders_public_orders');
    // PostgreSQL numerics, timestamps and dates are text in the export (AWS's PostgreSQL table)...
    expect(orders.StorageDescriptor?.Columns?.map((c) => `${c.Name} ${c.Type}`)).toEqual([
      'id bigint',
      'customer_id int',
      'total string',
      'status string',
      'created_at string',
      'delivered_on string',
      'is_gift boolean',
      'attributes string',
    ]);
    // ...and the typed view reads them with their source types.
    const view = await tableOf('orders_public_orders_typed');
    expect(view.TableType).toBe('VIRTUAL_VIEW');
    expect(view.StorageDescriptor?.Columns?.map((c) => `${c.Name} ${c.Type}`)).toEqual([
      'id bigint',
      'customer_id int',
      'total decimal(24,12)',
      'status string',
      'created_at timestamp',
      'delivered_on date',
      'is_gift boolean',
      'attributes string',
      'snapshot_time string',
    ]);
    const definition = decodePrestoView(view.ViewOriginalText);
    expect(definition?.originalSql).toMatch(
      /^SELECT "id", "customer_id", TRY_CAST\("total" AS decimal\(24,12\)\) AS "total", .* FROM "rds_archive_test_orders_db"\."orders_public_orders"$/,
    );
    expect(definition?.columns.find((c) => c.name === 'created_at')).toEqual({ name: 'created_at', type: 'timestamp(3)' });
    expect(orders.PartitionKeys).toEqual([{ Name: 'snapshot_time', Type: 'string' }]);
    expect(orders.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    for (const table of ['orders_public_orders', 'orders_billing_invoices']) {
      const partitions = await partitionsOf(table);
      expect(partitions.map((p) => p.Values)).toEqual([['2026-11-20T03:10:41Z']]);
    }
    const [partition] = await partitionsOf('orders_billing_invoices');
    expect(partition!.StorageDescriptor?.Location).toBe(
      's3://rds-archive-prod-111122223333-eu-west-1/exports/orders-db/orders-db-2026-11-20-03-10-8c1f2e9a4b/orders/billing.invoices/',
    );
    expect(logs.map((l) => [l.level, l.catalog, l.table])).toEqual([
      ['INFO', 'created-table', 'orders_public_orders'],
      ['WARN', 'note', 'orders_public_orders'],
      ['INFO', 'created-table', 'orders_billing_invoices'],
    ]);
    expect(logs[1]!.note).toMatch(/column "total": the export states precision 12 but no scale, so the view reads it as decimal\(24,12\)/);
  });

  it('adds nothing when the same export is registered again', async () => {
    // Prepare
    const before = await tableOf('orders_public_orders');

    // Act
    const result = await registerExport(exampleManifest('postgres-complete', 'orders-db'), { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(actions(result)).toEqual({ orders_public_orders: 'partition-exists', orders_billing_invoices: 'partition-exists' });
    expect(result.tables.map((t) => t.view)).toEqual(['view-unchanged', 'view-unchanged']);
    expect(await tableNames()).toEqual(['orders_billing_invoices', 'orders_billing_invoices_typed', 'orders_public_orders', 'orders_public_orders_typed']);
    expect((await partitionsOf('orders_public_orders')).length).toBe(1);
    expect((await tableOf('orders_public_orders')).StorageDescriptor).toEqual(before.StorageDescriptor);
  });

  it('reports what a later export would change in a dry run, and writes nothing', async () => {
    // Act
    const result = await registerExport(laterManifest(), { archiveName: ARCHIVE, dryRun: true, log }, { glue });

    // Assess
    expect(result.dryRun).toBe(true);
    expect(actions(result)).toEqual({ orders_public_orders: 'updated-table', orders_billing_invoices: 'updated-table' });
    expect(result.tables.every((t) => t.partitionAdded === true)).toBe(true);
    expect((await partitionsOf('orders_public_orders')).length).toBe(1);
    expect((await tableOf('orders_public_orders')).StorageDescriptor?.Columns).toHaveLength(8);
  });

  it('adds a later export of the same database as a partition, widening the columns, not as a table', async () => {
    // Act
    const result = await registerExport(laterManifest(), { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(result.tables.map((t) => [t.table, t.partitionAdded])).toEqual([
      ['orders_public_orders', true],
      ['orders_billing_invoices', true],
    ]);
    expect(await tableNames()).toEqual(['orders_billing_invoices', 'orders_billing_invoices_typed', 'orders_public_orders', 'orders_public_orders_typed']);
    const orders = await tableOf('orders_public_orders');
    expect(orders.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual([
      'id',
      'customer_id',
      'total',
      'status',
      'created_at',
      'delivered_on',
      'is_gift',
      'attributes',
      'coupon_code',
    ]);
    expect(orders.Parameters).toMatchObject({ snapshotTime: '2026-11-27T03:10:12Z', exportTaskIdentifier: 'orders-db-2026-11-27-03-10-1a2b3c4d5e' });
    const partitions = await partitionsOf('orders_public_orders');
    expect(partitions.map((p) => p.Values![0]).sort()).toEqual(['2026-11-20T03:10:41Z', '2026-11-27T03:10:12Z']);
    // Each partition keeps its own schema: the old snapshot has no coupon_code.
    const columnsOf = (value: string) => partitions.find((p) => p.Values![0] === value)!.StorageDescriptor!.Columns!.map((c) => c.Name);
    expect(columnsOf('2026-11-20T03:10:41Z')).not.toContain('coupon_code');
    expect(columnsOf('2026-11-27T03:10:12Z')).toContain('coupon_code');
    // The typed view follows the table's new column.
    expect(result.tables.map((t) => t.view)).toEqual(['updated-view', 'view-unchanged']);
    expect((await tableOf('orders_public_orders_typed')).StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('coupon_code');
  });

  it("keeps every partition of both exports under its table's location, so Lake Formation lets Athena read them all", async () => {
    for (const table of ['orders_public_orders', 'orders_billing_invoices']) {
      // Act
      const location = (await tableOf(table)).StorageDescriptor?.Location;
      const partitions = await partitionsOf(table);

      // Assess
      expect(location).toBe('s3://rds-archive-prod-111122223333-eu-west-1/exports/orders-db/');
      expect(partitions).toHaveLength(2);
      for (const partition of partitions) expect(partition.StorageDescriptor?.Location?.startsWith(location!)).toBe(true);
    }
  });

  it("moves a table registered at one export's folder to the common parent on its next registration", async () => {
    // Prepare: the table as earlier versions registered it, located at its latest export's folder.
    const table = await tableOf('orders_billing_invoices');
    const oldLocation = 's3://rds-archive-prod-111122223333-eu-west-1/exports/orders-db/orders-db-2026-11-27-03-10-1a2b3c4d5e/orders/billing.invoices/';
    await glue.send(
      new UpdateTableCommand({
        DatabaseName: DATABASE,
        TableInput: {
          Name: table.Name,
          TableType: table.TableType,
          Parameters: table.Parameters,
          PartitionKeys: table.PartitionKeys,
          StorageDescriptor: { ...table.StorageDescriptor, Location: oldLocation },
        },
      }),
    );

    // Act
    const result = await registerExport(laterManifest(), { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(actions(result)).toMatchObject({ orders_billing_invoices: 'updated-table' });
    expect((await tableOf('orders_billing_invoices')).StorageDescriptor?.Location).toBe('s3://rds-archive-prod-111122223333-eu-west-1/exports/orders-db/');
  });

  it('registers the older export again without moving the table back or adding anything', async () => {
    // Act
    const result = await registerExport(exampleManifest('postgres-complete', 'orders-db'), { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(actions(result)).toEqual({ orders_public_orders: 'partition-exists', orders_billing_invoices: 'partition-exists' });
    expect((await tableOf('orders_public_orders')).Parameters).toMatchObject({ snapshotTime: '2026-11-27T03:10:12Z' });
    expect((await partitionsOf('orders_public_orders')).length).toBe(2);
  });

  it('leaves the partition of a snapshot exported twice where it is, and says where the second export is', async () => {
    // Prepare: an operator's second export of the first snapshot, in another folder.
    const first = exampleManifest('postgres-complete', 'orders-db');
    const twin: ArchiveManifest = { ...first, exportTaskIdentifier: 'operator-reexport', exportPrefix: 'exports/orders-db/operator-reexport/' };
    logs.length = 0;

    // Act
    const result = await registerExport(twin, { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(actions(result)).toEqual({ orders_public_orders: 'partition-exists', orders_billing_invoices: 'partition-exists' });
    const partition = (await partitionsOf('orders_public_orders')).find((p) => p.Values![0] === '2026-11-20T03:10:41Z')!;
    expect(partition.StorageDescriptor?.Location).toContain('/orders-db-2026-11-20-03-10-8c1f2e9a4b/');
    expect(logs.filter((l) => l.level === 'WARN').map((l) => l.note)).toEqual([
      expect.stringMatching(/^column "total": the export states precision 12 but no scale/),
      expect.stringMatching(/already points at .*orders-db-2026-11-20-03-10-8c1f2e9a4b.*not moved to .*operator-reexport/),
      expect.stringMatching(/already points at .*orders-db-2026-11-20-03-10-8c1f2e9a4b.*not moved to .*operator-reexport/),
    ]);
  });

  it('skips a source table whose name lands on a table that holds another source table', async () => {
    // Prepare: "Orders" in quotes, a different PostgreSQL table that normalizes to the same Glue name.
    const manifest = exampleManifest('postgres-complete', 'orders-db');
    const twin: ArchiveManifest = { ...manifest, tables: [{ ...manifest.tables[0]!, target: 'orders.public.Orders' }] };

    // Act
    const result = await registerExport(twin, { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(result.tables).toEqual([
      expect.objectContaining({ action: 'skipped', target: 'orders.public.Orders', reason: expect.stringMatching(/already holds orders\.public\.orders/) }),
    ]);
    expect((await tableOf('orders_public_orders')).Parameters).toMatchObject({ sourceTarget: 'orders.public.orders' });
  });

  it('registers nothing for a manifest it cannot use, and says why', async () => {
    // Act
    logs.length = 0;
    const result = await registerExport({ ...laterManifest(), snapshotTime: 'not a time' }, { archiveName: ARCHIVE, log }, { glue });

    // Assess
    expect(result.problem).toMatch(/snapshotTime "not a time" is not a date/);
    expect(result.tables).toEqual([]);
    expect(logs).toEqual([expect.objectContaining({ level: 'ERROR', catalog: 'rejected' })]);
    expect((await partitionsOf('orders_public_orders')).length).toBe(2);
  });
});
