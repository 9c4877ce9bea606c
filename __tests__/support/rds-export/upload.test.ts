// uploadRdsExport puts an emulated export into a bucket (moto) at the keys RDS would write.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresMissing, startPostgres, type TestDatabaseServer } from '../databases';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../moto';
import { motoMissing, requireTool } from '../tools';
import { uploadRdsExport, writeRdsExport } from './index';

describe.runIf(requireTool('RDS export upload (PostgreSQL and moto_server)', postgresMissing() ?? motoMissing()))('uploadRdsExport', () => {
  let server: TestDatabaseServer;
  let moto: Moto;
  let outDir: string;

  beforeAll(async () => {
    [server, moto] = await Promise.all([startPostgres(), startMoto()]);
    outDir = mkdtempSync(join(tmpdir(), 'rds-export-upload-'));
  });

  afterAll(async () => {
    await Promise.all([server?.stop(), moto?.stop()]);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("puts every object of the export at its key, with the export's sizes", async () => {
    // Prepare
    const url = await server.createDatabase('tiny');
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE t (id integer, name text)');
    await client.query("INSERT INTO t VALUES (1, 'a'), (2, NULL)");
    await client.end();
    const { keys } = await writeRdsExport({
      engine: 'postgres',
      url: server.url,
      database: 'tiny',
      exportTaskIdentifier: 'tiny-1',
      s3Prefix: 'exports/tiny',
      outDir,
    });
    const s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'archive' }));
    // Act
    await uploadRdsExport(s3, 'archive', outDir, keys);
    // Assess
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: 'exports/tiny/tiny-1/' }));
    expect((listed.Contents ?? []).map((o) => ({ key: o.Key, size: o.Size })).sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(
      [...keys].sort((a, b) => a.key.localeCompare(b.key)),
    );
  });
});
