import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = dirname(fileURLToPath(import.meta.url));

const TESTS = '__tests__';
const INCLUDE = [`${TESTS}/**/*.test.ts`];
/**
 * Tests of the test support itself (the database launchers, the server pool): they start and stop
 * servers of their own, about a quarter of npm test's time, and check no behaviour of the archive,
 * so they run in `npm run test:deep` (TEST_DEEP=1), which CI runs.
 */
const DEEP_ONLY = [`${TESTS}/support/databases/databases.test.ts`, `${TESTS}/support/server-pool.test.ts`];
const EXCLUDE = [`${TESTS}/e2e/**`, 'node_modules/**', ...(process.env.TEST_DEEP === '1' ? [] : DEEP_ONLY)];

/**
 * Code that changes what test files run in one process would share: mocked modules or SDK
 * clients, a reset module registry, spies, fake timers, the environment, the working folder.
 */
const CHANGES_SHARED_STATE =
  /\bvi\.(mock|doMock|resetModules|stubEnv|stubGlobal|useFakeTimers|spyOn)\b|\bmockClient\(|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|Object\.assign\(process\.env|process\.chdir/;

/** The test files under `dir`, as paths from the project root; e2e is the deploy rehearsal's (vitest.e2e.config.mts). */
function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return path === `${TESTS}/e2e` ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Test files that get a fresh module registry each (the others share one per worker process). */
const ISOLATED = testFiles(TESTS).filter((file) => CHANGES_SHARED_STATE.test(readFileSync(join(ROOT, file), 'utf8')));

export default defineConfig({
  test: {
    // The AWS SDK's notice that its 2027 releases need Node 22 is noise in test output on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Synth tests bundle the handler and run terraform; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest runs one file at a time on two cores (cores - 1). Many slow files wait on other
    // processes (terraform, moto_server, PostgreSQL, MariaDB, esbuild), so three at once finish
    // sooner; four cost more CPU (more servers borrowed at once, modules loaded in more workers)
    // for no shorter run. npm run bench, not a test, measures speed.
    maxWorkers: 3,
    // One pool of moto_server, PostgreSQL and MariaDB servers for the run: each test file that
    // asks gets an empty one of its own (see __tests__/support/server-pool.ts).
    globalSetup: [`${TESTS}/support/global-setup.ts`],
    setupFiles: [`${TESTS}/support/use-server-pool.ts`],
    projects: [
      // Loading the SDK, cdktf and the provider's classes again for each file cost about half the
      // CPU of these files: files that leave the shared state alone share the modules a worker
      // has loaded. A file that mocks, stubs or fakes (CHANGES_SHARED_STATE) runs on its own.
      { extends: true, test: { name: 'shared', include: INCLUDE, exclude: [...EXCLUDE, ...ISOLATED], isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED.length > 0 ? ISOLATED : ['no such file'], exclude: EXCLUDE } },
    ],
  },
});
