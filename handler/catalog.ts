// Registers a verified export in the Glue Data Catalog, ready for Athena: the use case. The
// decisions are in catalog-input.ts, the calls in glue.ts. Registering the same export again
// writes nothing; an AWS error stops the run and is thrown, and running it again is safe.
import type { GlueClient } from '@aws-sdk/client-glue';
import type { ArchiveManifest } from './archive-manifest';
import { buildCatalogPlan, CATALOG_PARAMETERS, CatalogInputError, tableChange, type CatalogPlan, type TableRegistration } from './catalog-input';
import { writeLogLine } from './log';
import { addPartition, createTable, ensureDatabase, getPartition, getTable, updateTable } from './glue';

/** What registering did to one table of the export. */
export type CatalogAction = 'created-table' | 'updated-table' | 'added-partition' | 'partition-exists' | 'skipped';

/** The outcome for one table of the export. */
export interface TableOutcome {
  readonly action: CatalogAction;
  /** RDS's name of the source table. */
  readonly target: string;
  /** The Glue table (absent when skipped before a name was made). */
  readonly table?: string;
  /** The snapshot_time value of this export's partition. */
  readonly partition?: string;
  /** True when the partition was added now (false: it was there already; absent when skipped). */
  readonly partitionAdded?: boolean;
  /** Why the table was skipped. */
  readonly reason?: string;
  /** Things worth a look: guessed types, renamed columns, kept types. */
  readonly notes: readonly string[];
}

/** What registering one export did. */
export interface RegisterResult {
  /** The Glue database (absent when the manifest could not be read). */
  readonly database?: string;
  readonly dryRun: boolean;
  readonly tables: readonly TableOutcome[];
  /** Why nothing was registered, when the manifest itself is unusable. */
  readonly problem?: string;
}

/** Options of {@link registerExport}. */
export interface RegisterOptions {
  /** The archive's name; Glue databases are `<archive name>_<db identifier>`. */
  readonly archiveName: string;
  /**
   * Reads the catalog and reports what would change, writing nothing.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** What the use case talks to; tests pass a client pointed at an emulator. */
export interface CatalogDeps {
  /**
   * The Glue client.
   * @default the module-scope client of handler/glue.ts
   */
  readonly glue?: GlueClient;
  /**
   * Where the JSON log lines go.
   * @default writeLogLine (log.ts)
   */
  readonly log?: (line: string) => void;
}

/**
 * Registers an export's archived tables: creates the database and any missing table, widens a
 * table whose columns grew (pointing it at the newest snapshot), and adds the export's partition.
 * Logs one JSON line per table (INFO) and one per note (WARN). A manifest that cannot be used
 * gives a `problem` (logged as ERROR), not an exception.
 */
export async function registerExport(manifest: ArchiveManifest, options: RegisterOptions, deps: CatalogDeps = {}): Promise<RegisterResult> {
  const log = deps.log ?? writeLogLine;
  const dryRun = options.dryRun ?? false;
  let plan: CatalogPlan;
  try {
    plan = buildCatalogPlan(manifest, options.archiveName);
  } catch (error) {
    if (!(error instanceof CatalogInputError)) throw error;
    log(JSON.stringify({ level: 'ERROR', catalog: 'rejected', reason: error.message, exportTaskIdentifier: safeField(manifest, 'exportTaskIdentifier') }));
    return { dryRun, tables: [], problem: error.message };
  }

  const context = {
    database: plan.databaseName,
    exportTaskIdentifier: manifest.exportTaskIdentifier,
    snapshotArn: manifest.snapshotArn,
    ...(dryRun ? { dryRun } : {}),
  };
  const outcomes: TableOutcome[] = plan.skipped.map((s) => ({ action: 'skipped', target: s.target, reason: s.reason, notes: [] }));
  if (plan.tables.length > 0 && !dryRun) await ensureDatabase(plan.databaseInput, deps.glue);
  for (const registration of plan.tables) {
    outcomes.push(await registerTable(plan, registration, dryRun, deps.glue));
  }

  for (const outcome of outcomes) {
    const { notes, action, ...fields } = outcome;
    log(JSON.stringify({ level: 'INFO', catalog: action, ...context, ...fields }));
    for (const note of notes) log(JSON.stringify({ level: 'WARN', catalog: 'note', ...context, target: outcome.target, table: outcome.table, note }));
  }
  return { database: plan.databaseName, dryRun, tables: outcomes };
}

async function registerTable(plan: CatalogPlan, registration: TableRegistration, dryRun: boolean, client: GlueClient | undefined): Promise<TableOutcome> {
  const { databaseName, partitionValue } = plan;
  const { target, tableName } = registration;
  const notes = [...registration.notes];

  let existing = await getTable(databaseName, tableName, client);
  let created = false;
  if (existing === undefined) {
    created = dryRun || (await createTable(databaseName, registration.tableInput, client));
    // Created by someone else meanwhile: treat it as an existing table.
    if (!created) existing = await getTable(databaseName, tableName, client);
  }

  let updated = false;
  if (existing !== undefined) {
    const holder = existing.Parameters?.[CATALOG_PARAMETERS.sourceTarget];
    if (holder !== undefined && holder !== target) {
      return {
        action: 'skipped',
        target,
        table: tableName,
        reason: `the Glue table ${databaseName}.${tableName} already holds ${holder}; two source tables normalize to one name`,
        notes,
      };
    }
    const change = tableChange(existing, registration);
    notes.push(...change.notes);
    if (change.tableInput !== undefined) {
      if (!dryRun) await updateTable(databaseName, change.tableInput, client);
      updated = true;
    }
  }

  let partitionAdded: boolean;
  let existingLocation: string | undefined;
  if (dryRun) {
    const partition = created ? undefined : await getPartition(databaseName, tableName, [partitionValue], client);
    partitionAdded = partition === undefined;
    existingLocation = partition?.StorageDescriptor?.Location;
  } else {
    const upsert = await addPartition(databaseName, tableName, registration.partitionInput, client);
    partitionAdded = upsert.created;
    existingLocation = upsert.created ? undefined : upsert.existingLocation;
  }
  const location = registration.partitionInput.StorageDescriptor?.Location;
  if (!partitionAdded && existingLocation !== undefined && existingLocation !== location) {
    notes.push(
      `the partition ${partitionValue} already points at ${existingLocation} (another export of the same snapshot); it is left as it is, not moved to ${location}`,
    );
  }

  const action: CatalogAction = created ? 'created-table' : updated ? 'updated-table' : partitionAdded ? 'added-partition' : 'partition-exists';
  return { action, target, table: tableName, partition: partitionValue, partitionAdded, notes };
}

function safeField(manifest: unknown, field: string): unknown {
  return typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>)[field] : undefined;
}
