// Which engine an export came from and what its tables are called (pure), from the manifest.
import type { ArchiveManifest, ManifestTable } from '../contract/manifest';
import { RestoreError } from './restore-error';
import type { Engine } from './target-url';

/** A table of the export, named as the source database named it. */
export interface SourceTable {
  readonly manifestTable: ManifestTable;
  /** The database (PostgreSQL) or schema (MySQL: the database) the table was in. */
  readonly database: string;
  readonly schema: string;
  readonly table: string;
  /** "schema.table": how --table names it. */
  readonly name: string;
}

/**
 * RDS names a PostgreSQL table "db.schema.table" and a MySQL one "db.table". A MySQL table
 * whose name holds a dot looks like a PostgreSQL one, so the export's engine is decided by the
 * majority of its tables.
 */
export function engineOfManifest(manifest: ArchiveManifest): Engine {
  const parts = manifest.tables.map((t) => t.target.split('.').length);
  const postgres = parts.filter((n) => n >= 3).length;
  return postgres * 2 > parts.length ? 'postgres' : 'mysql';
}

/** The table's parts, as the export's engine names them. */
export function sourceTable(table: ManifestTable, engine: Engine): SourceTable {
  const target = table.target;
  const first = target.indexOf('.');
  const database = first < 0 ? target : target.slice(0, first);
  const rest = first < 0 ? target : target.slice(first + 1);
  if (engine === 'mysql') return { manifestTable: table, database, schema: database, table: rest, name: `${database}.${rest}` };
  const second = rest.indexOf('.');
  const schema = second < 0 ? 'public' : rest.slice(0, second);
  const name = second < 0 ? rest : rest.slice(second + 1);
  return { manifestTable: table, database, schema, table: name, name: `${schema}.${name}` };
}

/**
 * The tables to restore: those --table names ("schema.table", or "table" when only one schema
 * has it), or every archived table with --all. A table the export did not archive, or does not
 * have, is refused with the reason and the tables it does have.
 */
export function selectTables(manifest: ArchiveManifest, engine: Engine, wanted: readonly string[] | 'all'): SourceTable[] {
  const tables = manifest.tables.map((t) => sourceTable(t, engine));
  const archived = tables.filter((t) => t.manifestTable.archived);
  if (wanted === 'all') {
    if (archived.length === 0) throw new RestoreError(`the export ${manifest.exportTaskIdentifier} archived no table`);
    return archived;
  }
  const chosen: SourceTable[] = [];
  for (const name of wanted) {
    const matches = tables.filter((t) => t.name === name || t.manifestTable.target === name || (!name.includes('.') && t.table === name));
    if (matches.length === 0) {
      const some = archived.map((t) => t.name);
      throw new RestoreError(
        `the export ${manifest.exportTaskIdentifier} has no table "${name}"; name it as schema.table, one of: ${some.slice(0, 20).join(', ')}${some.length > 20 ? `, ... (${some.length} in all)` : ''}`,
        2,
      );
    }
    if (matches.length > 1) throw new RestoreError(`"${name}" is in several schemas (${matches.map((t) => t.name).join(', ')}): name it as schema.table`, 2);
    const table = matches[0]!;
    if (!table.manifestTable.archived) {
      throw new RestoreError(
        `the table ${table.name} is not archived in the export ${manifest.exportTaskIdentifier}: ${table.manifestTable.reason ?? table.manifestTable.status}. Choose another export (npm run archive -- status).`,
      );
    }
    if (!chosen.includes(table)) chosen.push(table);
  }
  return chosen;
}
