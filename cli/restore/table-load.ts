// What a loader gets for one table, shared by the PostgreSQL and MySQL loaders.
import type { IfExists, TablePlan } from '../../handler/restore';

/** One file's text lines, produced as the loader asks for them. */
export type LineSource = AsyncIterable<{ readonly text: Buffer; readonly rows: number }>;

/** One table to load. */
export interface TableLoad {
  /** The plan, with the final column types. */
  readonly plan: TablePlan;
  readonly ifExists: IfExists;
  /** Each file's lines, in order; a file is opened when its turn comes. */
  readonly files: readonly (() => LineSource)[];
  /** Called as rows are sent. */
  readonly onRows: (rows: number) => void;
}

/** A loader: checks whether a table exists, and loads one. */
export interface Loader {
  exists(schema: string, table: string): Promise<boolean>;
  /** Loads the table safely (staging, then into place in one transaction); returns the rows loaded. */
  load(table: TableLoad): Promise<number>;
  close(): Promise<void>;
}
