// The handler's clients give up on a stalled connection instead of holding the invocation: the
// SDK honours the HTTP options of handlerClientSettings, the attempt fails with TimeoutError, and
// the exporter's classifier calls that retryable. A local server that accepts connections and
// never answers stands in for a stalled AWS endpoint.
import { createServer, type Server, type Socket } from 'node:net';
import { DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../handler/aws';
import { HANDLER_TIMEOUTS, handlerClientSettings } from '../../../handler/aws/client-settings';
import { HANDLER_FUNCTION_SIZE } from '../../../stacks/exporter-function';

describe('handler client settings', () => {
  let server: Server;
  const held: Socket[] = [];
  let endpoint: string;

  beforeAll(async () => {
    server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    endpoint = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails an attempt that receives nothing within the socket timeout, as a retryable TimeoutError', async () => {
    // Prepare: the handler's settings with a short wait and one attempt, so the test does not take 30 s.
    const client = new RDSClient({
      ...handlerClientSettings({ ...HANDLER_TIMEOUTS, socketTimeout: 300 }, 1),
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });

    // Act
    const error = await client.send(new DescribeDBSnapshotsCommand({})).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(classifyAwsError(error).errorClass).toBe('retryable');
    expect(held.length).toBeGreaterThan(0);
  });

  it("gives up on a stalled call, all attempts included, well inside the function's timeout", () => {
    const { maxAttempts, requestHandler } = handlerClientSettings();
    const worstCallMs = maxAttempts * (requestHandler.connectionTimeout + requestHandler.socketTimeout);
    expect(worstCallMs).toBeLessThan((HANDLER_FUNCTION_SIZE.timeout * 1000) / 2);
  });
});
