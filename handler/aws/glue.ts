// The Glue Data Catalog calls of the catalog use case. Nothing here deletes: tables and
// partitions are created or widened, never dropped.
import {
  CreateDatabaseCommand,
  CreatePartitionCommand,
  CreateTableCommand,
  GetPartitionCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type DatabaseInput,
  type Partition,
  type PartitionInput,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { awsErrorName } from './errors';
import { handlerClientSettings } from './client-settings';

/** The Glue client of every call here (client-settings.ts: attempts and timeouts). */
export const glue = new GlueClient(handlerClientSettings());

/** Creates the database; true when created, false when it already existed. */
export async function ensureDatabase(input: DatabaseInput, client: GlueClient = glue): Promise<boolean> {
  try {
    await client.send(new CreateDatabaseCommand({ DatabaseInput: input }));
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'AlreadyExistsException') return false;
    throw error;
  }
}

/** The table, or undefined when it (or its database) does not exist. */
export async function getTable(databaseName: string, tableName: string, client: GlueClient = glue): Promise<Table | undefined> {
  try {
    return (await client.send(new GetTableCommand({ DatabaseName: databaseName, Name: tableName }))).Table;
  } catch (error) {
    if (awsErrorName(error) === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

/** Creates a table; false when one of that name appeared meanwhile (the caller reads it again). */
export async function createTable(databaseName: string, input: TableInput, client: GlueClient = glue): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand({ DatabaseName: databaseName, TableInput: input }));
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'AlreadyExistsException') return false;
    throw error;
  }
}

/** Replaces a table's definition; its partitions are untouched and Glue keeps the old version. */
export async function updateTable(databaseName: string, input: TableInput, client: GlueClient = glue): Promise<void> {
  await client.send(new UpdateTableCommand({ DatabaseName: databaseName, TableInput: input }));
}

/** One partition, or undefined when it (or its table) does not exist. */
export async function getPartition(
  databaseName: string,
  tableName: string,
  values: readonly string[],
  client: GlueClient = glue,
): Promise<Partition | undefined> {
  try {
    return (await client.send(new GetPartitionCommand({ DatabaseName: databaseName, TableName: tableName, PartitionValues: [...values] }))).Partition;
  } catch (error) {
    if (awsErrorName(error) === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

/** What adding a partition did. */
export type PartitionUpsert = { readonly created: true } | { readonly created: false; readonly existingLocation: string | undefined };

/**
 * Adds a partition. One that exists is left as it is (a snapshot's partition never changes once
 * registered; its location is returned so the caller can tell a second export of the same
 * snapshot apart).
 */
export async function addPartition(databaseName: string, tableName: string, input: PartitionInput, client: GlueClient = glue): Promise<PartitionUpsert> {
  try {
    await client.send(new CreatePartitionCommand({ DatabaseName: databaseName, TableName: tableName, PartitionInput: input }));
    return { created: true };
  } catch (error) {
    if (awsErrorName(error) !== 'AlreadyExistsException') throw error;
    const existing = await getPartition(databaseName, tableName, input.Values ?? [], client);
    return { created: false, existingLocation: existing?.StorageDescriptor?.Location };
  }
}
