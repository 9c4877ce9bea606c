// Verification and the catalog (issues #10 and #11): each export's export-completed event,
// delivered by the deployed topic, verifies it into archive-manifest.json, notifies when it is not
// complete and registers what was archived in Glue, once, however often the event comes.
import { GetDatabaseCommand } from '@aws-sdk/client-glue';
import { describe, expect, it } from 'vitest';
import { glueTableName } from '../../../handler/contract/catalog-names';
import { exportTasksOf } from '../../support/moto-rds';
import { CORPUS_FIXTURES, objectIdentity, objectVersions } from '../support/archive-exports';
import { columnTypes, decisionsOf, parquetBytes, type ArchivedExports } from '../support/archived-exports';
import type { Deployment } from '../support/deployment';
import { step } from '../support/terraform-moto';

/** Exports with files written as RDS writes them (complete, a table skipped, none), and their events. */
export function verificationAndCatalogTests(deployment: Deployment, archive: ArchivedExports): void {
  describe('verification and catalog', () => {
    it('a complete export: its RDS-EVENT-0161 verifies it, writes the manifest, notifies nobody and registers its tables in Glue', async () => {
      // Prepare: the bucket's TLS-only policy (checked as deployed by the deployed-resources subject) denies moto's plain HTTP.
      const bucket = deployment.outputs['archive-bucket'];
      const policy = await deployment.openArchiveBucket();
      expect(JSON.parse(policy)).toMatchObject({ Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
      step('subscribing a queue to the notifications topic');
      const notifications = await archive.listenToNotifications();
      expect(await notifications.drain()).toEqual([]);
      expect(deployment.functionEnvironment.ARCHIVE_NAME).toBe('rds-archive-e2e');
      expect(deployment.functionEnvironment.CATALOG_ENABLED ?? 'true').toBe('true');
      const exported = await archive.archiveExport('orders-db', 'orders-manual-1', 'postgres-complete');
      archive.byOutcome.verified = exported;

      // Act
      step('publishing RDS-EVENT-0161 for the export and running the built handler');
      const run = await archive.deliverCompleted(exported);

      // Assess
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      const { decision, verification } = decisionsOf(run, exported);
      expect(verification, JSON.stringify(run.logs)).toMatchObject({
        level: 'INFO',
        decision: 'verified',
        database: 'orders-db',
        tables: 2,
        archived: 2,
        notified: false,
      });
      expect(decision).toMatchObject({ decision: 'exported', outcome: 'verified', manifestWritten: true, snapshotArn: exported.arn });
      const manifest = await archive.manifestOf(exported);
      expect(manifest).toMatchObject({
        outcome: 'verified',
        exportTaskIdentifier: exported.task.ExportTaskIdentifier,
        snapshotArn: exported.arn,
        database: 'orders-db',
        snapshotTime: exported.snapshotTime.toISOString(),
        bucket,
        exportPrefix: exported.folder,
        warnings: [],
        totals: { tables: 2, archived: 2, skipped: 0, files: 4, bytes: parquetBytes(exported.written) },
      });
      expect(manifest.tables.map((t) => [t.target, t.archived])).toEqual([
        ['orders.public.orders', true],
        ['orders.billing.invoices', true],
      ]);
      expect(await archive.notifications.drain()).toEqual([]);

      const database = archive.catalogDatabase('orders-db');
      expect(database).toBe('rds_archive_e2e_orders_db');
      expect((await deployment.glue().send(new GetDatabaseCommand({ Name: database }))).Database).toMatchObject({
        Name: database,
        LocationUri: `s3://${bucket}/exports/orders-db/`,
      });
      const { tables, views, partitions } = await archive.catalogOf('orders-db');
      expect(tables.map((t) => t.Name)).toEqual([glueTableName('orders.billing.invoices'), glueTableName('orders.public.orders')]);
      expect(tables.map((t) => t.Name)).toEqual(['orders_billing_invoices', 'orders_public_orders']);
      const [invoices, orders] = tables;
      // RDS writes PostgreSQL numerics, timestamps and dates as text (AWS's PostgreSQL table)...
      expect(columnTypes(orders)).toEqual({
        id: 'bigint',
        customer_id: 'int',
        total: 'string',
        status: 'string',
        created_at: 'string',
        delivered_on: 'string',
        is_gift: 'boolean',
        attributes: 'string',
      });
      expect(columnTypes(invoices)).toEqual({ invoice_no: 'string', amount: 'double', issued_at: 'string' });
      // ...and each table's typed view reads them with their source types.
      expect(views.map((v) => v.Name)).toEqual(['orders_billing_invoices_typed', 'orders_public_orders_typed']);
      expect(columnTypes(views[1])).toMatchObject({ total: 'decimal(24,12)', created_at: 'timestamp', delivered_on: 'date', snapshot_time: 'string' });
      expect(columnTypes(views[0])).toMatchObject({ issued_at: 'timestamp' });
      // Every partition lies under its table's location (Lake Formation reads only those).
      for (const table of tables) expect(table.StorageDescriptor?.Location).toBe(`s3://${bucket}/exports/orders-db/`);
      expect(orders?.PartitionKeys).toEqual([expect.objectContaining({ Name: 'snapshot_time', Type: 'string' })]);
      const partitionValue = `${exported.snapshotTime.toISOString().slice(0, 19)}Z`;
      expect(
        Object.fromEntries(
          Object.entries(partitions).map(([table, list]) => [table, list.map((p) => ({ values: p.Values, location: p.StorageDescriptor?.Location }))]),
        ),
      ).toEqual({
        orders_public_orders: [{ values: [partitionValue], location: `s3://${bucket}/${exported.folder}orders/public.orders/` }],
        orders_billing_invoices: [{ values: [partitionValue], location: `s3://${bucket}/${exported.folder}orders/billing.invoices/` }],
      });
    });

    it('the same RDS-EVENT-0161 again: no second manifest write, no notification, no new partition', async () => {
      // Prepare
      const exported = archive.get('verified');
      const manifestKey = `${exported.folder}archive-manifest.json`;
      const before = await objectIdentity(deployment.s3(), deployment.outputs['archive-bucket'], manifestKey);
      const catalogBefore = await archive.catalogOf('orders-db');

      // Act
      const run = await archive.deliverCompleted(exported);

      // Assess
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      const { decision, verification } = decisionsOf(run, exported);
      expect(decision).toMatchObject({ decision: 'exported', outcome: 'verified', manifestWritten: false });
      expect(verification).toBeUndefined();
      expect(await objectIdentity(deployment.s3(), deployment.outputs['archive-bucket'], manifestKey)).toEqual(before);
      expect((await objectVersions(deployment.s3(), deployment.outputs['archive-bucket'], manifestKey)).map((v) => v.versionId)).toEqual([before.versionId]);
      expect(await archive.notifications.drain()).toEqual([]);
      const catalogAfter = await archive.catalogOf('orders-db');
      expect(Object.values(catalogAfter.partitions).map((list) => list.length)).toEqual([1, 1]);
      expect(catalogAfter).toEqual(catalogBefore);
    });

    it('an export with a skipped table: incomplete, the table named with its reason, one notification, none on re-delivery', async () => {
      // Prepare
      step('a second snapshot and export, of shop-db, through the deployed topic');
      await archive.startExportThroughTopic('shop-db', 'shop-manual-1');
      const exported = await archive.archiveExport('shop-db', 'shop-manual-1', 'mysql-skipped-table');
      archive.byOutcome.incomplete = exported;

      // Act
      const run = await archive.deliverCompleted(exported);
      const sent = await archive.notifications.drain();
      const again = await archive.deliverCompleted(exported);
      const sentAgain = await archive.notifications.drain();

      // Assess
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      const { decision, verification } = decisionsOf(run, exported);
      expect(verification).toMatchObject({ level: 'WARN', decision: 'incomplete', database: 'shop-db', tables: 3, archived: 2, notified: true });
      expect(decision).toMatchObject({ decision: 'exported', outcome: 'incomplete', manifestWritten: true });
      const manifest = await archive.manifestOf(exported);
      expect(manifest).toMatchObject({
        outcome: 'incomplete',
        database: 'shop-db',
        totals: { tables: 3, archived: 2, skipped: 1, files: 2, bytes: parquetBytes(exported.written) },
      });
      const skipped = manifest.tables.filter((t) => !t.archived);
      expect(skipped.map((t) => [t.target, t.status])).toEqual([['shop.order_lines', 'SKIPPED']]);
      expect(skipped[0]!.reason).toMatch(
        /^RDS skipped it: The table was skipped: the column name "line total" contains characters that are not supported\. What to do: rename the columns/,
      );
      expect(sent, 'one notification for the incomplete export').toHaveLength(1);
      expect(sent[0]).toMatchObject({
        TopicArn: deployment.outputs['notifications-topic-arn'],
        Subject: 'RDS snapshot archive: shop-db export incomplete: 1 of 3 tables not archived',
      });
      expect(sent[0]!.Message).toContain(`the snapshot ${exported.arn} of shop-db`);
      expect(sent[0]!.Message).toContain('- shop.order_lines: RDS skipped it');
      expect(again, JSON.stringify(again.logs)).toMatchObject({ ok: true });
      expect(decisionsOf(again, exported).decision).toMatchObject({ outcome: 'incomplete', manifestWritten: false });
      expect(sentAgain).toEqual([]);
      expect((await archive.catalogOf('shop-db')).tables.map((t) => t.Name)).toEqual(['shop_notes', 'shop_products']);
    });

    it('an export whose files are absent: missing, one notification, none on re-delivery, nothing catalogued', async () => {
      // Prepare
      step('a third snapshot and export, of inventory-db, with no files');
      await archive.startExportThroughTopic('inventory-db', 'inventory-manual-1');
      const exported = await archive.archiveExport('inventory-db', 'inventory-manual-1', 'no files');
      archive.byOutcome.missing = exported;

      // Act
      const run = await archive.deliverCompleted(exported);
      const sent = await archive.notifications.drain();
      const again = await archive.deliverCompleted(exported);
      const sentAgain = await archive.notifications.drain();

      // Assess
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      expect(decisionsOf(run, exported)).toMatchObject({
        decision: { outcome: 'missing', manifestWritten: true },
        verification: { level: 'WARN', decision: 'missing', notified: true },
      });
      const manifest = await archive.manifestOf(exported);
      expect(manifest).toMatchObject({ outcome: 'missing', database: 'inventory-db', tables: [], totals: { tables: 0, archived: 0 } });
      expect(manifest.missingReason).toContain(
        `export_info_${exported.task.ExportTaskIdentifier}.json is not in s3://${deployment.outputs['archive-bucket']}/${exported.folder}`,
      );
      expect(sent, 'one notification for the missing export').toHaveLength(1);
      expect(sent[0]).toMatchObject({ Subject: 'RDS snapshot archive: inventory-db export files missing' });
      expect(sent[0]!.Message).toContain(`the snapshot ${exported.arn} of inventory-db`);
      expect(decisionsOf(again, exported).decision).toMatchObject({ outcome: 'missing', manifestWritten: false });
      expect(sentAgain).toEqual([]);
      await expect(deployment.glue().send(new GetDatabaseCommand({ Name: archive.catalogDatabase('inventory-db') }))).rejects.toMatchObject({
        name: 'EntityNotFoundException',
      });
    });

    it('the export-completed event of a later export is reported for that export, where DescribeExportTasks returns every export (moto)', async () => {
      // Prepare: three exports exist; orders-manual-1's is the first moto lists. The handler's own
      // rule (handler/rds.ts findExportTasks) is that a service ignoring a filter costs time, never correctness.
      const exported = archive.get('incomplete');
      const listed = await exportTasksOf(deployment.rds());
      expect(listed.length, 'moto answers with every export of the region').toBeGreaterThan(1);

      // Act: the same RDS-EVENT-0161 of shop-manual-1, the handler talking to moto directly.
      const run = await archive.deliverCompleted(exported);

      // Assess
      expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
      const decision = run.logs.find((l) => l.decision === 'exported' || l.decision === 'ignored');
      expect(decision, JSON.stringify(run.logs)).toMatchObject({
        snapshotArn: exported.arn,
        exportTaskIdentifier: exported.task.ExportTaskIdentifier,
        outcome: 'incomplete',
      });
    });

    it('the conformance corpus: exports written from real PostgreSQL and MariaDB servers are verified, nobody is notified, every table is cataloged under its location, with typed views where RDS wrote text', async () => {
      for (const fixture of CORPUS_FIXTURES) {
        // Prepare: a snapshot of its own database, exported through the deployed topic; the corpus's files (real Parquet) written into the export's folder.
        const database = `corpus-${fixture}`;
        await archive.startExportThroughTopic(database, `${database}-manual-1`);
        const exported = await archive.archiveExport(database, `${database}-manual-1`, fixture);
        archive.corpus.push(exported);

        // Act
        step(`publishing RDS-EVENT-0161 for the ${fixture} export`);
        const run = await archive.deliverCompleted(exported);

        // Assess
        expect(run, JSON.stringify(run.logs)).toMatchObject({ ok: true });
        const manifest = await archive.manifestOf(exported);
        expect(manifest.outcome, `${fixture}: ${JSON.stringify(manifest)}`).toBe('verified');
        expect(manifest.totals.archived).toBe(manifest.totals.tables);
        expect(decisionsOf(run, exported).verification).toMatchObject({ decision: 'verified', notified: false });
        const { tables, views, partitions } = await archive.catalogOf(database);
        expect(tables.map((t) => t.Parameters?.sourceTarget).sort(), fixture).toEqual(manifest.tables.map((t) => t.target).sort());
        for (const table of tables) {
          const location = table.StorageDescriptor?.Location ?? '';
          expect(location).toBe(`s3://${deployment.outputs['archive-bucket']}/exports/${database}/`);
          for (const partition of partitions[table.Name!] ?? []) expect(partition.StorageDescriptor?.Location?.startsWith(location)).toBe(true);
        }
        // A typed view for each table with a date, timestamp or numeric that RDS wrote as text (the odd names' tables have none).
        const typedSources = manifest.tables.filter((t) =>
          t.columns.some((c) => /^(date|timestamp|numeric)/.test(c.originalType) && /UTF8/.test(c.expectedExportedType)),
        );
        expect(views.length, fixture).toBe(typedSources.length);
      }
      expect(await archive.notifications.drain()).toEqual([]);
    });

    // More checks of verification or the catalog go here, before the CLI subject reads the
    // archived exports back: archive.byOutcome holds them, archive.notifications what was reported.
  });
}
