// Verification of RDS snapshot exports (pure), from the example exports in fixtures/rds-exports
// and from generated ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportFolder, isExportInfoKey, isTablesInfoKey, manifestKey, type ListedObject } from '../../../handler/verification/layout';
import { formatManifestReport } from '../../../handler/verification/report';
import { parseExportInfoTime, parseWarningMessage } from '../../../handler/verification/metadata';
import { parseManifest } from '../../../handler/contract/manifest';
import { verifyExport, type VerifyExportInput } from '../../../handler/verification/verdict';
import { exampleExport, VERIFIED_AT } from '../../support/export-fixtures';

const postgres = () => exampleExport('postgres-complete', 'orders-db');
const mysql = () => exampleExport('mysql-skipped-table', 'shop-db');
const parquetOf = (listing: readonly ListedObject[], folder: string) => listing.filter((o) => o.key.includes(`/${folder}`) && o.key.endsWith('.parquet'));
const sum = (objects: readonly ListedObject[]) => objects.reduce((total, o) => total + o.size, 0);
const tablesInfoOf = (input: VerifyExportInput) => JSON.parse(input.tablesInfoTexts[0]!.text) as { perTableStatus: Array<Record<string, unknown>> };

describe('verifyExport on the example exports', () => {
  it('verifies an export whose tables are all COMPLETE with Parquet parts, counting parts only', () => {
    // Prepare
    const input = postgres();
    const orders = parquetOf(input.listing, 'orders/public.orders/');
    const invoices = parquetOf(input.listing, 'orders/billing.invoices/');

    // Act
    const manifest = verifyExport(input);

    // Assess
    expect(manifest.outcome).toBe('verified');
    expect(manifest.missingReason).toBeUndefined();
    expect(manifest.warnings).toEqual([]);
    expect(manifest.exportPrefix).toBe('exports/orders-db/orders-db-2026-11-20-03-10-8c1f2e9a4b/');
    expect(manifest.snapshotTime).toBe('2026-11-20T03:10:41.000Z');
    expect(manifest.verifiedAt).toBe(VERIFIED_AT.toISOString());
    expect(manifest.database).toBe('orders-db');
    expect(manifest.snapshotArn).toBe(input.task.SourceArn);
    expect(manifest.tables.map((t) => [t.target, t.folder, t.status, t.archived, t.files, t.bytes])).toEqual([
      ['orders.public.orders', 'orders/public.orders/', 'COMPLETE', true, 3, sum(orders)],
      ['orders.billing.invoices', 'orders/billing.invoices/', 'COMPLETE', true, 1, sum(invoices)],
    ]);
    expect(manifest.tables.every((t) => t.reason === undefined)).toBe(true);
    expect(manifest.tables[0]!.columns).toHaveLength(8);
    expect(manifest.tables[0]!.columns[4]).toEqual({
      columnName: 'created_at',
      originalType: 'timestamp with time zone',
      expectedExportedType: 'binary (UTF8)',
      originalDateTimePrecision: 6,
    });
    expect(manifest.tables[0]!.columns[2]).toEqual({
      columnName: 'total',
      originalType: 'numeric',
      expectedExportedType: 'binary (UTF8)',
      originalNumPrecision: 12,
    });
    expect(manifest.databases).toEqual([{ name: 'postgres', message: '(illustrative text) database postgres: no tables to export' }]);
    expect(manifest.totals).toEqual({ tables: 2, archived: 2, skipped: 0, files: 4, bytes: sum(orders) + sum(invoices) });
  });

  it('calls an export with a skipped table incomplete, naming the table, the reason and the fix', () => {
    // Prepare
    const input = mysql();

    // Act
    const manifest = verifyExport(input);

    // Assess
    expect(manifest.outcome).toBe('incomplete');
    expect(manifest.warnings).toEqual(['table shop.order_lines skipped: UNSUPPORTED_CHARACTER_IN_COLUMN_NAME']);
    const byTarget = new Map(manifest.tables.map((t) => [t.target, t]));
    expect(byTarget.get('shop.products')).toMatchObject({ archived: true, folder: 'shop/shop.products/', files: 1 });
    expect(byTarget.get('shop.notes')).toMatchObject({ archived: true, folder: 'shop/shop.notes/', files: 1 });
    const skipped = byTarget.get('shop.order_lines')!;
    expect(skipped).toMatchObject({ archived: false, status: 'SKIPPED', files: 0, columns: [] });
    expect(skipped.reason).toContain('UNSUPPORTED_CHARACTER_IN_COLUMN_NAME');
    expect(skipped.reason).toContain('"line total"');
    expect(skipped.reason).toMatch(/rename the columns/);
    expect(skipped.reason).toMatch(/exportOnly/);
    expect(manifest.totals).toMatchObject({ tables: 3, archived: 2, skipped: 1, files: 2 });
  });

  it('lists a table that only WarningMessage names, with its reason', () => {
    // Prepare
    const input = mysql();
    const info = tablesInfoOf(input);
    info.perTableStatus = info.perTableStatus.filter((t) => t.target !== 'shop.order_lines');
    const trimmed = { ...input, tablesInfoTexts: [{ key: input.tablesInfoTexts[0]!.key, text: JSON.stringify(info) }] };

    // Act
    const manifest = verifyExport(trimmed);

    // Assess
    expect(manifest.outcome).toBe('incomplete');
    const skipped = manifest.tables.find((t) => t.target === 'shop.order_lines');
    expect(skipped).toMatchObject({ status: 'SKIPPED', archived: false, folder: 'shop/shop.order_lines/' });
    expect(skipped!.reason).toContain('UNSUPPORTED_CHARACTER_IN_COLUMN_NAME');
    expect(manifest.totals).toMatchObject({ tables: 3, skipped: 1 });
  });

  it('calls an export incomplete when RDS gave a warning although every table is archived', () => {
    for (const warning of ['{"skippedTables":[],"skippedObjectives":[],"general":["Some LOB values were truncated"]}', 'Some LOB values were truncated']) {
      // Prepare
      const input = postgres();

      // Act
      const manifest = verifyExport({ ...input, task: { ...input.task, WarningMessage: warning } });

      // Assess
      expect(manifest.outcome).toBe('incomplete');
      expect(manifest.warnings).toEqual(['Some LOB values were truncated']);
      expect(manifest.totals).toMatchObject({ archived: 2, skipped: 0 });
    }
  });

  it('records the postgres database-level entry as a database, never as a table, and still verifies', () => {
    // Prepare: the example's export_tables_info ends with {"warningMessage": ..., "target": "postgres"}.
    const input = postgres();
    expect(tablesInfoOf(input).perTableStatus.some((e) => e.target === 'postgres' && e.status === undefined)).toBe(true);

    // Act
    const manifest = verifyExport(input);

    // Assess
    expect(manifest.outcome).toBe('verified');
    expect(manifest.tables.map((t) => t.target)).not.toContain('postgres');
    expect(manifest.totals.tables).toBe(2);
    expect(manifest.databases).toEqual([{ name: 'postgres', message: '(illustrative text) database postgres: no tables to export' }]);
    expect(manifest.warnings).toEqual([]);
  });

  it('calls an export incomplete when a database-level message reports skipped tables', () => {
    // Prepare
    const input = postgres();
    const info = tablesInfoOf(input);
    info.perTableStatus.push({ target: 'reporting', warningMessage: 'Some tables were skipped because of unsupported column names.' });
    const withWarning = { ...input, tablesInfoTexts: [{ key: input.tablesInfoTexts[0]!.key, text: JSON.stringify(info) }] };

    // Act
    const manifest = verifyExport(withWarning);

    // Assess
    expect(manifest.outcome).toBe('incomplete');
    expect(manifest.warnings).toEqual(['database reporting: Some tables were skipped because of unsupported column names.']);
    expect(manifest.databases!.map((d) => d.name)).toEqual(['postgres', 'reporting']);
    expect(manifest.totals).toMatchObject({ tables: 2, archived: 2, skipped: 0 });
  });

  it('finds a table whose names hold a space, a backquote, a double quote or a backslash in the folder RDS wrote with underscores', () => {
    // Prepare: RDS turns \ ` " and space in S3 paths into _ (RDS user guide, Limitations).
    const input = postgres();
    const info = tablesInfoOf(input);
    const odd = { ...info.perTableStatus[1]!, target: 'orders.my schema.order `lines` "x" a\\b' };
    info.perTableStatus = [info.perTableStatus[0]!, odd];
    const folder = exportFolder(input.task.S3Prefix, input.task.ExportTaskIdentifier!);
    const listing = [
      ...input.listing.filter((o) => !o.key.includes('/billing.invoices/')),
      { key: `${folder}orders/my_schema.order__lines___x__a_b/1/part-00000-0b5e-c000.gz.parquet`, size: 2048 },
    ];

    // Act
    const manifest = verifyExport({ ...input, listing, tablesInfoTexts: [{ key: input.tablesInfoTexts[0]!.key, text: JSON.stringify(info) }] });

    // Assess
    expect(manifest.outcome).toBe('verified');
    expect(manifest.tables[1]).toMatchObject({ target: odd.target, folder: 'orders/my_schema.order__lines___x__a_b/', archived: true, files: 1, bytes: 2048 });
  });

  it('verifies an export whose WarningMessage lists nothing', () => {
    const input = postgres();
    const manifest = verifyExport({ ...input, task: { ...input.task, WarningMessage: '{"skippedTables":[],"skippedObjectives":[],"general":[]}' } });
    expect(manifest.outcome).toBe('verified');
    expect(manifest.warnings).toEqual([]);
  });

  it('calls an export missing when export_info is absent, saying so', () => {
    // Prepare
    const input = postgres();
    const listing = input.listing.filter((o) => !o.key.includes('/export_info_'));

    // Act
    const manifest = verifyExport({ ...input, listing, exportInfoText: undefined });

    // Assess
    expect(manifest.outcome).toBe('missing');
    expect(manifest.missingReason).toContain(
      'export_info_orders-db-2026-11-20-03-10-8c1f2e9a4b.json is not in s3://rds-archive-prod-111122223333-eu-west-1/exports/orders-db/',
    );
    expect(manifest.tables).toHaveLength(2);
  });

  it('calls an export missing when no tables-info file is there', () => {
    const input = postgres();
    const listing = input.listing.filter((o) => !o.key.includes('/export_tables_info_'));
    const manifest = verifyExport({ ...input, listing, tablesInfoTexts: [] });
    expect(manifest.outcome).toBe('missing');
    expect(manifest.missingReason).toMatch(/no export_tables_info_\*\.json file/);
    expect(manifest.tables).toEqual([]);
  });

  it('calls an export missing when a listed tables-info file could not be read', () => {
    const manifest = verifyExport({ ...postgres(), tablesInfoTexts: [] });
    expect(manifest.outcome).toBe('missing');
    expect(manifest.missingReason).toContain('export_tables_info_orders-db-2026-11-20-03-10-8c1f2e9a4b_from_1_to_2.json is listed but could not be read');
  });

  it('calls an export missing when its tables are COMPLETE but no Parquet part is left', () => {
    // Prepare
    const input = postgres();
    const listing = input.listing.filter((o) => !o.key.endsWith('.parquet'));

    // Act
    const manifest = verifyExport({ ...input, listing });

    // Assess
    expect(manifest.outcome).toBe('missing');
    expect(manifest.missingReason).toMatch(/RDS reports 2 tables COMPLETE, but no Parquet file is in s3:\/\/.*: the data files are gone/);
    expect(manifest.tables.every((t) => !t.archived && /data files are gone/.test(t.reason ?? ''))).toBe(true);
    expect(manifest.totals).toMatchObject({ archived: 0, skipped: 2, files: 0, bytes: 0 });
  });

  it("calls an export incomplete when one table's parts are gone", () => {
    const input = postgres();
    const listing = input.listing.filter((o) => !o.key.includes('/billing.invoices/'));
    const manifest = verifyExport({ ...input, listing });
    expect(manifest.outcome).toBe('incomplete');
    const invoices = manifest.tables.find((t) => t.target === 'orders.billing.invoices')!;
    expect(invoices.archived).toBe(false);
    expect(invoices.reason).toMatch(/COMPLETE, but no Parquet file is under s3:\/\/.*\/orders\/billing\.invoices\/: the data files are gone/);
  });

  it('merges several tables-info files', () => {
    // Prepare
    const input = postgres();
    const [orders, invoices] = tablesInfoOf(input).perTableStatus;
    const folder = exportFolder(input.task.S3Prefix, input.task.ExportTaskIdentifier!);
    const files = [
      { key: `${folder}export_tables_info_${input.task.ExportTaskIdentifier}_from_2_to_2.json`, text: JSON.stringify({ perTableStatus: [invoices] }) },
      { key: `${folder}export_tables_info_${input.task.ExportTaskIdentifier}_from_1_to_1.json`, text: JSON.stringify({ perTableStatus: [orders] }) },
    ];
    const listing = [...input.listing.filter((o) => !o.key.includes('/export_tables_info_')), ...files.map((f) => ({ key: f.key, size: f.text.length }))];

    // Act
    const manifest = verifyExport({ ...input, listing, tablesInfoTexts: files });

    // Assess
    expect(manifest.outcome).toBe('verified');
    expect(manifest.tables.map((t) => t.target)).toEqual(['orders.public.orders', 'orders.billing.invoices']);
    expect(manifest.totals).toEqual(verifyExport(postgres()).totals);
  });

  it('does not count a table with a status it does not know, nor one without a status, and keeps unknown fields harmless', () => {
    // Prepare
    const input = postgres();
    const info = tablesInfoOf(input);
    info.perTableStatus[0] = { ...info.perTableStatus[0], status: 'paused', somethingNew: { nested: [1, 2] } };
    delete info.perTableStatus[1]!.status;
    delete info.perTableStatus[1]!.schemaMetadata;

    // Act
    const manifest = verifyExport({ ...input, tablesInfoTexts: [{ key: input.tablesInfoTexts[0]!.key, text: JSON.stringify(info) }] });

    // Assess
    expect(manifest.outcome).toBe('incomplete');
    expect(manifest.tables.map((t) => [t.status, t.archived])).toEqual([
      ['PAUSED', false],
      ['UNKNOWN', false],
    ]);
    expect(manifest.tables[0]!.reason).toContain('RDS reports status PAUSED');
    expect(manifest.tables[1]!.columns).toEqual([]);
  });

  it('names a tables-info file that is not JSON instead of throwing', () => {
    // Prepare
    const input = postgres();
    const key = input.tablesInfoTexts[0]!.key;

    // Act
    const manifest = verifyExport({ ...input, tablesInfoTexts: [{ key, text: '{"perTableStatus": [' }] });

    // Assess
    expect(manifest.outcome).toBe('missing');
    expect(manifest.missingReason).toContain(`s3://${input.task.S3Bucket}/${key} is not valid JSON`);
  });

  it('keeps an entry without a target visible as not archived', () => {
    const input = postgres();
    const info = tablesInfoOf(input);
    delete info.perTableStatus[1]!.target;
    const manifest = verifyExport({ ...input, tablesInfoTexts: [{ key: input.tablesInfoTexts[0]!.key, text: JSON.stringify(info) }] });
    expect(manifest.outcome).toBe('incomplete');
    expect(manifest.tables[1]!.archived).toBe(false);
    expect(manifest.tables[1]!.reason).toMatch(/names no target table/);
  });

  it("takes the snapshot time from export_info when RDS's answer lacks it, and writes the bucket it was given", () => {
    const input = postgres();
    const manifest = verifyExport({ ...input, bucket: 'another-bucket', task: { ...input.task, SnapshotTime: undefined } });
    expect(manifest.snapshotTime).toBe('2026-11-20T03:10:41.000Z');
    expect(manifest.bucket).toBe('another-bucket');
  });
});

describe('the export folder and its keys', () => {
  it('builds the folder with and without a prefix', () => {
    expect(exportFolder('exports/orders-db', 'x-1')).toBe('exports/orders-db/x-1/');
    expect(exportFolder('exports/orders-db/', 'x-1')).toBe('exports/orders-db/x-1/');
    expect(exportFolder('', 'x-1')).toBe('x-1/');
    expect(exportFolder(undefined, 'x-1')).toBe('x-1/');
    expect(manifestKey('p/x-1/')).toBe('p/x-1/archive-manifest.json');
  });

  it('tells the metadata files apart from each other and from data', () => {
    const folder = 'p/x-1/';
    expect(isExportInfoKey(folder, 'p/x-1/export_info_x-1.json')).toBe(true);
    expect(isExportInfoKey(folder, 'p/x-1/export_tables_info_x-1_from_1_to_2.json')).toBe(false);
    expect(isTablesInfoKey(folder, 'p/x-1/export_tables_info_x-1_from_1_to_2.json')).toBe(true);
    expect(isTablesInfoKey(folder, 'p/x-1/export_info_x-1.json')).toBe(false);
    expect(isExportInfoKey(folder, 'p/x-1/db/db.export_info_t/1/export_info_x.json')).toBe(false);
    expect(isExportInfoKey(folder, 'p/x-2/export_info_x-2.json')).toBe(false);
  });
});

describe('parseWarningMessage', () => {
  it("reads RDS's JSON, keeping what it does not know", () => {
    const parsed = parseWarningMessage(
      JSON.stringify({
        skippedTables: [{ tableName: 'a.b', reason: 'R1' }, { tableName: 'a.c' }, 'odd'],
        skippedObjectives: [{ name: 'x' }],
        general: ['g1', { code: 7 }],
        newField: 'n',
      }),
    );
    expect(parsed.skippedTables).toEqual([
      { tableName: 'a.b', reason: 'R1' },
      { tableName: 'a.c', reason: 'no reason given' },
    ]);
    expect(parsed.general).toEqual(['g1', '{"code":7}']);
    expect(parsed.other).toEqual(['skippedTables: odd', 'skippedObjectives: {"name":"x"}', 'newField: n']);
  });

  it('reads plain text line by line, and nothing as nothing', () => {
    expect(parseWarningMessage('first\n\n second ')).toEqual({ skippedTables: [], general: ['first', 'second'], other: [] });
    expect(parseWarningMessage(undefined)).toEqual({ skippedTables: [], general: [], other: [] });
    expect(parseWarningMessage('  ')).toEqual({ skippedTables: [], general: [], other: [] });
    expect(parseWarningMessage('[1,2]')).toEqual({ skippedTables: [], general: [], other: ['[1,2]'] });
  });
});

describe('parseExportInfoTime', () => {
  it("reads export_info's times as UTC", () => {
    expect(parseExportInfoTime('Nov 20, 2026 3:10:41 AM')?.toISOString()).toBe('2026-11-20T03:10:41.000Z');
    expect(parseExportInfoTime('Nov 18, 2026 10:02:11 PM')?.toISOString()).toBe('2026-11-18T22:02:11.000Z');
    expect(parseExportInfoTime('Jan 1, 2027 12:05:00 AM')?.toISOString()).toBe('2027-01-01T00:05:00.000Z');
    expect(parseExportInfoTime('Jan 1, 2027 12:05:00 PM')?.toISOString()).toBe('2027-01-01T12:05:00.000Z');
    for (const bad of ['2026-11-20T03:10:41Z', 'Foo 1, 2026 1:00:00 AM', 'Nov 1, 2026 13:00:00 PM', 42]) expect(parseExportInfoTime(bad)).toBeUndefined();
  });
});

describe('parseManifest', () => {
  it('reads back what verification wrote, and nothing else', () => {
    const manifest = verifyExport(mysql());
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
    for (const bad of ['', 'not json', '[]', '{}', JSON.stringify({ ...manifest, outcome: 'fine' }), JSON.stringify({ ...manifest, tables: [{}] })]) {
      expect(parseManifest(bad)).toBeUndefined();
    }
  });
});

describe('formatManifestReport', () => {
  it('names the database, the snapshot, each table not archived with its reason, and what to do', () => {
    // Prepare
    const manifest = verifyExport(mysql());

    // Act
    const { subject, message } = formatManifestReport(manifest);

    // Assess
    expect(subject).toBe('RDS snapshot archive: shop-db export incomplete: 1 of 3 tables not archived');
    expect(message).toContain('arn:aws:rds:eu-west-1:111122223333:snapshot:shop-manual-before-upgrade of shop-db (taken 2026-11-18T22:02:11.000Z)');
    expect(message).toContain(`- shop.order_lines: ${manifest.tables.find((t) => t.target === 'shop.order_lines')!.reason}`);
    expect(message).not.toContain('- shop.products');
    expect(message).toContain('s3://rds-archive-prod-111122223333-eu-west-1/exports/shop-db/shop-manual-before-upgrade-51d0a7c3e2/archive-manifest.json');
    expect(message).toMatch(/What to do: .*keep it/);
  });

  it('says why an export is missing and how to look for its files', () => {
    const input = postgres();
    const { subject, message } = formatManifestReport(verifyExport({ ...input, listing: input.listing.filter((o) => !o.key.endsWith('.parquet')) }));
    expect(subject).toBe('RDS snapshot archive: orders-db export files missing');
    expect(message).toContain('no Parquet file is in s3://');
    expect(message).toMatch(/What to do: .*noncurrent versions/);
  });

  it('keeps subjects within SNS limits for long database names', () => {
    const manifest = { ...verifyExport(mysql()), database: 'd'.repeat(63) };
    const { subject } = formatManifestReport(manifest);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^RDS snapshot archive: d+\.\.\. export incomplete: 1 of 3 tables not archived$/);
  });
});

describe('verifyExport over generated exports', () => {
  const STATUSES = ['COMPLETE', 'COMPLETE', 'COMPLETE', 'SKIPPED', 'FAILED', 'PAUSED', undefined];
  const FOLDER = 'exports/db/task-1/';
  const generated = fc
    .record({
      engine: fc.constantFrom('postgres', 'mysql'),
      tables: fc.uniqueArray(
        fc.record({
          name: fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/),
          status: fc.constantFrom(...STATUSES),
          parts: fc.array(fc.nat({ max: 10_000_000 }), { maxLength: 3 }),
          success: fc.boolean(),
          columns: fc.option(fc.array(fc.record({ columnName: fc.string(), originalType: fc.string() }), { maxLength: 3 }), { nil: undefined }),
        }),
        { selector: (t) => t.name, maxLength: 8 },
      ),
      files: fc.integer({ min: 0, max: 3 }),
      exportInfo: fc.boolean(),
      skipInWarning: fc.array(fc.nat(), { maxLength: 3 }),
      extraSkipped: fc.option(fc.stringMatching(/^[a-z]{1,8}$/), { nil: undefined }),
      general: fc.array(fc.string({ minLength: 1 }), { maxLength: 2 }),
      plainWarning: fc.option(fc.string(), { nil: undefined }),
    })
    .map((g) => {
      const target = (name: string) => (g.engine === 'postgres' ? `db.public.${name}` : `db.${name}`);
      const folderOf = (name: string) => (g.engine === 'postgres' ? `db/public.${name}/` : `db/db.${name}/`);
      const listing: ListedObject[] = [];
      for (const t of g.tables) {
        t.parts.forEach((size, i) => {
          listing.push({ key: `${FOLDER}${folderOf(t.name)}1/part-0000${i}-x.gz.parquet`, size });
        });
        if (t.success) listing.push({ key: `${FOLDER}${folderOf(t.name)}1/_SUCCESS`, size: 0 });
      }
      // The tables spread over `files` tables-info files; none at all when files is 0.
      const tablesInfoTexts = Array.from({ length: g.files }, (_, f) => ({
        key: `${FOLDER}export_tables_info_task-1_from_${f + 1}_to_${f + 1}.json`,
        text: JSON.stringify({
          perTableStatus: g.tables
            .filter((_, i) => i % g.files === f)
            .map((t) => ({
              target: target(t.name),
              status: t.status,
              sizeGB: t.parts.length,
              ...(t.columns === undefined ? {} : { schemaMetadata: { originalTypeMappings: t.columns } }),
            })),
        }),
      }));
      for (const file of tablesInfoTexts) listing.push({ key: file.key, size: file.text.length });
      if (g.exportInfo) listing.push({ key: `${FOLDER}export_info_task-1.json`, size: 10 });
      const skippedNames = [
        ...new Set([
          ...g.skipInWarning.filter(() => g.tables.length > 0).map((n) => target(g.tables[n % g.tables.length]!.name)),
          ...(g.extraSkipped === undefined ? [] : [target(`zz_${g.extraSkipped}`)]),
        ]),
      ];
      const WarningMessage =
        g.plainWarning ??
        JSON.stringify({ skippedTables: skippedNames.map((tableName) => ({ tableName, reason: 'SOME_REASON' })), skippedObjectives: [], general: g.general });
      const input: VerifyExportInput = {
        task: {
          ExportTaskIdentifier: 'task-1',
          S3Prefix: 'exports/db',
          S3Bucket: 'bucket',
          SourceArn: 'arn:aws:rds:eu-west-1:1:snapshot:s',
          Status: 'COMPLETE',
          WarningMessage,
        },
        database: 'db',
        listing,
        exportInfoText: g.exportInfo ? '{"snapshotTime":"Nov 20, 2026 3:10:41 AM"}' : undefined,
        tablesInfoTexts: g.files === 0 ? [] : tablesInfoTexts,
        verifiedAt: VERIFIED_AT,
      };
      return { input, generated: g, target, skippedNames };
    });

  it('keeps its promises: totals, archived tables, reasons, outcome', () => {
    fc.assert(
      fc.property(generated, ({ input, generated: g, target, skippedNames }) => {
        const manifest = verifyExport(input);
        const { totals, tables } = manifest;

        expect(totals.tables).toBe(tables.length);
        expect(totals.archived + totals.skipped).toBe(totals.tables);
        expect(totals.archived).toBe(tables.filter((t) => t.archived).length);
        expect(totals.files).toBe(tables.reduce((s, t) => s + t.files, 0));
        expect(totals.bytes).toBe(tables.reduce((s, t) => s + t.bytes, 0));
        for (const t of tables) expect(t.reason === undefined).toBe(t.archived);

        const stated = g.files === 0 ? [] : g.tables;
        for (const t of stated) {
          const found = tables.find((m) => m.target === target(t.name))!;
          expect(found.files).toBe(t.parts.length);
          expect(found.bytes).toBe(t.parts.reduce((s, b) => s + b, 0));
          const skippedByWarning = g.plainWarning === undefined && skippedNames.includes(target(t.name));
          expect(found.status).toBe(t.status ?? 'UNKNOWN');
          expect(found.archived).toBe(t.status === 'COMPLETE' && t.parts.length > 0);
          if (skippedByWarning && found.status !== 'COMPLETE') expect(found.reason).toContain('SOME_REASON');
        }
        if (g.plainWarning === undefined) for (const name of skippedNames) expect(tables.some((t) => t.target === name)).toBe(true);

        const allArchived = tables.every((t) => t.archived);
        expect(manifest.outcome === 'verified').toBe(allArchived && manifest.warnings.length === 0 && manifest.missingReason === undefined);
        expect(manifest.outcome === 'missing').toBe(manifest.missingReason !== undefined);
        if (!g.exportInfo || g.files === 0) expect(manifest.outcome).toBe('missing');
        const report = formatManifestReport(manifest);
        expect(report.subject.length).toBeLessThanOrEqual(100);
        for (const t of tables.filter((m) => !m.archived)) expect(report.message).toContain(t.target);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary file contents', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.json()),
        fc.oneof(fc.string(), fc.json()),
        fc.option(fc.oneof(fc.string(), fc.json()), { nil: undefined }),
        (tablesInfo, exportInfo, warning) => {
          const input: VerifyExportInput = {
            task: { ExportTaskIdentifier: 't', S3Prefix: 'p', S3Bucket: 'b', WarningMessage: warning },
            database: 'db',
            listing: [{ key: 'p/t/db/db.x/1/part-0.parquet', size: 1 }],
            exportInfoText: exportInfo,
            tablesInfoTexts: [{ key: 'p/t/export_tables_info_t_from_1_to_1.json', text: tablesInfo }],
            verifiedAt: VERIFIED_AT,
          };
          const manifest = verifyExport(input);
          expect(manifest.totals.archived + manifest.totals.skipped).toBe(manifest.totals.tables);
          expect(formatManifestReport(manifest).subject.length).toBeLessThanOrEqual(100);
        },
      ),
      { numRuns: 300 },
    );
  });
});
