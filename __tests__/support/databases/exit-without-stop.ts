// Run by databases.test.ts as a separate process: starts a server, prints where it listens and
// its URL, and exits without calling stop(), as a crashed test run would.
import { launchMariadb, launchPostgres } from './index';

async function main(): Promise<void> {
  const server = process.argv[2] === 'mariadb' ? await launchMariadb() : await launchPostgres();
  console.log(JSON.stringify({ url: server.url }));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
