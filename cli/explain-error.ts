// Turns the errors an operator meets at a terminal (no region, no credentials, an unreachable
// endpoint, a missing permission, an S3 refusal without a body) into one message that says what
// to do (pure). Anything not recognised is left to the caller. The SDK's errors do not say which
// call failed, so recordFailedCalls (the one impure helper here) marks them on their way out.

/** A message for the operator and the exit code that goes with it. */
export interface Explanation {
  readonly message: string;
  readonly exitCode: number;
}

interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AccessDeniedFault',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
]);
const BAD_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
]);

/** The README section that lists the CLI's permissions. */
export const PERMISSIONS_HINT =
  'The README ("Permissions for the CLI") lists what the CLI needs; the stack output operator-policy-arn is a managed policy that grants it: attach it to your role or user.';

function connectionCode(error: ErrorLike): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as ErrorLike).code;
    if (code !== undefined && CONNECTION_CODES.has(code)) return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

/** "User: arn... is not authorized to perform: rds:X on resource: Y" → its parts. */
export function deniedAction(message: string): { principal?: string; action?: string; resource?: string } {
  const principal = /User: (\S+)/.exec(message)?.[1];
  const action = /perform: ([\w-]+:[\w-]+)/.exec(message)?.[1];
  const resource = /on resource: (\S+?)(?:\s|$|,)/.exec(message)?.[1];
  return { principal, action, resource };
}

/**
 * Explains an error thrown while talking to AWS, or returns undefined when it is not one of
 * the operator's setup problems.
 *
 * @param endpoint - the endpoint in use (AWS_ENDPOINT_URL), for the unreachable case
 */
export function explainAwsError(error: unknown, endpoint?: string): Explanation | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (/Region is missing/i.test(message)) {
    return { message: 'no AWS region: set AWS_REGION (or a region in your AWS_PROFILE), or pass --region, e.g. --region eu-west-1', exitCode: 2 };
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return {
      message:
        'no AWS credentials: the AWS SDK looked for them in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), in the shared files (~/.aws/credentials and ~/.aws/config: profiles, SSO, credential_process, web identity) and in the container and instance metadata services, and found none. ' +
        'Set AWS_PROFILE to a configured profile (run "aws sso login --profile NAME" for SSO), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      exitCode: 2,
    };
  }
  if (BAD_CREDENTIALS.has(name)) {
    return {
      message: `AWS rejected the credentials (${name}: ${message}). Refresh them (for SSO: "aws sso login"), or check AWS_PROFILE and the system clock.`,
      exitCode: 2,
    };
  }
  const code = connectionCode(e);
  if (code !== undefined || name === 'TimeoutError') {
    const where = endpoint !== undefined ? endpoint : 'the AWS endpoint';
    const hint =
      endpoint !== undefined ? 'check AWS_ENDPOINT_URL (unset it to reach AWS itself)' : 'check your network, proxy (HTTPS_PROXY) and the region name';
    return { message: `could not reach ${where} (${code ?? name}): ${hint}.`, exitCode: 1 };
  }
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) {
    const { principal, action, resource } = deniedAction(message);
    const who = principal ?? 'your AWS identity';
    const what = action !== undefined ? `${action}${resource !== undefined ? ` on ${resource}` : ''}` : `this call (${message || name})`;
    return { message: `access denied: ${who} may not perform ${what}. ${PERMISSIONS_HINT}`, exitCode: 1 };
  }
  return undefined;
}

/** The call an error came from: the service, the operation and, for S3, where. */
export interface FailedCall {
  readonly service: string;
  /** The operation, e.g. "GetObject". */
  readonly operation: string;
  readonly bucket?: string;
  readonly key?: string;
  readonly prefix?: string;
}

const FAILED_CALL = Symbol('failedCall');
const RECORDING = new WeakSet<object>();

/** An initialize-step middleware, as much of its shape as is used here. */
type InitializeStep = (
  next: (args: { input: unknown }) => Promise<unknown>,
  context: { commandName?: string },
) => (args: { input: unknown }) => Promise<unknown>;

/** Makes every error `client` (any AWS SDK v3 client) throws carry the call it came from (see {@link failedCallOf}); once per client. */
export function recordFailedCalls(client: { readonly middlewareStack: object }, service: string): void {
  if (RECORDING.has(client)) return;
  RECORDING.add(client);
  const stack = client.middlewareStack as { add(middleware: InitializeStep, options: { step: 'initialize'; name: string }): void };
  stack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null && !(FAILED_CALL in error)) {
          const input = (args.input ?? {}) as { Bucket?: string; Key?: string; Prefix?: string };
          const call: FailedCall = {
            service,
            operation: (context.commandName ?? 'call').replace(/Command$/, ''),
            ...(input.Bucket !== undefined ? { bucket: input.Bucket } : {}),
            ...(input.Key !== undefined ? { key: input.Key } : {}),
            ...(input.Prefix !== undefined ? { prefix: input.Prefix } : {}),
          };
          Object.defineProperty(error, FAILED_CALL, { value: call, enumerable: false });
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'recordFailedCall' },
  );
}

/** The call an error came from, when its client records them. */
export function failedCallOf(error: unknown): FailedCall | undefined {
  return typeof error === 'object' && error !== null ? (error as { [FAILED_CALL]?: FailedCall })[FAILED_CALL] : undefined;
}

/** The IAM action S3 authorizes an operation with. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  ListObjectsV2: 's3:ListBucket',
  PutObject: 's3:PutObject',
};

function whereOf(call: FailedCall): string {
  if (call.bucket === undefined) return '';
  const path = call.key ?? call.prefix;
  return ` of s3://${call.bucket}/${path ?? ''}`;
}

/**
 * One line for an error a command met on one item (pure): the operation, where, the HTTP status,
 * and for a refusal what to check. S3 answers some refusals (HEAD requests, and some 403s) with
 * no body, which the SDK reports as "Unknown: UnknownError"; that alone tells the operator nothing.
 */
export function describeCallError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const bodyless = name === 'Unknown' || e.message === 'UnknownError' || e.message === '';
  const answer =
    status === undefined
      ? `${name}: ${e.message ?? String(error)}`
      : bodyless
        ? `HTTP ${status} without an error body`
        : `HTTP ${status}, ${name}: ${e.message}`;
  const call = failedCallOf(error);
  if (call === undefined) return bodyless ? `an AWS call failed (${answer})` : answer;
  const head = `${call.service} ${call.operation}${whereOf(call)} failed (${answer})`;
  if (status === 403) {
    const action = S3_ACTIONS[call.operation] ?? `the ${call.operation} action`;
    return (
      `${head}: check that your AWS identity may ${action} there (the operator policy, stack output operator-policy-arn, grants what the CLI reads), ` +
      `that the bucket policy does not deny it, and that you may use the bucket's KMS key (kms:Decrypt through S3)`
    );
  }
  if (status === 404) return `${head}: it does not exist; check ARCHIVE_BUCKET and ARCHIVE_PREFIX (npm run archive -- env)`;
  return head;
}
