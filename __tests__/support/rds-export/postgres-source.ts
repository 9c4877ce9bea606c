// Reads a PostgreSQL database the way the emulator needs it (thin shell over node-postgres).
import { Client } from 'pg';
import { postgresColumnMapping, type PostgresColumnMapping } from './postgres-types';
import { catalogNumber, type SourceColumn, type SourceTable } from './source';

// RDS for PostgreSQL's defaults for how values print; set explicitly so a server configured
// otherwise still prints what an export holds.
const SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1";

interface CatalogTable {
  oid: number;
  schema: string;
  name: string;
  kind: string;
}

/**
 * The database's exported tables: ordinary and partitioned tables outside the system schemas,
 * not partitions themselves (a partitioned table's rows are exported under it, one batch per
 * partition: AWS, "File naming conventions"), not temporary or unlogged ones (AWS, "Limitations":
 * skipped). `only` picks tables by "schema.table" (or "table" for public).
 */
export async function readPostgresTables(url: string, only?: readonly string[]): Promise<SourceTable[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(SESSION_SETTINGS);
    const { rows: tables } = await client.query<CatalogTable>(
      `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence = 'p'
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        ORDER BY n.nspname, c.relname`,
    );
    const wanted = only?.map((name) => (name.includes('.') ? name : `public.${name}`));
    const picked = wanted === undefined ? tables : tables.filter((t) => wanted.includes(`${t.schema}.${t.name}`));
    const missing = (wanted ?? []).filter((name) => !tables.some((t) => `${t.schema}.${t.name}` === name));
    if (missing.length > 0) throw new Error(`no such table to export: ${missing.join(', ')}`);
    const result: SourceTable[] = [];
    for (const table of picked) result.push(await readTable(client, table));
    return result;
  } finally {
    await client.end();
  }
}

async function readTable(client: Client, table: CatalogTable): Promise<SourceTable> {
  const { rows } = await client.query(
    `SELECT a.attname AS name, c.data_type, c.character_maximum_length, c.numeric_precision, c.datetime_precision,
            t.typname AS type_name, t.typtype AS type_kind
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN information_schema.columns c ON c.table_schema = $2 AND c.table_name = $3 AND c.column_name = a.attname
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table.oid, table.schema, table.name],
  );
  const mappings: PostgresColumnMapping[] = rows.map((row) =>
    postgresColumnMapping({ name: row.name, dataType: row.data_type, typeName: row.type_name, typeKind: row.type_kind }),
  );
  const columns: SourceColumn[] = rows.map((row, i) => ({
    name: row.name,
    parquet: mappings[i]!.parquet,
    originalType: row.data_type,
    originalCharMaxLength: catalogNumber(row.character_maximum_length),
    originalNumPrecision: catalogNumber(row.numeric_precision),
    originalDateTimePrecision: catalogNumber(row.datetime_precision),
  }));
  const select = rows.map((row, i) => `${mappings[i]!.select(client.escapeIdentifier(row.name))} AS c${i}`).join(', ');
  const relations =
    table.kind === 'p'
      ? (
          await client.query<{ relation: string }>(
            `SELECT format('%I.%I', n.nspname, c.relname) AS relation
               FROM pg_partition_tree($1::oid) p JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE p.isleaf ORDER BY n.nspname, c.relname`,
            [table.oid],
          )
        ).rows.map((r) => r.relation)
      : [`ONLY ${client.escapeIdentifier(table.schema)}.${client.escapeIdentifier(table.name)}`];
  const batches: unknown[][][] = [];
  for (const relation of relations) {
    const { rows: data } = await client.query(`SELECT ${select || 'NULL'} FROM ${relation}`);
    batches.push(mappings.map((mapping, i) => data.map((row) => (row[`c${i}`] === null ? null : mapping.value(row[`c${i}`])))));
  }
  return { schema: table.schema, name: table.name, columns, batches };
}
