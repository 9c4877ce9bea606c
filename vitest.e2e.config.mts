import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/e2e/**/*.test.ts'],
    // One apply, plan and destroy against moto takes about two minutes on a 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
