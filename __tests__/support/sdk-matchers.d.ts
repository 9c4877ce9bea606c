// Types for aws-sdk-client-mock-vitest's matchers. The package declares them behind its
// "./extend" export, which this CommonJS project's module resolution does not read.
import type { CustomMatcher } from 'aws-sdk-client-mock-vitest/dist/matcher.js';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends CustomMatcher<T> {}
}
