// Loads tables into PostgreSQL with pg and COPY ... FROM STDIN (pg-copy-streams). Each table
// is one transaction on its own connection: the staging table is created, filled from every
// file and renamed into place (or appended, or swapped for the old table) before COMMIT, so a
// failure, or a kill that drops the connection, leaves the database as it was.
import { readFileSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, type ClientConfig } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { RestoreError, tableExistsError, qualifiedName, quoteName, type RestoreTarget, tlsAttempts } from '../../handler/restore';
import type { LineSource, Loader, TableLoad } from './table-load';

function sslOption(attempt: ReturnType<typeof tlsAttempts>[number], target: RestoreTarget): ClientConfig['ssl'] {
  const ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
  switch (attempt) {
    case 'plain':
      return false;
    case 'encrypt':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  }
}

/**
 * A connected client. TLS per sslmode; with prefer, plain only when the server says it has no
 * TLS. The password is pg's to find: PGPASSWORD, else ~/.pgpass.
 */
export async function connectPostgres(target: RestoreTarget): Promise<Client> {
  const attempts = tlsAttempts(target.tls);
  let lastError: unknown;
  for (const attempt of attempts) {
    const client = new Client({
      host: target.host,
      port: target.port,
      user: target.user,
      database: target.database,
      ssl: sslOption(attempt, target),
      application_name: 'rds-snapshot-archive restore',
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (!(attempt === 'encrypt' && attempts.includes('plain') && /does not support SSL/i.test((error as Error).message))) break;
    }
  }
  throw lastError;
}

/** Counts rows as they pass into COPY. */
function counting(onRows: (rows: number) => void): Transform {
  return new Transform({
    writableObjectMode: true,
    // A few slices in flight: enough to keep the server busy, little to hold in memory.
    writableHighWaterMark: 2,
    transform(chunk: { text: Buffer; rows: number }, _encoding, done) {
      onRows(chunk.rows);
      done(null, chunk.text);
    },
  });
}

async function copyFile(client: Client, sql: string, lines: LineSource, onRows: (rows: number) => void): Promise<number> {
  const copy = client.query(copyFrom(sql));
  await pipeline(Readable.from(lines, { highWaterMark: 2 }), counting(onRows), copy);
  return copy.rowCount;
}

/** The PostgreSQL loader of a restore. */
export async function postgresLoader(target: RestoreTarget): Promise<Loader> {
  const control = await connectPostgres(target);
  return {
    async exists(schema, table) {
      const result = await control.query('SELECT to_regclass($1) IS NOT NULL AS present', [qualifiedName('postgres', schema, table)]);
      return result.rows[0].present === true;
    },
    async load(load: TableLoad): Promise<number> {
      const { plan, ifExists } = load;
      const client = await connectPostgres(target);
      const target_ = qualifiedName('postgres', plan.schema, plan.table);
      const staging = qualifiedName('postgres', plan.schema, plan.staging);
      const columns = plan.columns.map((c) => quoteName('postgres', c.name)).join(', ');
      try {
        await client.query('BEGIN');
        // The text RDS wrote is PostgreSQL's output under RDS's defaults; read it back under the same.
        await client.query("SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL client_encoding = 'UTF8'");
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteName('postgres', plan.schema)}`);
        await client.query(`DROP TABLE IF EXISTS ${staging}`);
        await client.query(`CREATE TABLE ${staging} (${plan.columns.map((c) => `${quoteName('postgres', c.name)} ${c.type}`).join(', ')})`);
        let loaded = 0;
        for (const file of load.files) loaded += await copyFile(client, `COPY ${staging} (${columns}) FROM STDIN`, file(), load.onRows);
        if (loaded !== plan.rows) {
          throw new RestoreError(
            `${plan.source.name}: loaded ${loaded} rows, but the Parquet footers count ${plan.rows}; nothing was changed (the transaction was rolled back)`,
          );
        }
        const present = (await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [target_])).rows[0].present === true;
        if (present && ifExists === 'fail') throw tableExistsError(`${plan.schema}.${plan.table}`);
        if (present && ifExists === 'append') {
          await client.query(`INSERT INTO ${target_} (${columns}) SELECT ${columns} FROM ${staging}`);
          await client.query(`DROP TABLE ${staging}`);
        } else {
          if (present) await client.query(`DROP TABLE ${target_}`);
          await client.query(`ALTER TABLE ${staging} RENAME TO ${quoteName('postgres', plan.table)}`);
        }
        await client.query('COMMIT');
        return loaded;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        await client.end().catch(() => {});
      }
    },
    async close() {
      await control.end().catch(() => {});
    },
  };
}
