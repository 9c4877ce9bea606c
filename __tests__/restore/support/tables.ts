// Reads whole tables back for comparison: every value as the database prints it, rows sorted, so
// two tables are equal row for row (in both directions, duplicates counted) exactly when their
// dumps are equal.
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

/** A PostgreSQL table's rows, each value cast to text, sorted. */
export async function postgresRows(url: string, table: string, columns: readonly string[]): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1");
    const list = columns.map((c) => `${client.escapeIdentifier(c)}::text`).join(', ');
    const { rows } = await client.query({ text: `SELECT ${list} FROM ${table}`, rowMode: 'array' });
    return rows.map((row) => JSON.stringify(row)).sort();
  } finally {
    await client.end();
  }
}

/** A PostgreSQL table's column types as format_type prints them. */
export async function postgresColumnTypes(url: string, schema: string, table: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
        WHERE a.attrelid = format('%I.%I', $1::text, $2::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [schema, table],
    );
    return Object.fromEntries(rows.map((r) => [r.attname, r.type]));
  } finally {
    await client.end();
  }
}

/** The tables of a PostgreSQL database outside the system schemas. */
export async function postgresTables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

function mysqlUrl(url: string, database: string): { host: string; port: number; user: string; database: string } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), user: decodeURIComponent(parsed.username), database };
}

/** A MySQL table's rows, binary values as hex and the rest as the server prints them, sorted. */
export async function mysqlRows(url: string, database: string, table: string, columns: readonly { name: string; binary: boolean }[]): Promise<string[]> {
  const connection = await createConnection({ ...mysqlUrl(url, database), timezone: 'Z', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  try {
    await connection.query("SET time_zone = '+00:00'");
    const quote = (n: string) => `\`${n.replaceAll('`', '``')}\``;
    const list = columns.map((c) => (c.binary ? `HEX(${quote(c.name)})` : `CAST(${quote(c.name)} AS CHAR)`)).join(', ');
    const [rows] = await connection.query({ sql: `SELECT ${list} FROM ${quote(table)}`, rowsAsArray: true });
    return (rows as unknown[][]).map((row) => JSON.stringify(row)).sort();
  } finally {
    await connection.end();
  }
}

/** A MySQL table's column types (COLUMN_TYPE), or undefined when the table does not exist. */
export async function mysqlColumnTypes(url: string, database: string, table: string): Promise<Record<string, string> | undefined> {
  const connection = await createConnection(mysqlUrl(url, database));
  try {
    const [rows] = await connection.query(
      'SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION',
      [database, table],
    );
    const list = rows as { name: string; type: string }[];
    return list.length === 0 ? undefined : Object.fromEntries(list.map((r) => [r.name, r.type]));
  } finally {
    await connection.end();
  }
}

/** Runs statements on a database. */
export async function execute(engine: 'postgres' | 'mysql', url: string, statements: readonly string[]): Promise<void> {
  if (engine === 'postgres') {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const parsed = new URL(url);
  const connection = await createConnection(mysqlUrl(url, decodeURIComponent(parsed.pathname.slice(1))));
  try {
    for (const sql of statements) await connection.query(sql);
  } finally {
    await connection.end();
  }
}
