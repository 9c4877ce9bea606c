// The recording of completed exports, loaded on first use. It brings the S3 and Glue clients,
// about half of the handler's code, which a snapshot event (the common invocation) never needs:
// the Lambda zip holds it as a second file beside index.js (stacks/bundle.ts).
import type * as RecordExport from './record-export';

// A name the bundler leaves alone: at run time it is the bundled file beside index.js; from the
// sources (tests, the CLI) it resolves to record-export.ts.
const RECORDER_MODULE = './record-export';

/** The record-export module, loaded once, when an export has completed. */
export function recorder(): Promise<typeof RecordExport> {
  return import(RECORDER_MODULE) as Promise<typeof RecordExport>;
}
