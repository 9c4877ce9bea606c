// The conformance corpus (fixtures/rds-exports: exports written from real PostgreSQL and MariaDB
// servers the way AWS's documents say RDS writes them) through verification, the catalog plan
// and the typed views: every export is verified, every table is registered, and every typed view
// runs in DuckDB over the export's own Parquet parts, reading each row.
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { buildCatalogPlan } from '../../../handler/catalog/plan';
import { typedView } from '../../../handler/catalog/views';
import { databaseOfExport } from '../../../handler/rules/export-naming';
import { verifyExport } from '../../../handler/verification/verdict';
import { EXPORTS_DIR } from '../../support/export-fixtures';
import { readWrittenExport, verifyInputOf } from '../../support/rds-export/read-export';

const CORPUS = ['postgres-all-types', 'mysql-all-types', 'aurora-postgres-cluster', 'postgres-odd-names', 'postgres-partitioned'] as const;

describe.each(CORPUS)('the corpus export %s', (name) => {
  const folder = path.join(EXPORTS_DIR, name);
  const written = readWrittenExport(folder);
  const database = databaseOfExport(written.task as { S3Prefix?: string });
  const manifest = verifyExport(verifyInputOf(written, database, new Date('2026-12-01T00:00:00Z')));

  it('is verified, every table archived from the folder RDS names, database-level entries kept apart', () => {
    expect(manifest.outcome, JSON.stringify(manifest, null, 2)).toBe('verified');
    expect(manifest.totals.archived).toBe(manifest.totals.tables);
    for (const table of manifest.tables) {
      expect(written.listing.some((o) => o.key.startsWith(`${manifest.exportPrefix}${table.folder}`) && o.key.endsWith('.parquet'))).toBe(true);
    }
    const stated = written.entries.filter((e) => typeof e.target === 'string' && !String(e.target).includes('.')).map((e) => e.target);
    expect(manifest.databases?.map((d) => d.name)).toEqual(stated);
  });

  it('registers every table, and its typed view reads every row in DuckDB', async () => {
    // Prepare
    const plan = buildCatalogPlan(manifest, 'rds-archive-prod');
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    await duck.run(`CREATE SCHEMA "${plan.databaseName}"`);

    // Act and assess, table by table
    expect(plan.skipped).toEqual([]);
    expect(plan.tables).toHaveLength(manifest.tables.length);
    for (const registration of plan.tables) {
      const table = manifest.tables.find((t) => t.target === registration.target)!;
      const parts = written.listing.filter((o) => o.key.startsWith(`${manifest.exportPrefix}${table.folder}`) && o.key.endsWith('.parquet'));
      const files = parts.map((o) => `'${path.join(folder, o.key).replace(/'/g, "''")}'`).join(', ');
      await duck.run(
        `CREATE VIEW "${plan.databaseName}"."${registration.tableName}" AS SELECT *, '${plan.partitionValue}' AS snapshot_time FROM read_parquet([${files}], union_by_name = true)`,
      );
      const view = typedView(plan.databaseName, registration.tableInput);
      if (view === undefined) continue;
      const rows = await duck.runAndReadAll(`SELECT count(*) FROM (${view.sql})`);
      const base = await duck.runAndReadAll(`SELECT count(*) FROM "${plan.databaseName}"."${registration.tableName}"`);
      expect(rows.getRows()[0], registration.tableName).toEqual(base.getRows()[0]);
    }
    duck.closeSync();
  });
});
