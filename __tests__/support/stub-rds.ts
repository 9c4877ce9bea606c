// An in-process stand-in for the RDS Query API (and SNS Publish) on 127.0.0.1: an in-memory
// account of snapshots and export tasks that tests seed and inspect, answered the way RDS answers
// (XML, Marker paging, MaxRecords 20-100, Filters, its fault codes), with a latency per call and
// call counters, so the handler's and the reconciler's AWS traffic can be counted and checked.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A snapshot in the stub's account: an instance snapshot or an Aurora cluster snapshot. */
export interface StubSnapshot {
  readonly kind: 'instance' | 'cluster';
  readonly identifier: string;
  readonly arn: string;
  /** The DB instance or cluster identifier. */
  readonly databaseIdentifier: string;
  readonly engine: string;
  /** Cluster snapshots: "serverless" is Aurora Serverless v1, which RDS cannot export. */
  readonly engineMode?: string;
  /** Instance snapshots: "standard" is magnetic storage, which RDS cannot export. */
  readonly storageType?: string;
  readonly snapshotType: 'automated' | 'manual' | 'awsbackup' | 'shared' | 'public';
  /** "available" once RDS finished the snapshot; "creating" before. */
  readonly status: string;
  readonly createdAt: Date;
}

/** Export task states as RDS reports them. */
export type StubExportStatus = 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELING' | 'CANCELED' | 'FAILED';

/** An export task in the stub's account. */
export interface StubExportTask {
  readonly identifier: string;
  readonly sourceArn: string;
  readonly status: StubExportStatus;
  readonly s3Bucket: string;
  readonly s3Prefix: string;
  readonly iamRoleArn: string;
  readonly kmsKeyId: string;
  readonly exportOnly: readonly string[];
  readonly startedAt: Date;
  /** Finished tasks: how much RDS extracted. */
  readonly extractedGb?: number;
  readonly failureCause?: string;
}

/** One StartExportTask request as the stub received it, and what it answered. */
export interface StartExportRecord {
  readonly exportTaskIdentifier: string;
  readonly sourceArn: string;
  readonly s3Bucket: string;
  readonly s3Prefix: string;
  readonly iamRoleArn: string;
  readonly kmsKeyId: string;
  readonly exportOnly: readonly string[];
  /** "started", or the RDS error code the stub answered with. */
  readonly outcome: string;
}

/** One SNS Publish request as the stub received it. */
export interface PublishRecord {
  readonly topicArn: string;
  readonly subject: string;
  readonly message: string;
}

/** Options of {@link startStubRds}. */
export interface StubRdsOptions {
  /**
   * Milliseconds every call waits before it is answered, like a real endpoint's round trip.
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Exports that may run at once before StartExportTask answers the quota fault (RDS's default quota).
   * @default 5
   */
  readonly maxRunningExports?: number;
}

/**
 * The code the stub answers when the running-export quota is full. RDS does not document it; the
 * handler classifies any name with "LimitReached" as the quota, and its own tests use this name.
 */
export const EXPORT_QUOTA_FAULT = 'ExportTaskLimitReachedFault';

/** A running stub: its endpoint, its account, and what it was asked. */
export interface StubRds {
  /** Base URL, e.g. http://127.0.0.1:41234: the SDK's endpoint (AWS_ENDPOINT_URL) for RDS and SNS. */
  readonly endpoint: string;
  /** Milliseconds each call waits before it is answered; may be changed between calls. */
  latencyMs: number;
  /** Adds snapshots to the account (an identifier already there for that kind is replaced). */
  addSnapshots(snapshots: readonly StubSnapshot[]): void;
  /** Adds export tasks to the account (an identifier already there is replaced). */
  addExportTasks(tasks: readonly StubExportTask[]): void;
  /** Removes every export task (snapshots stay). */
  clearExportTasks(): void;
  /** The snapshot with this ARN, if the account has it. */
  snapshotByArn(arn: string): StubSnapshot | undefined;
  /** Every export task, in the order they were added or started. */
  exportTasks(): readonly StubExportTask[];
  /** Calls per action since the start or the last {@link StubRds.resetCalls}, e.g. { DescribeDBSnapshots: 3 }. */
  callCounts(): Readonly<Record<string, number>>;
  /** Every StartExportTask request since the start or the last {@link StubRds.resetCalls}. */
  startRequests(): readonly StartExportRecord[];
  /** Every SNS Publish request since the start or the last {@link StubRds.resetCalls}. */
  publishes(): readonly PublishRecord[];
  /** Zeroes the call counters and forgets the recorded requests. */
  resetCalls(): void;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
const SNS_NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';
const RUNNING: ReadonlySet<StubExportStatus> = new Set(['STARTING', 'IN_PROGRESS', 'CANCELING']);
// RDS lists only these when the request names no SnapshotType.
const DEFAULT_SNAPSHOT_TYPES: ReadonlySet<string> = new Set(['automated', 'manual']);

/** An RDS fault: the stub answers it as RDS's XML error document. */
class RdsFault extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Whether RDS can export this snapshot at all (engine, mode, storage), whatever its status. */
export function engineExportable(snapshot: StubSnapshot): boolean {
  const engine = snapshot.engine.toLowerCase();
  if (['sqlserver', 'oracle', 'db2', 'custom-'].some((prefix) => engine.startsWith(prefix))) return false;
  if (snapshot.engineMode?.toLowerCase() === 'serverless') return false;
  return snapshot.storageType?.toLowerCase() !== 'standard';
}

/** The ARN RDS gives a snapshot. */
export function stubSnapshotArn(kind: StubSnapshot['kind'], identifier: string, region = 'us-east-1', account = '123456789012'): string {
  return `arn:aws:rds:${region}:${account}:${kind === 'cluster' ? 'cluster-snapshot' : 'snapshot'}:${identifier}`;
}

// Characters XML 1.0 cannot carry even escaped; fuzzed identifiers echoed in messages may hold them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern names the control characters XML allows
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function element(name: string, value: string | number | Date | undefined): string {
  if (value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `<${name}>${xml(text)}</${name}>`;
}

function snapshotXml(s: StubSnapshot): string {
  const common =
    element('Engine', s.engine) +
    element('SnapshotType', s.snapshotType) +
    element('Status', s.status) +
    element('SnapshotCreateTime', s.createdAt) +
    element('PercentProgress', s.status === 'available' ? 100 : 40);
  if (s.kind === 'cluster') {
    return `<DBClusterSnapshot>${element('DBClusterSnapshotIdentifier', s.identifier)}${element('DBClusterIdentifier', s.databaseIdentifier)}${element('DBClusterSnapshotArn', s.arn)}${element('EngineMode', s.engineMode)}${common}</DBClusterSnapshot>`;
  }
  return `<DBSnapshot>${element('DBSnapshotIdentifier', s.identifier)}${element('DBInstanceIdentifier', s.databaseIdentifier)}${element('DBSnapshotArn', s.arn)}${element('StorageType', s.storageType)}${common}</DBSnapshot>`;
}

function exportTaskXml(t: StubExportTask): string {
  const exportOnly = t.exportOnly.length === 0 ? '' : `<ExportOnly>${t.exportOnly.map((o) => element('member', o)).join('')}</ExportOnly>`;
  const finished = !RUNNING.has(t.status);
  return `<ExportTask>${element('ExportTaskIdentifier', t.identifier)}${element('SourceArn', t.sourceArn)}${exportOnly}${element('TaskStartTime', t.startedAt)}${element('S3Bucket', t.s3Bucket)}${element('S3Prefix', t.s3Prefix)}${element('IamRoleArn', t.iamRoleArn)}${element('KmsKeyId', t.kmsKeyId)}${element('Status', t.status)}${element('PercentProgress', t.status === 'COMPLETE' ? 100 : finished ? 0 : 10)}${element('TotalExtractedDataInGB', t.extractedGb)}${element('FailureCause', t.failureCause)}${element('SourceType', t.sourceArn.includes(':cluster-snapshot:') ? 'CLUSTER' : 'SNAPSHOT')}</ExportTask>`;
}

function response(action: string, namespace: string, result: string): string {
  return `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
}

function errorResponse(fault: RdsFault): string {
  return `<ErrorResponse xmlns="${RDS_NAMESPACE}"><Error><Type>Sender</Type><Code>${xml(fault.code)}</Code><Message>${xml(fault.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
}

let requestCount = 0;
function requestId(): string {
  requestCount++;
  return `00000000-0000-4000-8000-${requestCount.toString(16).padStart(12, '0')}`;
}

/** The `Filters.Filter.N.Name` / `Filters.Filter.N.Values.Value.M` of a Query request, by name. */
function queryFilters(params: URLSearchParams): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  for (let n = 1; params.has(`Filters.Filter.${n}.Name`); n++) {
    const values: string[] = [];
    for (let m = 1; params.has(`Filters.Filter.${n}.Values.Value.${m}`); m++) values.push(params.get(`Filters.Filter.${n}.Values.Value.${m}`)!);
    filters.set(params.get(`Filters.Filter.${n}.Name`)!, values);
  }
  return filters;
}

function checkFilterNames(filters: ReadonlyMap<string, readonly string[]>, allowed: readonly string[]): void {
  for (const name of filters.keys()) {
    if (!allowed.includes(name)) throw new RdsFault('InvalidParameterValue', 400, `Unrecognized filter name: ${name}. Allowed: ${allowed.join(', ')}`);
  }
}

/** One page of `items` after `Marker`, at most `MaxRecords` (20-100, default 100), and the next marker. */
function page<T>(items: readonly T[], params: URLSearchParams): { items: readonly T[]; marker?: string } {
  const maxText = params.get('MaxRecords');
  const max = maxText === null ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 20 || max > 100)
    throw new RdsFault('InvalidParameterValue', 400, `MaxRecords must be between 20 and 100, got ${maxText}`);
  const markerText = params.get('Marker');
  const offset =
    markerText === null
      ? 0
      : Number(
          Buffer.from(markerText, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        );
  if (!Number.isInteger(offset) || offset < 0) throw new RdsFault('InvalidParameterValue', 400, 'The marker is not valid');
  const end = offset + max;
  return { items: items.slice(offset, end), marker: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined };
}

function markerXml(marker: string | undefined): string {
  return element('Marker', marker);
}

class StubAccount {
  readonly instanceSnapshots = new Map<string, StubSnapshot>();
  readonly clusterSnapshots = new Map<string, StubSnapshot>();
  readonly snapshotsByArn = new Map<string, StubSnapshot>();
  readonly tasks = new Map<string, StubExportTask>();
  readonly tasksBySource = new Map<string, StubExportTask[]>();
  calls = new Map<string, number>();
  starts: StartExportRecord[] = [];
  published: PublishRecord[] = [];

  constructor(readonly maxRunningExports: number) {}

  addSnapshot(s: StubSnapshot): void {
    (s.kind === 'cluster' ? this.clusterSnapshots : this.instanceSnapshots).set(s.identifier, s);
    this.snapshotsByArn.set(s.arn, s);
  }

  addTask(t: StubExportTask): void {
    const previous = this.tasks.get(t.identifier);
    if (previous !== undefined) {
      const siblings = this.tasksBySource.get(previous.sourceArn)!;
      siblings.splice(siblings.indexOf(previous), 1);
      this.tasks.delete(t.identifier);
    }
    this.tasks.set(t.identifier, t);
    const siblings = this.tasksBySource.get(t.sourceArn);
    if (siblings === undefined) this.tasksBySource.set(t.sourceArn, [t]);
    else siblings.push(t);
  }

  clearTasks(): void {
    this.tasks.clear();
    this.tasksBySource.clear();
  }

  answer(params: URLSearchParams): string {
    const action = params.get('Action') ?? '';
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    switch (action) {
      case 'DescribeDBSnapshots':
        return this.describeSnapshots(action, params, 'instance');
      case 'DescribeDBClusterSnapshots':
        return this.describeSnapshots(action, params, 'cluster');
      case 'DescribeExportTasks':
        return this.describeExportTasks(action, params);
      case 'StartExportTask':
        return this.startExportTask(action, params);
      case 'Publish':
        this.published.push({ topicArn: params.get('TopicArn') ?? '', subject: params.get('Subject') ?? '', message: params.get('Message') ?? '' });
        return response(action, SNS_NAMESPACE, element('MessageId', requestId()));
      default:
        throw new RdsFault('InvalidAction', 400, `The stub does not answer ${action || 'requests without an Action'}`);
    }
  }

  private describeSnapshots(action: string, params: URLSearchParams, kind: StubSnapshot['kind']): string {
    const cluster = kind === 'cluster';
    const filters = queryFilters(params);
    checkFilterNames(
      filters,
      cluster
        ? ['db-cluster-id', 'db-cluster-snapshot-id', 'snapshot-type', 'engine']
        : ['db-instance-id', 'db-snapshot-id', 'dbi-resource-id', 'snapshot-type', 'engine'],
    );
    const identifier = params.get(cluster ? 'DBClusterSnapshotIdentifier' : 'DBSnapshotIdentifier');
    const database = params.get(cluster ? 'DBClusterIdentifier' : 'DBInstanceIdentifier');
    const type = params.get('SnapshotType');
    const types = type === null ? DEFAULT_SNAPSHOT_TYPES : new Set([type]);
    const wanted = (name: string, value: string | undefined) => !filters.has(name) || (value !== undefined && filters.get(name)!.includes(value));
    const store = cluster ? this.clusterSnapshots : this.instanceSnapshots;
    const candidates = identifier === null ? [...store.values()] : [store.get(identifier)].filter((s): s is StubSnapshot => s !== undefined);
    const matching = candidates.filter(
      (s) =>
        types.has(s.snapshotType) &&
        (database === null || s.databaseIdentifier === database) &&
        wanted(cluster ? 'db-cluster-id' : 'db-instance-id', s.databaseIdentifier) &&
        wanted(cluster ? 'db-cluster-snapshot-id' : 'db-snapshot-id', s.identifier) &&
        wanted('snapshot-type', s.snapshotType) &&
        wanted('engine', s.engine),
    );
    if (identifier !== null && matching.length === 0) {
      // RDS answers a named snapshot it does not have with a fault, not an empty list.
      throw cluster
        ? new RdsFault('DBClusterSnapshotNotFoundFault', 404, 'DBClusterSnapshot not found')
        : new RdsFault('DBSnapshotNotFound', 404, 'DBSnapshot not found');
    }
    const { items, marker } = page(matching, params);
    const list = cluster ? 'DBClusterSnapshots' : 'DBSnapshots';
    return response(action, RDS_NAMESPACE, `${markerXml(marker)}<${list}>${items.map(snapshotXml).join('')}</${list}>`);
  }

  private describeExportTasks(action: string, params: URLSearchParams): string {
    const filters = queryFilters(params);
    checkFilterNames(filters, ['export-task-identifier', 's3-bucket', 'source-arn', 'status']);
    const identifier = params.get('ExportTaskIdentifier');
    const sourceArn = params.get('SourceArn');
    let candidates: readonly StubExportTask[];
    if (identifier !== null) {
      const task = this.tasks.get(identifier);
      if (task === undefined) throw new RdsFault('ExportTaskNotFound', 404, `The export task ${identifier} does not exist`);
      candidates = [task];
    } else if (sourceArn !== null) {
      // Indexed by source: one snapshot's tasks are found without reading the whole history.
      candidates = this.tasksBySource.get(sourceArn) ?? [];
    } else if (filters.has('source-arn')) {
      // As RDS answers a filter from its index, not by reading every task of the account.
      candidates = filters.get('source-arn')!.flatMap((arn) => this.tasksBySource.get(arn) ?? []);
    } else if (filters.has('export-task-identifier')) {
      candidates = filters.get('export-task-identifier')!.flatMap((id) => (this.tasks.has(id) ? [this.tasks.get(id)!] : []));
    } else {
      candidates = [...this.tasks.values()];
    }
    const statuses = filters.get('status')?.map((s) => s.toUpperCase());
    const unfiltered = sourceArn === null && statuses === undefined && filters.size === 0;
    const matching = unfiltered
      ? candidates
      : candidates.filter(
          (t) =>
            (sourceArn === null || t.sourceArn === sourceArn) &&
            (statuses === undefined || statuses.includes(t.status)) &&
            (!filters.has('source-arn') || filters.get('source-arn')!.includes(t.sourceArn)) &&
            (!filters.has('export-task-identifier') || filters.get('export-task-identifier')!.includes(t.identifier)) &&
            (!filters.has('s3-bucket') || filters.get('s3-bucket')!.includes(t.s3Bucket)),
        );
    const { items, marker } = page(matching, params);
    return response(action, RDS_NAMESPACE, `${markerXml(marker)}<ExportTasks>${items.map(exportTaskXml).join('')}</ExportTasks>`);
  }

  private startExportTask(action: string, params: URLSearchParams): string {
    const exportOnly: string[] = [];
    for (let n = 1; params.has(`ExportOnly.member.${n}`); n++) exportOnly.push(params.get(`ExportOnly.member.${n}`)!);
    const request = {
      exportTaskIdentifier: params.get('ExportTaskIdentifier') ?? '',
      sourceArn: params.get('SourceArn') ?? '',
      s3Bucket: params.get('S3BucketName') ?? '',
      s3Prefix: params.get('S3Prefix') ?? '',
      iamRoleArn: params.get('IamRoleArn') ?? '',
      kmsKeyId: params.get('KmsKeyId') ?? '',
      exportOnly,
    };
    try {
      const task = this.createExportTask(request);
      this.starts.push({ ...request, outcome: 'started' });
      return response(action, RDS_NAMESPACE, exportTaskXml(task).replace(/^<ExportTask>|<\/ExportTask>$/g, ''));
    } catch (error) {
      this.starts.push({ ...request, outcome: error instanceof RdsFault ? error.code : 'error' });
      throw error;
    }
  }

  private createExportTask(request: Omit<StartExportRecord, 'outcome'>): StubExportTask {
    if (this.tasks.has(request.exportTaskIdentifier))
      throw new RdsFault('ExportTaskAlreadyExists', 400, `An export task with the identifier ${request.exportTaskIdentifier} already exists`);
    const snapshot = this.snapshotsByArn.get(request.sourceArn);
    if (snapshot === undefined) {
      throw request.sourceArn.includes(':cluster-snapshot:')
        ? new RdsFault('DBClusterSnapshotNotFoundFault', 404, 'DBClusterSnapshot not found')
        : new RdsFault('DBSnapshotNotFound', 404, 'DBSnapshot not found');
    }
    if (snapshot.status !== 'available') throw new RdsFault('InvalidExportSourceState', 400, `The snapshot is ${snapshot.status}, not available`);
    // RDS does not document its answer for engines it cannot export; any client fault will do.
    if (!engineExportable(snapshot)) throw new RdsFault('InvalidParameterCombination', 400, `Snapshots of ${snapshot.engine} cannot be exported`);
    const running = [...this.tasks.values()].filter((t) => RUNNING.has(t.status)).length;
    if (running >= this.maxRunningExports)
      throw new RdsFault(EXPORT_QUOTA_FAULT, 400, `${running} export tasks are running; the quota is ${this.maxRunningExports}`);
    const task: StubExportTask = {
      identifier: request.exportTaskIdentifier,
      sourceArn: request.sourceArn,
      status: 'STARTING',
      s3Bucket: request.s3Bucket,
      s3Prefix: request.s3Prefix,
      iamRoleArn: request.iamRoleArn,
      kmsKeyId: request.kmsKeyId,
      exportOnly: request.exportOnly,
      startedAt: new Date(),
    };
    this.addTask(task);
    return task;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts the stub on a free port of 127.0.0.1 with an empty account. */
export async function startStubRds(options: StubRdsOptions = {}): Promise<StubRds> {
  const account = new StubAccount(options.maxRunningExports ?? 5);
  let latencyMs = options.latencyMs ?? 0;
  const handle = async (request: IncomingMessage, res: ServerResponse) => {
    const params = new URLSearchParams(await readBody(request));
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    let status = 200;
    let body: string;
    try {
      body = account.answer(params);
    } catch (error) {
      const fault = error instanceof RdsFault ? error : new RdsFault('InternalFailure', 500, (error as Error).message);
      status = fault.status;
      body = errorResponse(fault);
    }
    res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
  };
  const server: Server = createServer((request, res) => {
    handle(request, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(value: number) {
      latencyMs = value;
    },
    addSnapshots: (snapshots) => {
      for (const s of snapshots) account.addSnapshot(s);
    },
    addExportTasks: (tasks) => {
      for (const t of tasks) account.addTask(t);
    },
    clearExportTasks: () => account.clearTasks(),
    snapshotByArn: (arn) => account.snapshotsByArn.get(arn),
    exportTasks: () => [...account.tasks.values()],
    callCounts: () => Object.fromEntries(account.calls),
    startRequests: () => [...account.starts],
    publishes: () => [...account.published],
    resetCalls: () => {
      account.calls = new Map();
      account.starts = [];
      account.published = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The size and shape of {@link largeAccount}'s account. */
export interface LargeAccountOptions {
  /** DB instances and Aurora clusters (a quarter are clusters). */
  readonly databases: number;
  /** Snapshots created in the window (the last `windowDays` before `now`). */
  readonly snapshotsInWindow: number;
  /** Finished export tasks of snapshots older than the window, long expired. */
  readonly historicalExportTasks: number;
  /** Seed of the generator: the same seed gives the same account. */
  readonly seed: number;
  /**
   * The end of the window.
   * @default new Date()
   */
  readonly now?: Date;
  /**
   * Days the window spans (the reconciliation's lookback).
   * @default 7
   */
  readonly windowDays?: number;
  /**
   * Names the export task of a snapshot's attempt; pass the archive's own naming so that the
   * account looks like one it has been archiving.
   * @default "export-" and a hash of the ARN and attempt
   */
  readonly exportTaskIdentifier?: (snapshotArn: string, attempt: number) => string;
  /**
   * Exports of in-window snapshots running now (they fill the quota's slots).
   * @default 2
   */
  readonly runningExports?: number;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default "123456789012" */
  readonly account?: string;
}

/** A generated account: its snapshots and its export tasks. */
export interface LargeAccount {
  readonly snapshots: readonly StubSnapshot[];
  readonly exportTasks: readonly StubExportTask[];
}

/** mulberry32: a small seeded generator of numbers in [0, 1), good enough to shape test data and faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSTANCE_ENGINES = ['postgres', 'postgres', 'postgres', 'mysql', 'mysql', 'mariadb', 'sqlserver-se', 'oracle-ee'];
const CLUSTER_ENGINES = ['aurora-postgresql', 'aurora-postgresql', 'aurora-mysql'];
const DAY_MS = 24 * 60 * 60 * 1000;

function defaultTaskIdentifier(snapshotArn: string, attempt: number): string {
  return `export-${createHash('sha256').update(`${snapshotArn}#${attempt}`).digest('hex').slice(0, 16)}`;
}

function stamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace(/[T:]/g, '-');
}

/**
 * A large, steady-state account: `databases` databases (some of engines RDS cannot export, some
 * Aurora Serverless v1), `snapshotsInWindow` snapshots spread over the window (mostly automated,
 * some manual, the newest still "creating"), in-window snapshots older than a day exported
 * (1% on a second attempt after a failed one), `runningExports` exports running, and
 * `historicalExportTasks` finished exports of long-expired snapshots (97% complete, the rest
 * failed or canceled). Deterministic for a seed.
 */
export function largeAccount(options: LargeAccountOptions): LargeAccount {
  const random = seededRandom(options.seed);
  const now = options.now ?? new Date();
  const windowMs = (options.windowDays ?? 7) * DAY_MS;
  const region = options.region ?? 'us-east-1';
  const accountId = options.account ?? '123456789012';
  const name = options.exportTaskIdentifier ?? defaultTaskIdentifier;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const databases = Array.from({ length: options.databases }, (_, i) => {
    const kind: StubSnapshot['kind'] = i % 4 === 3 ? 'cluster' : 'instance';
    return {
      kind,
      identifier: `${kind === 'cluster' ? 'cluster' : 'db'}-${i.toString().padStart(5, '0')}`,
      engine: pick(kind === 'cluster' ? CLUSTER_ENGINES : INSTANCE_ENGINES),
      engineMode: kind === 'cluster' ? (random() < 0.05 ? 'serverless' : 'provisioned') : undefined,
      storageType: kind === 'instance' ? (random() < 0.02 ? 'standard' : 'gp3') : undefined,
    };
  });
  const task = (sourceArn: string, attempt: number, status: StubExportStatus, startedAt: Date, database: string): StubExportTask => ({
    identifier: name(sourceArn, attempt),
    sourceArn,
    status,
    s3Bucket: 'rds-archive-large-account',
    s3Prefix: `exports/${database}`,
    iamRoleArn: `arn:aws:iam::${accountId}:role/rds-archive-export`,
    kmsKeyId: `arn:aws:kms:${region}:${accountId}:key/11111111-2222-3333-4444-555555555555`,
    exportOnly: [],
    startedAt,
    ...(status === 'COMPLETE' ? { extractedGb: Math.round(random() * 500) / 10 } : {}),
    ...(status === 'FAILED' ? { failureCause: 'The export failed: S3 access denied' } : {}),
  });

  const snapshots: StubSnapshot[] = [];
  const exportTasks: StubExportTask[] = [];
  let running = 0;
  for (let i = 0; i < options.snapshotsInWindow; i++) {
    const database = databases.length === 0 ? undefined : databases[i % databases.length]!;
    if (database === undefined) break;
    const createdAt = new Date(now.getTime() - Math.floor(random() * windowMs));
    const manual = random() < 0.1;
    const identifier = manual ? `${database.identifier}-manual-${i}` : `rds:${database.identifier}-${stamp(createdAt)}-${i}`;
    const ageMs = now.getTime() - createdAt.getTime();
    const snapshot: StubSnapshot = {
      kind: database.kind,
      identifier,
      arn: stubSnapshotArn(database.kind, identifier, region, accountId),
      databaseIdentifier: database.identifier,
      engine: database.engine,
      engineMode: database.engineMode,
      storageType: database.storageType,
      snapshotType: manual ? 'manual' : 'automated',
      status: ageMs < 30 * 60 * 1000 ? 'creating' : 'available',
      createdAt,
    };
    snapshots.push(snapshot);
    if (!engineExportable(snapshot) || snapshot.status !== 'available') continue;
    const startedAt = new Date(createdAt.getTime() + 10 * 60 * 1000);
    if (ageMs > DAY_MS) {
      if (random() < 0.01)
        exportTasks.push(task(snapshot.arn, 1, 'FAILED', startedAt, database.identifier), task(snapshot.arn, 2, 'COMPLETE', startedAt, database.identifier));
      else exportTasks.push(task(snapshot.arn, 1, 'COMPLETE', startedAt, database.identifier));
    } else if (running < (options.runningExports ?? 2)) {
      exportTasks.push(task(snapshot.arn, 1, 'IN_PROGRESS', startedAt, database.identifier));
      running++;
    }
  }
  for (let i = 0; i < options.historicalExportTasks; i++) {
    const database = databases.length === 0 ? { kind: 'instance' as const, identifier: 'db-gone' } : databases[i % databases.length]!;
    const createdAt = new Date(now.getTime() - windowMs - DAY_MS - Math.floor(random() * 3 * 365 * DAY_MS));
    const identifier = `rds:${database.identifier}-${stamp(createdAt)}-h${i}`;
    const roll = random();
    const status: StubExportStatus = roll < 0.97 ? 'COMPLETE' : roll < 0.99 ? 'FAILED' : 'CANCELED';
    exportTasks.push(task(stubSnapshotArn(database.kind, identifier, region, accountId), 1, status, createdAt, database.identifier));
  }
  return { snapshots, exportTasks };
}
