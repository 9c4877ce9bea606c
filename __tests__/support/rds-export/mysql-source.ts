// Reads a MySQL/MariaDB database the way the emulator needs it (thin shell over mysql2).
import { type Connection, createConnection, type FieldPacket, type RowDataPacket } from 'mysql2/promise';
import { mysqlColumnMapping } from './mysql-types';
import { catalogNumber, type SourceColumn, type SourceTable } from './source';

interface CatalogColumn extends RowDataPacket {
  COLUMN_NAME: string;
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  CHARACTER_MAXIMUM_LENGTH: number | string | null;
  NUMERIC_PRECISION: number | string | null;
  NUMERIC_SCALE: number | string | null;
  DATETIME_PRECISION: number | string | null;
}

/** The database's base tables (all, or those named in `only`), with their rows in one batch each. */
export async function readMysqlTables(url: string, database: string, only?: readonly string[]): Promise<SourceTable[]> {
  const connection = await createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    // RDS's default time zone is UTC: TIMESTAMP values are written as UTC instants.
    await connection.query("SET time_zone = '+00:00'");
    const [tables] = await connection.query<RowDataPacket[]>(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
      [database],
    );
    const names = tables.map((t) => String(t.name));
    const missing = (only ?? []).filter((name) => !names.includes(name));
    if (missing.length > 0) throw new Error(`no such table to export in ${database}: ${missing.join(', ')}`);
    const result: SourceTable[] = [];
    for (const name of names.filter((n) => only === undefined || only.includes(n))) result.push(await readTable(connection, database, name));
    return result;
  } finally {
    await connection.end();
  }
}

const quote = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

async function readTable(connection: Connection, database: string, table: string): Promise<SourceTable> {
  const [catalog] = await connection.query<CatalogColumn[]>(
    `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  const mappings = catalog.map((c) =>
    mysqlColumnMapping({
      name: c.COLUMN_NAME,
      dataType: c.DATA_TYPE,
      columnType: c.COLUMN_TYPE,
      numericPrecision: c.NUMERIC_PRECISION === null ? null : Number(c.NUMERIC_PRECISION),
      numericScale: c.NUMERIC_SCALE === null ? null : Number(c.NUMERIC_SCALE),
    }),
  );
  const columns: SourceColumn[] = catalog.map((c, i) => ({
    name: c.COLUMN_NAME,
    parquet: mappings[i]!.parquet,
    originalType: mappings[i]!.originalType,
    originalCharMaxLength: catalogNumber(c.CHARACTER_MAXIMUM_LENGTH),
    originalNumPrecision: catalogNumber(c.NUMERIC_PRECISION),
    originalDateTimePrecision: catalogNumber(c.DATETIME_PRECISION),
  }));
  const select = catalog.map((c, i) => `${mappings[i]!.select(quote(c.COLUMN_NAME))} AS c${i}`).join(', ');
  // Every value as the server's text, or its bytes for binary columns: the driver converts nothing.
  const typeCast = (field: { name: string; string: (encoding?: string) => string | null; buffer: () => Buffer | null }): unknown =>
    mappings[Number(field.name.slice(1))]!.binary ? field.buffer() : field.string('utf8');
  const [rows] = (await connection.query({ sql: `SELECT ${select} FROM ${quote(database)}.${quote(table)}`, typeCast: typeCast as never })) as [
    Record<string, string | Buffer | null>[],
    FieldPacket[],
  ];
  const values = mappings.map((mapping, i) => rows.map((row) => (row[`c${i}`] === null ? null : mapping.value(row[`c${i}`]!))));
  return { schema: database, name: table, columns, batches: [values] };
}
