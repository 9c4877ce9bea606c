import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    exclude: ['__tests__/e2e/**', 'node_modules/**'],
    // Synth tests bundle the handler and run terraform; give them room on a 2-core machine.
    // The AWS SDK's notice that its 2027 releases need Node 22 is noise in test output on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 120_000,
    // Vitest runs one file at a time on two cores (cores - 1). Most slow files wait on other
    // processes (terraform, moto_server, PostgreSQL, MariaDB, esbuild), so four at once finish
    // sooner; npm run bench, not a test, measures speed.
    maxWorkers: 4,
    hookTimeout: 120_000,
    // One pool of moto_server, PostgreSQL and MariaDB servers for the run: each test file that
    // asks gets an empty one of its own (see __tests__/support/server-pool.ts).
    globalSetup: ['__tests__/support/global-setup.ts'],
    setupFiles: ['__tests__/support/use-server-pool.ts'],
  },
});
