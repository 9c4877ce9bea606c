// The test server pool lends each borrower a server of its own, and a server given back comes to
// the next borrower as empty as a new one: no database, role, account, table or AWS resource a
// test made is left. A pool of this file's own (not the run's) is used, so that the server given
// back is the one lent next.
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mariadbMissing, postgresMissing, startMariadb, startPostgres } from './databases';
import { MOTO_CLIENT_CONFIG, startMoto } from './moto';
import { SERVER_POOL_KEY, useServerPool } from './server-pool';
import { type ServerPoolHost, startServerPool } from './server-pool-host';
import { motoMissing, requireTool } from './tools';

async function pgRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function mysqlRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query(sql);
    return rows as Record<string, unknown>[];
  } finally {
    await connection.end();
  }
}

describe('the test server pool', () => {
  let pool: ServerPoolHost;
  let lentPostgres: string | undefined;
  beforeAll(async () => {
    pool = await startServerPool();
    useServerPool(pool.address);
  });
  afterAll(async () => {
    useServerPool(inject(SERVER_POOL_KEY));
    await pool?.close();
  });

  describe.runIf(requireTool('test server pool: moto', motoMissing()))('moto_server', () => {
    it('lends a server to one borrower at a time, and the next borrower finds none of the last one’s buckets', async () => {
      // Prepare
      const first = await startMoto();
      const s3 = (endpoint: string) => new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint, forcePathStyle: true });
      await s3(first.endpoint).send(new CreateBucketCommand({ Bucket: 'left-behind' }));

      // Act
      const meanwhile = await startMoto();
      await first.stop();
      await meanwhile.stop();
      const next = await startMoto();
      const buckets = await s3(next.endpoint).send(new ListBucketsCommand({}));
      await next.stop();

      // Assess
      expect(meanwhile.endpoint).not.toBe(first.endpoint);
      expect(next.endpoint).toBe(first.endpoint);
      expect(buckets.Buckets ?? []).toEqual([]);
    });
  });

  describe.runIf(requireTool('test server pool: PostgreSQL', postgresMissing()))('PostgreSQL', () => {
    it('empties a server given back: no database, table or role a borrower made is left', async () => {
      // Prepare
      const first = await startPostgres();
      await first.createDatabase('left behind');
      await pgRows(first.url, 'CREATE TABLE kept (v int); CREATE ROLE someone LOGIN');
      const connected = new Client({ connectionString: first.url });
      await connected.connect();
      connected.on('error', () => undefined);

      // Act
      await first.stop();
      const next = await startPostgres();
      const databases = await pgRows(next.url, 'SELECT datname FROM pg_database ORDER BY datname');
      const tables = await pgRows(next.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      const roles = await pgRows(next.url, "SELECT rolname FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%'");
      await next.stop();
      await connected.end().catch(() => undefined);

      // Assess
      lentPostgres = next.url;
      expect(next.port).toBe(first.port);
      expect(databases).toEqual([{ datname: 'postgres' }, { datname: 'template0' }, { datname: 'template1' }]);
      expect(tables).toEqual([]);
      expect(roles).toEqual([{ rolname: 'postgres' }]);
    });
  });

  describe.runIf(requireTool('test server pool: MariaDB', mariadbMissing()))('MariaDB', () => {
    it('empties a server given back: no database, account or mysql table a borrower made is left', async () => {
      // Prepare
      const first = await startMariadb();
      const before = await mysqlRows(first.url, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY name');
      await first.createDatabase('left behind');
      await mysqlRows(first.url, 'CREATE TABLE mysql.kept (v INT)');
      await mysqlRows(first.url, "CREATE USER 'someone'@'%'");

      // Act
      await first.stop();
      const next = await startMariadb();
      const databases = await mysqlRows(next.url, 'SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY name');
      const tables = await mysqlRows(next.url, "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME = 'kept'");
      const users = await mysqlRows(next.url, "SELECT User AS name FROM mysql.global_priv WHERE User = 'someone'");
      await next.stop();

      // Assess
      expect(next.port).toBe(first.port);
      expect(databases).toEqual(before);
      expect(tables).toEqual([]);
      expect(users).toEqual([]);
    });
  });

  it.runIf(postgresMissing() === undefined)('stops the servers it started when the run ends', async () => {
    // Act
    await pool.close();

    // Assess
    expect(lentPostgres).toBeDefined();
    await expect(pgRows(lentPostgres!, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
