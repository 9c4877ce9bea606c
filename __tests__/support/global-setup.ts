// vitest.config.mts's global setup: the run's pool of test servers (server-pool-host.ts), whose
// address the test files get through provide/inject (use-server-pool.ts). Nothing starts until a
// file asks, so a run without server tests starts none.
import type { TestProject } from 'vitest/node';
import { startServerPool } from './server-pool-host';
import { SERVER_POOL_KEY } from './server-pool';

declare module 'vitest' {
  export interface ProvidedContext {
    [SERVER_POOL_KEY]: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pool = await startServerPool();
  project.provide(SERVER_POOL_KEY, pool.address);
  return () => pool.close();
}
