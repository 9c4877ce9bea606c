// Writes the conformance corpus (__tests__/fixtures/rds-exports/<folder>/ for each export of
// __tests__/support/rds-export/corpus.ts) from real PostgreSQL 15 and MariaDB servers it starts.
// Usage: node scripts/run-ts.js scripts/make-export-corpus.ts [OUTPUT_ROOT]
// __tests__/fixtures-corpus.test.ts regenerates the corpus and fails when the committed files differ.
import { join } from 'node:path';
import { mariadbMissing, postgresMissing, startMariadb, startPostgres } from '../__tests__/support/databases';
import { makeExportCorpus } from '../__tests__/support/rds-export/corpus';

async function main(): Promise<void> {
  const root = process.argv[2] ?? join(__dirname, '..', '__tests__', 'fixtures', 'rds-exports');
  const missing = postgresMissing() ?? mariadbMissing();
  if (missing !== undefined) throw new Error(`cannot make the corpus: ${missing}`);
  const postgres = await startPostgres();
  try {
    const mysql = await startMariadb();
    try {
      const folders = await makeExportCorpus(root, { postgres, mysql });
      console.log(`wrote ${folders.map((f) => join(root, f)).join(', ')}`);
    } finally {
      await mysql.stop();
    }
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
