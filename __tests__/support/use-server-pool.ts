// vitest.config.mts's setup file, run in each test file's context: tells server-pool.ts where
// the run's pool answers, so startMoto(), startPostgres() and startMariadb() borrow from it.
import { inject } from 'vitest';
import { SERVER_POOL_KEY, useServerPool } from './server-pool';

useServerPool(inject(SERVER_POOL_KEY));
