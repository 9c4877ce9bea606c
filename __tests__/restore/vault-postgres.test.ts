// Restore in the vault account, end to end: a stand-in vault verifier in moto whose settings name
// a vault bucket where two source accounts' exports of an `orders-db` lie under
// `<prefix>/<account>/orders-db/<export id>/` with their manifests; the CLI (as a child process,
// --function naming the verifier) restores the chosen source's table into PostgreSQL. Also what an
// operator gets wrong, through the CLI's exit path: an account that is not a source, and status in
// the vault account (the other refusals are judged in cli/restore-archive.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceArchivePrefix } from '../../handler/contract/archive-layout';
import { postgresMissing, startPostgres, type TestDatabaseServer } from '../support/databases';
import { MOTO_CLIENT_CONFIG, type Moto, startMoto } from '../support/moto';
import { createVaultVerifierFunction, motoVaultEnvironment } from '../support/moto-lambda';
import { motoMissing, requireTool } from '../support/tools';
import { VAULT_SETTING } from '../support/vault';
import { archiveExport, createArchiveBucket } from './support/archive';
import { runArchive } from './support/cli';
import { execute, postgresRows, postgresTables } from './support/tables';

const RUN = requireTool('restore in the vault account', motoMissing() ?? postgresMissing());
const VAULT_BUCKET = 'rds-archive-test-111111111111-us-east-1';
const VERIFIER = 'rds-archive-test-vault-verifier';
const SOURCE = '222222222222';
const OTHER_SOURCE = '444444444444';
const ORDER_COLUMNS = ['id', 'total', 'note'];

describe.runIf(RUN)('restore in the vault account', () => {
  let moto: Moto;
  let server: TestDatabaseServer;
  let sourceShop: string;
  let otherShop: string;
  let configDir: string | undefined;
  const restore = (...argv: string[]) => runArchive(moto.endpoint, ['restore', ...argv, '--function', VERIFIER]);

  beforeAll(async () => {
    [moto, server] = await Promise.all([startMoto(), startPostgres()]);
    const s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await createArchiveBucket(s3, VAULT_BUCKET);
    await createVaultVerifierFunction(
      moto.endpoint,
      VERIFIER,
      motoVaultEnvironment({ archiveBucket: VAULT_BUCKET, archivePrefix: 'exports', sourceAccountIds: [SOURCE, OTHER_SOURCE] }),
    );
    // Two source accounts, each with a database named orders-db, holding different rows.
    [sourceShop, otherShop] = await Promise.all([server.createDatabase('shop'), server.createDatabase('other_shop')]);
    await execute('postgres', sourceShop, [
      'CREATE TABLE orders (id bigint, total numeric(12,2), note text)',
      "INSERT INTO orders SELECT g, g / 4.0, CASE WHEN g % 5 = 0 THEN NULL ELSE 'order ' || g END FROM generate_series(1, 500) g",
    ]);
    await execute('postgres', otherShop, [
      'CREATE TABLE orders (id bigint, total numeric(12,2), note text)',
      "INSERT INTO orders SELECT g, g * 2.5, 'other ' || g FROM generate_series(1001, 1040) g",
    ]);
    for (const [account, database, exportTaskIdentifier] of [
      [SOURCE, 'shop', 'orders-db-2026-11-20-vault-test'],
      [OTHER_SOURCE, 'other_shop', 'orders-db-2026-11-21-vault-test'],
    ] as const) {
      await archiveExport(s3, {
        engine: 'postgres',
        url: server.url,
        database,
        instance: 'orders-db',
        exportTaskIdentifier,
        archive: { bucket: VAULT_BUCKET, prefix: sourceArchivePrefix('exports', account) },
      });
    }
  });

  afterAll(async () => {
    await Promise.all([moto?.stop(), server?.stop()]);
    if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
  });

  it("restores the chosen source account's export from under its prefix of the vault bucket", async () => {
    // Prepare
    const [target, otherTarget] = await Promise.all([server.createDatabase('from_source'), server.createDatabase('from_other_source')]);

    // Act
    const run = await restore('--source-account', SOURCE, '--database', 'orders-db', '--table', 'public.orders', '--to', target);
    const other = await restore('--source-account', OTHER_SOURCE, '--export', 'orders-db-2026-11-21-vault-test', '--all', '--to', otherTarget);

    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`settings from the vault verifier ${VERIFIER}`);
    expect(run.stderr).toContain('restoring 1 table(s) of orders-db-2026-11-20-vault-test (500 rows)');
    expect(await postgresRows(target, 'public.orders', ORDER_COLUMNS)).toEqual(await postgresRows(sourceShop, 'public.orders', ORDER_COLUMNS));
    expect(other.status, other.stderr).toBe(0);
    expect(await postgresRows(otherTarget, 'public.orders', ORDER_COLUMNS)).toEqual(await postgresRows(otherShop, 'public.orders', ORDER_COLUMNS));
  });

  it("looks for an export only under the chosen source: the other source's export is not found there", async () => {
    // Prepare
    const target = await server.createDatabase('wrong_source');

    // Act
    const run = await restore('--source-account', SOURCE, '--export', 'orders-db-2026-11-21-vault-test', '--all', '--to', target);

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(
      `no export "orders-db-2026-11-21-vault-test" in s3://${VAULT_BUCKET}/exports/${SOURCE}: check the identifier (the export folders of each database: aws s3 ls s3://${VAULT_BUCKET}/exports/${SOURCE}/<database>/)`,
    );
    expect(await postgresTables(target)).toEqual([]);
  });

  it("finds the local configuration's vault verifier without --function when no exporter is deployed", async () => {
    // Prepare: a configuration (rds-archive-test) with a vault, whose exporter is not deployed.
    const target = await server.createDatabase('by_configuration');
    configDir = mkdtempSync(join(tmpdir(), 'vault-config-'));
    const configFile = join(configDir, 'archive.config.json');
    writeFileSync(configFile, JSON.stringify({ namePrefix: 'rds-archive', environment: 'test', vault: VAULT_SETTING }));

    // Act
    const run = await runArchive(moto.endpoint, ['restore', '--source-account', SOURCE, '--database', 'orders-db', '--all', '--to', target], {
      RDS_ARCHIVE_CONFIG: configFile,
    });

    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`settings from the vault verifier ${VERIFIER}`);
    expect(await postgresRows(target, 'public.orders', ORDER_COLUMNS)).toEqual(await postgresRows(sourceShop, 'public.orders', ORDER_COLUMNS));
  });

  it('refuses an account that is not a source, naming the sources, and touches no table', async () => {
    // Prepare (the other refusals of --source-account are cli/restore-archive.test.ts's: the same exit path)
    const target = await server.createDatabase('refused');

    // Act
    const unknown = await restore('--source-account', '333333333333', '--database', 'orders-db', '--all', '--to', target);

    // Assess
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      `error: --source-account 333333333333 is not a source account of the vault verifier ${VERIFIER}; its source accounts (SOURCE_ACCOUNT_IDS) are ${SOURCE}, ${OTHER_SOURCE}`,
    );
    expect(await postgresTables(target)).toEqual([]);
  });

  it('fails status in the vault account with one message saying where it runs, not a settings error', async () => {
    // Act (coverage, backfill, verify, catalog and env take the same refusal in cli/archive.ts)
    const status = await runArchive(moto.endpoint, ['status', '--function', VERIFIER]);

    // Assess
    expect(status.status).toBe(2);
    expect(status.stderr.trim()).toBe(
      `error: status runs in a source account (or a single-account deployment), where the exporter is: ${VERIFIER} is the vault verifier, and the vault account has no exporter. In the vault account, restore (npm run archive -- restore --source-account ID ...), Athena queries and doctor run.`,
    );
  });
});
