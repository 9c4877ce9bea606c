// Quoting names into SQL (pure): every table and column name in the restore's SQL goes through here.
import { RestoreError } from './restore-error';
import type { Engine } from './target-url';

/** A name quoted for the engine: "name" (PostgreSQL) or `name` (MySQL), inner quotes doubled. */
export function quoteName(engine: Engine, name: string): string {
  if (name.includes('\0')) throw new RestoreError(`the name ${JSON.stringify(name)} holds a NUL character, which no database accepts`);
  return engine === 'postgres' ? `"${name.replace(/"/g, '""')}"` : `\`${name.replace(/`/g, '``')}\``;
}

/** schema.table, quoted. */
export function qualifiedName(engine: Engine, schema: string, table: string): string {
  return `${quoteName(engine, schema)}.${quoteName(engine, table)}`;
}

/** Longest identifier: PostgreSQL truncates past 63 bytes, MySQL refuses past 64 characters. */
const MAX_NAME: Readonly<Record<Engine, number>> = { postgres: 63, mysql: 64 };

/**
 * The staging table of a restore into `table`: the same name on every run, so a rerun finds
 * (and drops) what a killed run left, and recognisably the restore's.
 */
export function stagingName(engine: Engine, table: string): string {
  const prefix = '_restore_';
  let name = `${prefix}${table}`;
  while (Buffer.byteLength(name, 'utf8') > MAX_NAME[engine]) name = name.slice(0, -1);
  return name;
}

/** A string literal: 'text', quotes doubled (backslashes too for MySQL, which reads them as escapes). */
export function quoteLiteral(engine: Engine, text: string): string {
  const body = engine === 'mysql' ? text.replace(/\\/g, '\\\\').replace(/'/g, "''") : text.replace(/'/g, "''");
  return `'${body}'`;
}
