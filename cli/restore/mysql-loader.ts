// Loads tables into MySQL/MariaDB with mysql2 and LOAD DATA LOCAL INFILE fed from a stream
// (mysql2's infileStreamFactory): the server parses tab-separated text far faster than it runs
// multi-row INSERTs. MySQL commits DDL at once, so the staging table is TEMPORARY: it vanishes
// with the connection when the restore fails or is killed. The table then comes into place in
// one statement: CREATE TABLE ... SELECT (atomic on MySQL 8.0.21+ and MariaDB 10.6+), a
// RENAME TABLE swap for replace, one INSERT ... SELECT transaction for append.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { type Connection, createConnection, type ResultSetHeader, type RowDataPacket, type SslOptions } from 'mysql2/promise';
import {
  RestoreError,
  tableExistsError,
  qualifiedName,
  quoteLiteral,
  quoteName,
  type RestoreTarget,
  tlsAttempts,
  type TargetColumn,
} from '../../handler/restore';
import type { LineSource, Loader, TableLoad } from './table-load';

function sslOption(attempt: ReturnType<typeof tlsAttempts>[number], target: RestoreTarget): SslOptions | undefined {
  const ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
  switch (attempt) {
    case 'plain':
      return undefined;
    case 'encrypt':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
    case 'verify-full':
      return { rejectUnauthorized: true, verifyIdentity: true, ...(ca ? { ca } : {}) } as SslOptions;
  }
}

/** The stream LOAD DATA LOCAL reads next; set before each LOAD DATA statement. */
type StreamSlot = { next?: Readable };

/**
 * A connection: TLS per ssl-mode (PREFERRED falls back to plain only when the server has no
 * TLS), the password from MYSQL_PWD, UTC for TIMESTAMP values, strict SQL mode.
 */
export async function connectMysql(target: RestoreTarget, slot: StreamSlot = {}): Promise<Connection> {
  const attempts = tlsAttempts(target.tls);
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      const ssl = sslOption(attempt, target);
      const connection = await createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        database: target.database,
        ...(process.env.MYSQL_PWD !== undefined ? { password: process.env.MYSQL_PWD } : {}),
        ...(ssl ? { ssl } : {}),
        charset: 'utf8mb4',
        timezone: 'Z',
        supportBigNumbers: true,
        bigNumberStrings: true,
        infileStreamFactory: () => {
          const stream = slot.next;
          slot.next = undefined;
          if (stream === undefined) throw new Error('no LOAD DATA stream is ready');
          return stream;
        },
      });
      // The export's TIMESTAMP values are UTC; strict mode turns a value that does not fit into an error.
      await connection.query("SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', foreign_key_checks = 0");
      return connection;
    } catch (error) {
      lastError = error;
      if (!(attempt === 'encrypt' && attempts.includes('plain') && (error as { code?: string }).code === 'HANDSHAKE_NO_SSL_SUPPORT')) break;
    }
  }
  throw lastError;
}

/** The column list and SET clause of LOAD DATA: bytes arrive as hex, BIT values as hex numbers. */
export function loadDataColumns(columns: readonly TargetColumn[]): { list: string; set: string } {
  const list: string[] = [];
  const set: string[] = [];
  columns.forEach((c, i) => {
    const name = quoteName('mysql', c.name);
    if (c.loadAs === 'text') {
      list.push(name);
      return;
    }
    list.push(`@v${i}`);
    set.push(c.loadAs === 'bytes' ? `${name} = UNHEX(@v${i})` : `${name} = CAST(CONV(@v${i}, 16, 10) AS UNSIGNED)`);
  });
  return { list: list.join(', '), set: set.length === 0 ? '' : ` SET ${set.join(', ')}` };
}

async function warnings(connection: Connection): Promise<string> {
  const [rows] = await connection.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 5');
  return rows.map((r) => `${r.Level} ${r.Code}: ${r.Message}`).join('; ');
}

async function loadFile(
  connection: Connection,
  slot: StreamSlot,
  sql: string,
  lines: LineSource,
  onRows: (rows: number) => void,
  name: string,
): Promise<number> {
  slot.next = Readable.from(
    (async function* () {
      for await (const chunk of lines) {
        onRows(chunk.rows);
        yield chunk.text;
      }
    })(),
    { highWaterMark: 2 },
  );
  const [result] = await connection.query<ResultSetHeader>(sql);
  // LOAD DATA LOCAL turns bad values into warnings and carries on; a restore must not.
  if (result.warningStatus > 0) {
    throw new RestoreError(`${name}: the server changed or refused values while loading (${await warnings(connection)}); nothing was changed`);
  }
  return result.affectedRows;
}

async function tableExists(connection: Connection, schema: string, table: string): Promise<boolean> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [schema, table]);
  return rows.length > 0;
}

/** The MySQL/MariaDB loader of a restore. */
export async function mysqlLoader(target: RestoreTarget): Promise<Loader> {
  const control = await connectMysql(target);
  return {
    exists: (schema, table) => tableExists(control, schema, table),
    async load(load: TableLoad): Promise<number> {
      const { plan, ifExists } = load;
      const slot: StreamSlot = {};
      const connection = await connectMysql(target, slot);
      const final = qualifiedName('mysql', plan.schema, plan.table);
      const staging = qualifiedName('mysql', plan.schema, plan.staging);
      const names = plan.columns.map((c) => quoteName('mysql', c.name)).join(', ');
      const definitions = plan.columns.map((c) => `${quoteName('mysql', c.name)} ${c.type} NULL${/^timestamp/.test(c.type) ? ' DEFAULT NULL' : ''}`).join(', ');
      try {
        await connection.query(`CREATE DATABASE IF NOT EXISTS ${quoteName('mysql', plan.schema)} CHARACTER SET utf8mb4`);
        // A permanent staging table is left only by a run killed during the swap below; drop it.
        await connection.query(`DROP TABLE IF EXISTS ${staging}`);
        await connection.query(`CREATE TEMPORARY TABLE ${staging} (${definitions}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
        const { list, set } = loadDataColumns(plan.columns);
        let loaded = 0;
        for (const [i, file] of load.files.entries()) {
          const sql = `LOAD DATA LOCAL INFILE ${quoteLiteral('mysql', `part-${i}`)} INTO TABLE ${staging} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${list})${set}`;
          loaded += await loadFile(connection, slot, sql, file(), load.onRows, `${plan.source.name} file ${i + 1}`);
        }
        if (loaded !== plan.rows) {
          throw new RestoreError(`${plan.source.name}: loaded ${loaded} rows, but the Parquet footers count ${plan.rows}; nothing was changed`);
        }
        const present = await tableExists(connection, plan.schema, plan.table);
        if (present && ifExists === 'fail') throw tableExistsError(`${plan.schema}.${plan.table}`);
        const copy = `CREATE TABLE %s (${definitions}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin SELECT ${names} FROM ${staging}`;
        if (!present) {
          await connection.query(copy.replace('%s', final));
        } else if (ifExists === 'append') {
          await connection.query('START TRANSACTION');
          await connection.query(`INSERT INTO ${final} (${names}) SELECT ${names} FROM ${staging}`);
          await connection.query('COMMIT');
        } else {
          // A second name for the copy: the temporary staging table hides a permanent one of its name.
          const swap = qualifiedName('mysql', plan.schema, `${plan.staging.slice(0, 58)}_swap`);
          const old = qualifiedName('mysql', plan.schema, `${plan.staging.slice(0, 59)}_old`);
          await connection.query(`DROP TABLE IF EXISTS ${swap}, ${old}`);
          await connection.query(copy.replace('%s', swap));
          await connection.query(`RENAME TABLE ${final} TO ${old}, ${swap} TO ${final}`);
          await connection.query(`DROP TABLE ${old}`);
        }
        return loaded;
      } finally {
        await connection.end().catch(() => {});
      }
    },
    async close() {
      await control.end().catch(() => {});
    },
  };
}
