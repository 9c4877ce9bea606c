// Types for aws-sdk-client-mock-vitest's matchers. The package declares them behind its
// "./extend" export, which this CommonJS project's module resolution does not read.
import type { CustomMatcher } from 'aws-sdk-client-mock-vitest/dist/matcher.js';

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers<T = any>; the augmentation must match it
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
