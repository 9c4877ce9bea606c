// An HTTP proxy in front of an AWS endpoint (the stub or moto) that, by a seeded draw per request,
// answers some requests itself with throttling, a server error, a connection reset or a delay, so
// retry and failure paths run against real SDK clients and can be replayed from the seed.
import { createServer } from 'node:http';
import { closeServer, forward, listenOnLoopback, readBody } from './http';
import { seededRandom } from './stub-rds';

/** What the proxy does to one request. */
export type FaultKind = 'forward' | 'throttle' | 'server-error' | 'unavailable' | 'reset' | 'delay';

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Base URL requests are forwarded to, e.g. the stub's endpoint. */
  readonly target: string;
  /** Seed of the draws: the same seed gives the same faults in the same order. */
  readonly seed: number;
  /**
   * Share of requests per fault (the rest are forwarded as they are); "delay" forwards late.
   * @default { throttle: 0.1, 'server-error': 0.05, unavailable: 0.05, reset: 0.05, delay: 0.1 }
   */
  readonly rates?: Partial<Record<Exclude<FaultKind, 'forward'>, number>>;
  /**
   * How late a delayed request is forwarded, in milliseconds.
   * @default 200
   */
  readonly delayMs?: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** Base URL to give the SDK as its endpoint. */
  readonly endpoint: string;
  /** Requests per kind of treatment so far. */
  counts(): Readonly<Record<FaultKind, number>>;
  /** The treatment of every request so far, in order. */
  decisions(): readonly FaultKind[];
  /** Stops the proxy and closes its connections. */
  close(): Promise<void>;
}

const DEFAULT_RATES = { throttle: 0.1, 'server-error': 0.05, unavailable: 0.05, reset: 0.05, delay: 0.1 } as const;

// The RDS Query API's error document; SNS and the other Query services use the same shape.
function queryError(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>${code === 'ThrottlingException' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`;
}

/** Starts the proxy on a free port of 127.0.0.1. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed);
  const rates = { ...DEFAULT_RATES, ...options.rates };
  const delayMs = options.delayMs ?? 200;
  const decided: FaultKind[] = [];

  const draw = (): FaultKind => {
    let roll = random();
    for (const [kind, rate] of Object.entries(rates) as Array<[Exclude<FaultKind, 'forward'>, number]>) {
      if (roll < rate) return kind;
      roll -= rate;
    }
    return 'forward';
  };

  const server = createServer((request, response) => {
    const kind = draw();
    decided.push(kind);
    readBody(request)
      .then(async (body) => {
        switch (kind) {
          case 'throttle':
            return void response.writeHead(400, { 'content-type': 'text/xml' }).end(queryError('ThrottlingException', 'Rate exceeded'));
          case 'server-error':
            return void response
              .writeHead(500, { 'content-type': 'text/xml' })
              .end(queryError('InternalFailure', 'The request processing has failed because of an unknown error'));
          case 'unavailable':
            return void response.writeHead(503, { 'content-type': 'text/xml' }).end(queryError('ServiceUnavailable', 'Service is unavailable'));
          case 'reset':
            return void request.socket.destroy();
          case 'delay':
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            return forward(target, request, body, response);
          default:
            return forward(target, request, body, response);
        }
      })
      .catch(() => response.destroy());
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    counts: () => {
      const counts: Record<FaultKind, number> = { forward: 0, throttle: 0, 'server-error': 0, unavailable: 0, reset: 0, delay: 0 };
      for (const kind of decided) counts[kind]++;
      return counts;
    },
    decisions: () => [...decided],
    close: () => closeServer(server),
  };
}
