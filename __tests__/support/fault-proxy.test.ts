// The fault proxy in front of the stub RDS endpoint, seen through the real SDK client: what it
// forwards arrives, what it fakes looks to the SDK like RDS's own faults, and a seed replays it.
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './fault-proxy';
import { startStubRds, stubSnapshotArn, type StubRds } from './stub-rds';

const IDENTIFIER = 'billing-before-migration';
const NO_FAULTS = { throttle: 0, 'server-error': 0, unavailable: 0, reset: 0, delay: 0 } as const;

describe('fault proxy', () => {
  let stub: StubRds;
  const proxies: FaultProxy[] = [];

  beforeAll(async () => {
    stub = await startStubRds();
    stub.addSnapshots([
      {
        kind: 'instance',
        identifier: IDENTIFIER,
        arn: stubSnapshotArn('instance', IDENTIFIER),
        databaseIdentifier: 'billing',
        engine: 'postgres',
        snapshotType: 'manual',
        status: 'available',
        createdAt: new Date('2026-11-20T03:00:00Z'),
      },
    ]);
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    stub.resetCalls();
  });
  afterAll(async () => stub.close());

  async function proxy(options: Omit<FaultProxyOptions, 'target'>): Promise<FaultProxy> {
    const started = await startFaultProxy({ target: stub.endpoint, ...options });
    proxies.push(started);
    return started;
  }

  function client(endpoint: string): RDSClient {
    return new RDSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  }

  const describeSnapshot = (endpoint: string) => client(endpoint).send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: IDENTIFIER }));

  it('forwards requests to the target unchanged when no fault is drawn', async () => {
    // Prepare
    const faults = await proxy({ seed: 1, rates: NO_FAULTS });

    // Act
    const out = await describeSnapshot(faults.endpoint);

    // Assess
    expect(out.DBSnapshots?.map((s) => s.DBSnapshotArn)).toEqual([stubSnapshotArn('instance', IDENTIFIER)]);
    expect(faults.counts().forward).toBe(1);
    expect(stub.callCounts()).toEqual({ DescribeDBSnapshots: 1 });
  });

  it.each([
    ['throttle', 'ThrottlingException', 400],
    ['server-error', 'InternalFailure', 500],
    ['unavailable', 'ServiceUnavailable', 503],
  ] as const)('answers a drawn %s itself, as the SDK error %s (HTTP %d), without reaching the target', async (kind, name, status) => {
    // Prepare
    const faults = await proxy({ seed: 2, rates: { ...NO_FAULTS, [kind]: 1 } });

    // Act
    const error = (await describeSnapshot(faults.endpoint).catch((e: unknown) => e)) as { name?: string; $metadata?: { httpStatusCode?: number } };

    // Assess
    expect(error.name).toBe(name);
    expect(error.$metadata?.httpStatusCode).toBe(status);
    expect(faults.counts()[kind]).toBe(1);
    expect(stub.callCounts()).toEqual({});
  });

  it('resets the connection on a drawn reset, which the SDK reports as a network error', async () => {
    // Prepare
    const faults = await proxy({ seed: 3, rates: { ...NO_FAULTS, reset: 1 } });

    // Act
    const error = (await describeSnapshot(faults.endpoint).catch((e: unknown) => e)) as { code?: string; $metadata?: { httpStatusCode?: number } };

    // Assess
    expect(error.code).toBe('ECONNRESET');
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(stub.callCounts()).toEqual({});
  });

  it('forwards a delayed request after the delay', async () => {
    // Prepare
    const faults = await proxy({ seed: 4, rates: { ...NO_FAULTS, delay: 1 }, delayMs: 5 });

    // Act
    const out = await describeSnapshot(faults.endpoint);

    // Assess
    expect(out.DBSnapshots).toHaveLength(1);
    expect(faults.counts()).toMatchObject({ delay: 1, forward: 0 });
    expect(stub.callCounts()).toEqual({ DescribeDBSnapshots: 1 });
  });

  it('draws the same faults in the same order for the same seed, and other faults for another seed', async () => {
    // Prepare
    const rates = { throttle: 0.2, 'server-error': 0.1, unavailable: 0.1, reset: 0.1, delay: 0 };
    const [first, second, other] = await Promise.all([proxy({ seed: 42, rates }), proxy({ seed: 42, rates }), proxy({ seed: 43, rates })]);

    // Act
    for (const faults of [first!, second!, other!]) {
      for (let i = 0; i < 40; i++) await describeSnapshot(faults.endpoint).catch(() => undefined);
    }

    // Assess
    expect(second!.decisions()).toEqual(first!.decisions());
    expect(other!.decisions()).not.toEqual(first!.decisions());
    expect(new Set(first!.decisions())).toEqual(new Set(['forward', 'throttle', 'server-error', 'unavailable', 'reset']));
  });
});
