// How a registered table changes when a later export of its database is registered (pure): columns
// widened, never dropped or retyped; the source parameters follow the newest snapshot; the location
// stays the common parent of the partitions.
import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { CATALOG_PARAMETERS, type TableRegistration } from './plan';

/** The table's columns after a later export: merged, with what changed. */
export interface MergedColumns {
  readonly columns: readonly Column[];
  /** Names added by the incoming export. */
  readonly added: readonly string[];
  /** Type changes kept at the table's type, as notes to log. */
  readonly notes: readonly string[];
  /** Existing columns that had no source-type parameters and got them from the incoming export. */
  readonly described: readonly string[];
}

/**
 * Widens a table's columns with an export's: the existing columns in their order, then columns
 * the export adds, in its order. A column whose type changed keeps the table's type, with a note
 * (old partitions stay readable through their own schema). Columns an export lacks stay.
 */
export function mergeTableColumns(existing: readonly Column[], incoming: readonly Column[]): MergedColumns {
  const byName = new Map(existing.map((c) => [c.Name, c]));
  const columns: Column[] = existing.map((c) => ({ ...c }));
  const added: string[] = [];
  const notes: string[] = [];
  const described: string[] = [];
  for (const column of incoming) {
    const current = byName.get(column.Name);
    if (current === undefined) {
      columns.push({ ...column });
      byName.set(column.Name, column);
      added.push(column.Name ?? '');
    } else if ((current.Type ?? '').toLowerCase() !== (column.Type ?? '').toLowerCase()) {
      notes.push(
        `column "${column.Name}" is ${column.Type} in this export but ${current.Type} in the table; the table keeps ${current.Type}, so its values in this snapshot may not read`,
      );
    } else if (current.Parameters === undefined && column.Parameters !== undefined) {
      // Tables registered before columns carried their source type get it from the next export.
      const index = columns.findIndex((c) => c.Name === column.Name);
      columns[index] = { ...columns[index], Parameters: { ...column.Parameters } };
      described.push(column.Name ?? '');
    }
  }
  return { columns, added, notes, described };
}

/** True when `incoming` (a partition value) is later than the table's latest snapshot, or the table names none. */
export function isNewerSnapshot(incoming: string, tableLatest: string | undefined): boolean {
  return tableLatest === undefined || tableLatest === '' || incoming > tableLatest;
}

/** The UpdateTable input for an existing table after an export, or undefined when nothing changes. */
export interface TableChange {
  readonly tableInput: TableInput | undefined;
  readonly added: readonly string[];
  /** True when the table now points at this export as its latest. */
  readonly newer: boolean;
  readonly notes: readonly string[];
}

/**
 * Decides how an existing table changes for an export: columns widened (never dropped or
 * retyped); the source parameters point at the export only when its snapshot is newer than the
 * table's latest; a table still located at one export's folder (as tables were registered before)
 * moves to the common parent of its partitions. Returns no input when nothing changes, so
 * registering an export twice writes nothing.
 */
export function tableChange(existing: Table, registration: TableRegistration): TableChange {
  const incoming = registration.tableInput;
  const merged = mergeTableColumns(existing.StorageDescriptor?.Columns ?? [], incoming.StorageDescriptor?.Columns ?? []);
  const latest = existing.Parameters?.[CATALOG_PARAMETERS.snapshotTime];
  const incomingTime = incoming.Parameters?.[CATALOG_PARAMETERS.snapshotTime] ?? '';
  const newer = isNewerSnapshot(incomingTime, latest);
  const location = incoming.StorageDescriptor?.Location;
  const relocated = existing.StorageDescriptor?.Location !== location;
  if (merged.added.length === 0 && merged.described.length === 0 && !newer && !relocated) {
    return { tableInput: undefined, added: [], newer, notes: merged.notes };
  }
  const base = newer ? incoming : existingAsInput(existing);
  const tableInput: TableInput = {
    ...base,
    Name: existing.Name ?? incoming.Name,
    StorageDescriptor: { ...(base.StorageDescriptor ?? {}), Columns: [...merged.columns], Location: location },
    PartitionKeys: existing.PartitionKeys ?? incoming.PartitionKeys,
    Parameters: { ...(existing.Parameters ?? {}), ...(newer ? (incoming.Parameters ?? {}) : {}) },
  };
  return { tableInput, added: merged.added, newer, notes: merged.notes };
}

/** The fields of a GetTable answer that UpdateTable accepts back. */
function existingAsInput(table: Table): TableInput {
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    StorageDescriptor: table.StorageDescriptor,
    PartitionKeys: table.PartitionKeys,
    TableType: table.TableType,
    Parameters: table.Parameters,
  };
}
