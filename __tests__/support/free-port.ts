// A free TCP port on the loopback interface, for servers the tests start (moto, databases).
import { createServer } from 'node:net';

/** Asks the kernel for a free port on 127.0.0.1 and releases it for the caller's server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
