import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two entries: deploy-rehearsal.test.ts (the single-account stack) and vault-rehearsal.test.ts
    // (a vault and a source account). Each entry's subjects (rehearsal/*.ts, not test files
    // themselves) share one apply and one destroy of its stacks; the entries run one after the other.
    include: ['__tests__/e2e/**/*.test.ts'],
    // One apply, plan and destroy against moto takes about two minutes on a 2-core machine.
    // The AWS SDK's notice that its 2027 releases need Node 22 is noise in test output on Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
