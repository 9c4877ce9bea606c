// Registers a verified export in the Glue Data Catalog, ready for Athena: the use case. The
// decisions are in plan.ts, columns.ts and views.ts, the calls in ../aws/glue.ts. Registering the same export again
// writes nothing; an AWS error stops the run and is thrown, and running it again is safe.
import type { GlueClient, Table, TableInput } from '@aws-sdk/client-glue';
import type { AwsClients } from '../aws/clients';
import type { ArchiveManifest } from '../contract/manifest';
import { buildCatalogPlan, CATALOG_PARAMETERS, CatalogInputError, type CatalogPlan, type TableRegistration } from './plan';
import { tableChange } from './columns';
import { typedView } from './views';
import { writeLogLine } from '../common/log';
import { addPartition, createTable, ensureDatabase, getPartition, getTable, updateTable } from '../aws/glue';

/** What registering did to a table's typed view `<table>_typed`. */
export type ViewAction = 'created-view' | 'updated-view' | 'view-unchanged' | 'view-name-taken';

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
  /** What happened to the table's typed view (absent when the table needs none or was skipped). */
  readonly view?: ViewAction;
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
  /**
   * Where the JSON log lines go.
   * @default writeLogLine (common/log.ts)
   */
  readonly log?: (line: string) => void;
}

/**
 * Registers an export's archived tables: creates the database and any missing table, widens a
 * table whose columns grew (pointing it at the newest snapshot), and adds the export's partition.
 * Logs one JSON line per table (INFO) and one per note (WARN). A manifest that cannot be used
 * gives a `problem` (logged as ERROR), not an exception.
 */
export async function registerExport(manifest: ArchiveManifest, options: RegisterOptions, clients: AwsClients = {}): Promise<RegisterResult> {
  const log = options.log ?? writeLogLine;
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
  if (plan.tables.length > 0 && !dryRun) await ensureDatabase(plan.databaseInput, clients.glue);
  for (const registration of plan.tables) {
    outcomes.push(await registerTable(plan, registration, dryRun, clients.glue));
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
  // The table as it stands after this registration: what its typed view is built from.
  let current: Table | TableInput = existing ?? registration.tableInput;
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
      current = change.tableInput;
    }
  }
  const view = await registerTypedView(databaseName, current, dryRun, client, notes);

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
  return { action, target, table: tableName, partition: partitionValue, partitionAdded, notes, ...(view === undefined ? {} : { view }) };
}

/**
 * Keeps the table's typed view in step with the table: created when missing, rewritten when the
 * table's columns changed it. A table (not a view) of the view's name is left alone, with a note.
 */
async function registerTypedView(
  databaseName: string,
  table: Table | TableInput,
  dryRun: boolean,
  client: GlueClient | undefined,
  notes: string[],
): Promise<ViewAction | undefined> {
  const view = typedView(databaseName, table);
  if (view === undefined) return undefined;
  notes.push(...view.notes);
  const name = view.tableInput.Name!;
  const existing = await getTable(databaseName, name, client);
  if (existing === undefined) {
    // Created by a concurrent registration meanwhile: the same definition, so nothing to do.
    if (!dryRun) await createTable(databaseName, view.tableInput, client);
    return 'created-view';
  }
  if (existing.TableType !== 'VIRTUAL_VIEW') {
    notes.push(`the typed view ${databaseName}.${name} is not made: a table of that name exists and is left as it is`);
    return 'view-name-taken';
  }
  if (existing.ViewOriginalText === view.tableInput.ViewOriginalText) return 'view-unchanged';
  if (!dryRun) await updateTable(databaseName, view.tableInput, client);
  return 'updated-view';
}

function safeField(manifest: unknown, field: string): unknown {
  return typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>)[field] : undefined;
}
