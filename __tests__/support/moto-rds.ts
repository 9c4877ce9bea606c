// Builds RDS fixtures in moto and runs the bundled handler against it in a child process.
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeExportTasksCommand,
  RDSClient,
  type ExportTask,
} from '@aws-sdk/client-rds';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeHandlerFiles } from '../../stacks/bundle';
import { MOTO_CLIENT_CONFIG } from './moto';

// Defined with the other events the exporter receives; re-exported for the moto tests that take it from here.
export { scheduledEvent } from './exporter-events';

/** An RDS client for moto at `endpoint`. */
export function motoRds(endpoint: string): RDSClient {
  return new RDSClient({ ...MOTO_CLIENT_CONFIG, endpoint });
}

/** Creates a postgres instance and a manual snapshot of it; returns the snapshot's ARN. */
export async function createInstanceSnapshot(rds: RDSClient, database: string, snapshot: string): Promise<string> {
  await rds
    .send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: database,
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'archive',
        MasterUserPassword: 'not-a-secret-1',
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'DBInstanceAlreadyExistsFault') throw error;
    });
  const out = await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: database, DBSnapshotIdentifier: snapshot }));
  return out.DBSnapshot!.DBSnapshotArn!;
}

/** Creates an Aurora PostgreSQL cluster and a manual cluster snapshot; returns the snapshot's ARN. */
export async function createClusterSnapshot(rds: RDSClient, cluster: string, snapshot: string): Promise<string> {
  await rds
    .send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: cluster,
        Engine: 'aurora-postgresql',
        MasterUsername: 'archive',
        MasterUserPassword: 'not-a-secret-1',
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'DBClusterAlreadyExistsFault') throw error;
    });
  const out = await rds.send(new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: cluster, DBClusterSnapshotIdentifier: snapshot }));
  return out.DBClusterSnapshot!.DBClusterSnapshotArn!;
}

/** Every export task moto holds (moto ignores the SourceArn filter, so filter here). */
export async function exportTasksOf(rds: RDSClient, sourceArn?: string): Promise<ExportTask[]> {
  const out = await rds.send(new DescribeExportTasksCommand({}));
  return (out.ExportTasks ?? []).filter((t) => sourceArn === undefined || t.SourceArn === sourceArn);
}

let bundlePath: string | undefined;

/** Writes the real bundle (as deployed) once and returns its path. */
export function builtHandler(): string {
  if (bundlePath === undefined) {
    bundlePath = writeHandlerFiles(mkdtempSync(path.join(tmpdir(), 'handler-bundle-')));
  }
  return bundlePath;
}

/** What a run of the bundled handler did. */
export interface HandlerRun {
  readonly ok: boolean;
  readonly error?: string;
  readonly logs: Array<Record<string, unknown>>;
}

/** Environment for a child process whose AWS clients talk to moto, plus `extra`. */
export function motoProcessEnv(endpoint: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_NO_WARNINGS: '1',
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_CLIENT_CONFIG.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
    ...extra,
  };
}

/** Runs the bundled handler in a fresh node process, as Lambda would, with `env` and moto's endpoint. */
export function runHandler(endpoint: string, env: Record<string, string>, event: unknown): HandlerRun {
  const script = `require(${JSON.stringify(builtHandler())}).handler(JSON.parse(process.env.HANDLER_EVENT)).then(() => process.exit(0), (e) => { console.error('HANDLER_ERROR ' + e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: motoProcessEnv(endpoint, { ...env, HANDLER_EVENT: JSON.stringify(event) }),
  });
  const logs = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const error = /HANDLER_ERROR (.*)/.exec(result.stderr)?.[1];
  if (result.status !== 0 && error === undefined) throw new Error(`the handler process failed:\n${result.stderr}`);
  return { ok: result.status === 0, error, logs };
}
