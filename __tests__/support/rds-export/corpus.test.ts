// The committed conformance corpus (fixtures/rds-exports/<folder>/ for each export of
// support/rds-export/corpus.ts) is what the emulator writes from real servers today: the test
// regenerates it into a temporary folder and compares keys, metadata, Parquet schemas and values,
// so nobody hand-edits it and a change to the emulator comes with a regenerated corpus
// (node scripts/run-ts.js scripts/make-export-corpus.ts). Sizes are compared with the committed
// files themselves, not with the regenerated ones, so a Parquet writer upgrade that changes bytes
// alone does not fail it.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mariadbMissing, postgresMissing, startMariadb, startPostgres, type TestDatabaseServer } from '../databases';
import { CORPUS, makeExportCorpus } from './corpus';
import { readWrittenExport, type WrittenExport } from './read-export';
import { partSchema, readPartRows } from './read-part';
import { requireTool } from '../tools';
import { EXPORTS_DIR } from '../export-fixtures';

const FIXTURES = EXPORTS_DIR;

/** The metadata without the fields that follow the Parquet files' byte sizes. */
function withoutSizes(written: WrittenExport): unknown {
  const { TotalExtractedDataInGB: _t, ...task } = written.task;
  const { totalExportedDataInGB: _e, ...exportInfo } = written.exportInfo;
  return { task, exportInfo, entries: written.entries.map(({ sizeGB: _s, ...entry }) => entry), keys: written.listing.map((o) => o.key) };
}

async function partsContent(written: WrittenExport): Promise<unknown[]> {
  return Promise.all(
    [...written.parts.entries()].map(async ([key, bytes]) => {
      const { metadata, columns } = partSchema(bytes);
      return { key, schema: [...columns.values()], rowGroups: metadata.row_groups.map((g) => g.num_rows), rows: await readPartRows(bytes) };
    }),
  );
}

describe.runIf(requireTool('conformance corpus (PostgreSQL and MariaDB)', postgresMissing() ?? mariadbMissing()))('the committed RDS export corpus', () => {
  let postgres: TestDatabaseServer;
  let mysql: TestDatabaseServer;
  let regenerated: string;

  beforeAll(async () => {
    postgres = await startPostgres();
    mysql = await startMariadb();
    regenerated = mkdtempSync(join(tmpdir(), 'export-corpus-'));
    await makeExportCorpus(regenerated, { postgres, mysql });
  });

  afterAll(async () => {
    await postgres?.stop();
    await mysql?.stop();
    if (regenerated) rmSync(regenerated, { recursive: true, force: true });
  });

  it.each(CORPUS.map((entry) => entry.folder))('%s holds what the emulator writes from the servers', async (folder) => {
    // Prepare
    const committed = readWrittenExport(join(FIXTURES, folder));
    // Act
    const fresh = readWrittenExport(join(regenerated, folder));
    // Assess
    expect(withoutSizes(committed)).toEqual(withoutSizes(fresh));
    expect(await partsContent(committed)).toEqual(await partsContent(fresh));
    expect(committed.listing.map((o) => [o.key, o.size])).toEqual(committed.listing.map((o) => [o.key, statSync(join(FIXTURES, folder, o.key)).size]));
  });
});
