// Handler throughput for the benchmark: the bundled handler, loaded in this process, handles
// snapshot-created events one invocation at a time, as SNS delivers them, against a stub RDS
// endpoint on 127.0.0.1 that answers DescribeDB(Cluster)Snapshots and StartExportTask at once.
// What is measured is the handler and the SDK (parsing, signing, serializing), not the network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:rds-archive-bench-snapshot-events`;

function xmlResponse(action: string, result: string): string {
  return `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></${action}Response>`;
}

function answer(body: string): string {
  const params = new URLSearchParams(body);
  const action = params.get('Action') ?? '';
  switch (action) {
    case 'DescribeDBSnapshots': {
      const id = params.get('DBSnapshotIdentifier') ?? 'unknown';
      return xmlResponse(
        action,
        `<DBSnapshots><DBSnapshot><DBSnapshotIdentifier>${id}</DBSnapshotIdentifier><DBInstanceIdentifier>orders-db</DBInstanceIdentifier><Engine>postgres</Engine><SnapshotType>manual</SnapshotType><Status>available</Status><DBSnapshotArn>arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:${id}</DBSnapshotArn></DBSnapshot></DBSnapshots>`,
      );
    }
    case 'DescribeDBClusterSnapshots': {
      const id = params.get('DBClusterSnapshotIdentifier') ?? 'unknown';
      return xmlResponse(
        action,
        `<DBClusterSnapshots><DBClusterSnapshot><DBClusterSnapshotIdentifier>${id}</DBClusterSnapshotIdentifier><DBClusterIdentifier>ledger</DBClusterIdentifier><Engine>aurora-postgresql</Engine><EngineMode>provisioned</EngineMode><SnapshotType>manual</SnapshotType><Status>available</Status><DBClusterSnapshotArn>arn:aws:rds:${REGION}:${ACCOUNT}:cluster-snapshot:${id}</DBClusterSnapshotArn></DBClusterSnapshot></DBClusterSnapshots>`,
      );
    }
    case 'StartExportTask':
      return xmlResponse(
        action,
        `<ExportTaskIdentifier>${params.get('ExportTaskIdentifier') ?? ''}</ExportTaskIdentifier><SourceArn>${params.get('SourceArn') ?? ''}</SourceArn><Status>STARTING</Status><PercentProgress>0</PercentProgress>`,
      );
    case 'DescribeExportTasks':
      return xmlResponse(action, '<ExportTasks></ExportTasks>');
    default:
      throw new Error(`the benchmark's stub RDS endpoint does not answer ${action || 'this request'}`);
  }
}

function startStub(): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const xml = answer(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
      } catch (error) {
        response
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(`<ErrorResponse><Error><Code>Stub</Code><Message>${(error as Error).message}</Message></Error></ErrorResponse>`);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** An SNS event carrying one manual snapshot-created notification, as RDS and SNS send it. */
function snapshotCreatedEvent(index: number): unknown {
  const id = `bench-snapshot-${index}`;
  const message = {
    'Event Source': 'db-snapshot',
    'Event Time': '2026-11-25 01:00:00.000',
    'Identifier Link': `https://console.aws.amazon.com/rds/home?region=${REGION}#snapshot:id=${id}`,
    'Source ID': id,
    'Source ARN': `arn:aws:rds:${REGION}:${ACCOUNT}:snapshot:${id}`,
    'Event ID': 'http://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0042',
    'Event Message': 'Manual snapshot created',
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:bench`,
        Sns: {
          Type: 'Notification',
          MessageId: `bench-${index}`,
          TopicArn: TOPIC_ARN,
          Subject: 'RDS Notification Message',
          Message: JSON.stringify(message),
          Timestamp: '2026-11-25T01:00:00.000Z',
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Result of the throughput measurement. */
export interface ThroughputResult {
  readonly events: number;
  readonly runs: number;
  readonly eventsPerSecond: number;
}

/** Loads the bundle at `bundlePath` and measures events per second; the median of `runs` runs. */
export async function measureHandlerThroughput(bundlePath: string, options: { events: number; runs: number }): Promise<ThroughputResult> {
  const server = await startStub();
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    ARCHIVE_BUCKET: 'rds-archive-bench',
    EXPORT_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/rds-archive-bench-export`,
    EXPORT_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    ARCHIVE_PREFIX: 'exports',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(bundlePath) as { handler: (event: unknown) => Promise<unknown> };
  const log = console.log;
  const rates: number[] = [];
  try {
    console.log = () => undefined; // the handler logs a line per decision
    for (let run = 0; run <= options.runs; run++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < options.events; i++) await handler(snapshotCreatedEvent(run * options.events + i));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (run > 0) rates.push(options.events / seconds); // run 0 warms up
    }
  } finally {
    console.log = log;
    server.close();
  }
  rates.sort((a, b) => a - b);
  return { events: options.events, runs: options.runs, eventsPerSecond: rates[Math.floor(rates.length / 2)]! };
}
