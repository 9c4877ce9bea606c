// Which snapshots the archive exports (pure): type, database patterns, engine, status.
import { matchesGlob } from '../contract/glob';
import type { Settings, SnapshotType } from '../contract/settings';

/** A snapshot as RDS describes it, instance or cluster alike. */
export interface SnapshotInfo {
  readonly kind: 'instance' | 'cluster';
  readonly snapshotArn: string;
  readonly snapshotIdentifier: string;
  /** The DB instance or cluster the snapshot is of. */
  readonly databaseIdentifier: string;
  readonly engine: string;
  /** Cluster snapshots only: "serverless" is Aurora Serverless v1. */
  readonly engineMode?: string;
  /** Instance snapshots only: "standard" is magnetic storage. */
  readonly storageType?: string;
  readonly snapshotType: string;
  readonly status: string;
  readonly createdAt?: Date;
  /** The snapshot's size as RDS reports it (AllocatedStorage, GiB); exports are billed per GB of snapshot. */
  readonly sizeGb?: number;
}

/** The decision about one snapshot. */
export type Selection =
  | { readonly selected: true }
  | { readonly selected: false; readonly reason: string; readonly unsupported?: boolean; readonly notReady?: boolean };

/** Why RDS cannot export snapshots of this engine or storage, or undefined when it can. */
export function unexportableReason(snapshot: SnapshotInfo): string | undefined {
  const engine = snapshot.engine.toLowerCase();
  if (engine.startsWith('custom-')) return `RDS Custom (${snapshot.engine}) snapshots cannot be exported`;
  for (const [prefix, name] of [
    ['sqlserver', 'SQL Server'],
    ['oracle', 'Oracle'],
    ['db2', 'Db2'],
  ] as const) {
    if (engine.startsWith(prefix)) return `${name} (${snapshot.engine}) snapshots cannot be exported to S3`;
  }
  if (snapshot.kind === 'cluster' && snapshot.engineMode?.toLowerCase() === 'serverless') {
    return 'Aurora Serverless v1 snapshots cannot be exported to S3';
  }
  if (snapshot.storageType?.toLowerCase() === 'standard') return 'snapshots on magnetic storage cannot be exported to S3';
  return undefined;
}

/** Whether the archive exports this snapshot now, and if not, why. */
export function selectSnapshot(snapshot: SnapshotInfo, settings: Pick<Settings, 'snapshotTypes' | 'includeDatabases' | 'excludeDatabases'>): Selection {
  const type = snapshot.snapshotType.toLowerCase();
  if (!(settings.snapshotTypes as readonly string[]).includes(type)) {
    return { selected: false, reason: `snapshot type "${type}" is not in SNAPSHOT_TYPES (${settings.snapshotTypes.join(', ')})` };
  }
  const database = snapshot.databaseIdentifier;
  if (settings.includeDatabases.length > 0 && !settings.includeDatabases.some((p) => matchesGlob(p, database))) {
    return { selected: false, reason: `database "${database}" matches no INCLUDE_DATABASES pattern` };
  }
  const excludedBy = settings.excludeDatabases.find((p) => matchesGlob(p, database));
  if (excludedBy !== undefined) return { selected: false, reason: `database "${database}" matches EXCLUDE_DATABASES pattern "${excludedBy}"` };
  const unexportable = unexportableReason(snapshot);
  if (unexportable !== undefined) return { selected: false, reason: unexportable, unsupported: true };
  if (snapshot.status.toLowerCase() !== 'available') {
    return { selected: false, reason: `snapshot status is "${snapshot.status}", not yet "available"`, notReady: true };
  }
  return { selected: true };
}

/** The snapshot type a snapshot identifier implies, for describing it (RDS needs it for automated ones). */
export function snapshotTypeOfIdentifier(identifier: string): SnapshotType | undefined {
  if (identifier.startsWith('rds:')) return 'automated';
  if (identifier.startsWith('awsbackup:')) return 'awsbackup';
  return undefined;
}
