// backfill's summary counts the starts that failed: RDS (moto) behind a proxy that refuses the
// start of one snapshot's export as RDS does when the export role lacks a permission.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, forward, listenOnLoopback, readBody } from '../support/http';
import { type Moto, startMoto } from '../support/moto';
import { createExporterFunction, motoExporterEnvironment } from '../support/moto-lambda';
import { createInstanceSnapshot, motoProcessEnv, motoRds } from '../support/moto-rds';
import { PROJECT_ROOT } from '../support/paths';
import { motoMissing, requireTool } from '../support/tools';

const runs = requireTool('backfill summary against moto', motoMissing());
const FUNCTION_NAME = 'rds-archive-test-exporter';

/** RDS's error document for a refused StartExportTask. */
const REFUSED_START =
  '<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>IamRoleMissingPermissions</Code>' +
  '<Message>The IAM Role arn:aws:iam::123456789012:role/rds-archive-test-export is missing permissions</Message></Error><RequestId>refused</RequestId></ErrorResponse>';

describe.runIf(runs)('backfill summary', () => {
  let moto: Moto;
  let proxy: Server;
  let proxyEndpoint: string;
  beforeAll(async () => {
    moto = await startMoto();
    await createExporterFunction(moto.endpoint, FUNCTION_NAME, motoExporterEnvironment());
    const rds = motoRds(moto.endpoint);
    await createInstanceSnapshot(rds, 'orders', 'orders-snap-1');
    await createInstanceSnapshot(rds, 'inventory', 'inventory-snap-1');
    const target = new URL(moto.endpoint);
    // Forwards everything to moto but the start of the inventory snapshot's export.
    proxy = createServer((request, response) => {
      void readBody(request).then((body) => {
        const text = body.toString();
        if (text.includes('Action=StartExportTask') && text.includes('inventory-snap-1')) {
          response.writeHead(400, { 'content-type': 'text/xml' }).end(REFUSED_START);
          return;
        }
        forward(target, request, body, response);
      });
    });
    proxyEndpoint = await listenOnLoopback(proxy);
  }, 60_000);
  afterAll(async () => {
    if (proxy !== undefined) await closeServer(proxy);
    await moto?.stop();
  });

  it('says how many starts failed, beside how many started, and exits 1', async () => {
    // Act: asynchronously, since the proxy lives in this process and must answer.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['scripts/run-ts.js', 'cli/main.ts', 'backfill', '--since', '1d', '--function', FUNCTION_NAME],
        { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000, env: motoProcessEnv(proxyEndpoint, {}) },
        (error, stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });

    // Assess
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^failed {7}arn:aws:rds:us-east-1:123456789012:snapshot:inventory-snap-1: .*IamRoleMissingPermissions/m);
    expect(run.stdout).toMatch(/^started 1 of 2 snapshot\(s\) since \S+, 1 failed to start; 0 already exported/m);
  });
});
