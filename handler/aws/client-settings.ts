// What every AWS client of the handler is created with (rds.ts, s3.ts, glue.ts, notify-sns.ts):
// region, endpoint (AWS_ENDPOINT_URL for an emulator) and credentials come from the SDK's defaults.

/** Attempts per call: five ride out short throttling inside one invocation before a use case calls the snapshot retryable. */
const MAX_ATTEMPTS = 5;

/** How long the HTTP layer waits before it gives up on one attempt. */
export interface ClientTimeouts {
  /** For a connection (TCP and TLS) to open. */
  readonly connectionTimeout: number;
  /** For the next byte of a response (inactivity, not the whole transfer: a long download that flows is not cut). */
  readonly socketTimeout: number;
}

/**
 * An attempt waits at most 3 s to connect and 20 s for the next byte, then fails with TimeoutError,
 * which the SDK retries. Without them a stalled connection holds the invocation until the
 * function's 300 s timeout kills it (this SDK version sets no socket timeout of its own unless
 * AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026 is set, and then 900 s): a reconciliation would die
 * without its heartbeat.
 */
export const HANDLER_TIMEOUTS: ClientTimeouts = { connectionTimeout: 3_000, socketTimeout: 20_000 };

/**
 * The settings of a handler client. Passing the HTTP handler's options (not leaving them to the
 * SDK) also spares each client reading ~/.aws/config for its defaults mode when it is created.
 */
export function handlerClientSettings(timeouts: ClientTimeouts = HANDLER_TIMEOUTS, maxAttempts: number = MAX_ATTEMPTS) {
  return { maxAttempts, requestHandler: { ...timeouts } };
}
