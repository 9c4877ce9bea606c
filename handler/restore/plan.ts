// The restore plan (pure): for each table, where it goes, its columns with their types, its
// Parquet files with rows (from the footers) and bytes, and the estimated time.
import type { ArchiveManifest, ExportedColumn } from '../contract/manifest';
import { mysqlColumnType, mysqlLoadAs, mysqlNeedsScale } from './mysql-types';
import type { RecoveredScale } from './numeric-scale';
import type { LoadAs } from './parquet-values';
import { needsScaleRecovery, postgresColumnType } from './postgres-types';
import { RestoreError } from './restore-error';
import { engineOfManifest, type SourceTable } from './source-table';
import { stagingName } from './sql-names';
import type { Engine, RestoreTarget } from './target-url';

/** What to do when the target table exists. */
export const IF_EXISTS = ['fail', 'append', 'replace'] as const;
export type IfExists = (typeof IF_EXISTS)[number];

/**
 * Rows a second the restore of a 10-column table into a local PostgreSQL reached in
 * `npm run bench` (scripts/bench-restore.ts: about 114,000 on a 2-core machine shared with other
 * work, rounded down); the dry run's estimate divides by it. Wider tables, a remote server and S3
 * across the internet are slower.
 */
export const MEASURED_ROWS_PER_SECOND = 100_000;

/** One Parquet part of a table. */
export interface PlannedFile {
  readonly key: string;
  readonly bytes: number;
  /** From the file's footer. */
  readonly rows: number;
}

/** One column of a target table. */
export interface TargetColumn {
  readonly name: string;
  readonly type: string;
  readonly note?: string;
  readonly loadAs: LoadAs;
  /** The source column as the export states it. */
  readonly source: ExportedColumn;
  /** True while the type waits for the scale the data will show (PostgreSQL numeric). */
  readonly scaleFromData: boolean;
}

/** One table to restore. */
export interface TablePlan {
  readonly source: SourceTable;
  /** Where it goes: the schema (PostgreSQL) or database (MySQL), and the table name. */
  readonly schema: string;
  readonly table: string;
  readonly staging: string;
  readonly columns: readonly TargetColumn[];
  readonly files: readonly PlannedFile[];
  readonly rows: number;
  readonly bytes: number;
}

/** The whole restore. */
export interface RestorePlan {
  readonly exportTaskIdentifier: string;
  readonly database: string;
  readonly snapshotTime: string;
  readonly engine: Engine;
  readonly target: RestoreTarget;
  readonly ifExists: IfExists;
  readonly tables: readonly TablePlan[];
  readonly rows: number;
  readonly bytes: number;
  readonly estimatedSeconds: number;
}

/** Refuses a restore into the other engine, saying what would work. */
export function checkEngine(manifest: ArchiveManifest, target: RestoreTarget): Engine {
  const engine = engineOfManifest(manifest);
  if (engine !== target.engine) {
    const from = engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
    const into = target.engine === 'postgres' ? 'PostgreSQL' : 'MySQL/MariaDB';
    throw new RestoreError(
      `the export ${manifest.exportTaskIdentifier} is of a ${from} database; restoring it into ${into} is not supported (types, text forms and time zones differ between the engines). Restore into ${from} (--to ${engine === 'postgres' ? 'postgres' : 'mysql'}://USER@HOST:PORT/DB), then move the data with a migration tool if you need it in ${into}.`,
      2,
    );
  }
  return engine;
}

/** The target column for a source column; `scale` is what the data showed, when it was read. */
export function targetColumn(engine: Engine, source: ExportedColumn, scale?: RecoveredScale): TargetColumn {
  if (engine === 'postgres') {
    const type = postgresColumnType(source, scale);
    const scaleFromData = scale === undefined && needsScaleRecovery(source);
    return {
      name: source.columnName,
      type: scaleFromData ? `numeric(${source.originalNumPrecision},?)` : type.type,
      ...(type.note !== undefined && !scaleFromData ? { note: type.note } : {}),
      loadAs: type.type === 'bytea' ? 'bytes' : 'text',
      source,
      scaleFromData,
    };
  }
  const type = mysqlColumnType(source, scale);
  const scaleFromData = scale === undefined && mysqlNeedsScale(source);
  return {
    name: source.columnName,
    type: scaleFromData ? `decimal(${source.originalNumPrecision ?? 65},?)` : type.type,
    ...(type.note !== undefined && !scaleFromData ? { note: type.note } : {}),
    loadAs: mysqlLoadAs(type.type),
    source,
    scaleFromData,
  };
}

/** Everything {@link buildRestorePlan} needs. */
export interface PlanInput {
  readonly manifest: ArchiveManifest;
  readonly tables: readonly SourceTable[];
  readonly target: RestoreTarget;
  readonly targetSchema?: string;
  readonly ifExists: IfExists;
  /** The Parquet parts of each table, by the table's folder (ManifestTable.folder). */
  readonly files: ReadonlyMap<string, readonly PlannedFile[]>;
  readonly rowsPerSecond?: number;
}

/** The plan of a restore. */
export function buildRestorePlan(input: PlanInput): RestorePlan {
  const engine = checkEngine(input.manifest, input.target);
  const tables = input.tables.map((source): TablePlan => {
    if (source.manifestTable.columns.length === 0) {
      throw new RestoreError(
        `the export states no columns for ${source.name} (no schemaMetadata in export_tables_info), so its types are unknown: restore it by hand from the Parquet files (e.g. with DuckDB)`,
      );
    }
    const files = input.files.get(source.manifestTable.folder) ?? [];
    const schema = input.targetSchema ?? (engine === 'postgres' ? source.schema : input.target.database);
    return {
      source,
      schema,
      table: source.table,
      staging: stagingName(engine, source.table),
      columns: source.manifestTable.columns.map((c) => targetColumn(engine, c)),
      files,
      rows: files.reduce((sum, f) => sum + f.rows, 0),
      bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    };
  });
  const rows = tables.reduce((sum, t) => sum + t.rows, 0);
  return {
    exportTaskIdentifier: input.manifest.exportTaskIdentifier,
    database: input.manifest.database,
    snapshotTime: input.manifest.snapshotTime,
    engine,
    target: input.target,
    ifExists: input.ifExists,
    tables,
    rows,
    bytes: tables.reduce((sum, t) => sum + t.bytes, 0),
    estimatedSeconds: rows / (input.rowsPerSecond ?? MEASURED_ROWS_PER_SECOND),
  };
}

/** Seconds as "45s", "12m 5s", "2h 3m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Bytes as MB with one decimal. */
export function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** The dry run's text: what would be restored where, with types, files, rows, bytes and time. */
export function formatPlan(plan: RestorePlan): string {
  const lines = [
    `restore plan: export ${plan.exportTaskIdentifier} of ${plan.database}${plan.snapshotTime ? ` (snapshot ${plan.snapshotTime})` : ''}`,
    `into ${plan.target.display}, if a table exists: ${plan.ifExists}`,
  ];
  for (const t of plan.tables) {
    lines.push('', `${t.source.name} -> ${t.schema}.${t.table}: ${t.files.length} file(s), ${t.rows.toLocaleString('en-US')} rows, ${formatMb(t.bytes)}`);
    for (const c of t.columns) {
      lines.push(`    ${c.name}  ${c.type}${c.scaleFromData ? '  (scale read from the data while loading)' : ''}${c.note ? `  (${c.note})` : ''}`);
    }
  }
  lines.push(
    '',
    `${plan.tables.length} table(s), ${plan.tables.reduce((n, t) => n + t.files.length, 0)} file(s), ${plan.rows.toLocaleString('en-US')} rows, ${formatMb(plan.bytes)}; estimated ${formatDuration(plan.estimatedSeconds)} at ${MEASURED_ROWS_PER_SECOND.toLocaleString('en-US')} rows/s (measured by npm run bench)`,
    'dry run: nothing was changed',
  );
  return lines.join('\n');
}
