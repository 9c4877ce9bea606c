// What the emulator reads from a database before writing an export: tables, their columns with
// the catalog facts RDS states, and their rows in batches (one batch per table, or one per
// partition of a PostgreSQL partitioned table).
import type { ParquetType } from './parquet-types';

export interface SourceColumn {
  readonly name: string;
  readonly parquet: ParquetType;
  /** The type's name as the engine's information_schema gives it. */
  readonly originalType: string;
  readonly originalCharMaxLength: number;
  readonly originalNumPrecision: number;
  readonly originalDateTimePrecision: number;
}

export interface SourceTable {
  /** PostgreSQL schema; for MySQL/MariaDB, the database. */
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly SourceColumn[];
  /** Rows by batch, each batch column by column (values ready for the Parquet writer, null for NULL). */
  readonly batches: readonly (readonly (readonly unknown[])[])[];
}

/** "12" → 12, null → 0: RDS states 0 where the catalog has no value. */
export function catalogNumber(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
