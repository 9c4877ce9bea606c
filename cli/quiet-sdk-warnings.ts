// Imported first by the CLI's entry. On Node 20 the AWS SDK emits a multi-line notice that its
// releases after January 2027 need Node 22. The README recommends Node 22 already, and the notice
// changes nothing the CLI does, so it is off unless the operator asks for it: the SDK's own switch
// AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is set to "true" when unset or empty (an empty
// value used to slip through and let the notice out). An operator who sets it to anything else
// gets the notice, on stderr, on lines of its own before the command's output: see
// settleStartupWarnings.
const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
if ((process.env[SWITCH] ?? '').trim() === '') process.env[SWITCH] = 'true';

/**
 * Resolves once the warnings queued while the CLI's modules loaded have been printed. The SDK
 * emits its notice when the first client is built (at import) and Node prints warnings on a later
 * tick; running the command after this keeps the notice from landing among the command's output.
 */
export function settleStartupWarnings(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
