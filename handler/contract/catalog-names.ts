// Glue Data Catalog names for the archive's databases, tables and columns (pure).
//
// Rules (Glue accepts up to 255 characters; Athena's DDL and most tools are happier with short,
// lower-case [a-z0-9_] names, so we keep to that and to 128 characters):
// - lower case; every run of other characters becomes one "_".
// - Databases and tables: runs of "_" collapse to one, leading and trailing "_" go, and a name
//   that does not start with a letter gets a prefix ("db_" or "t_"), so it can be written in
//   Athena SQL without quotes.
// - Columns: only what must change changes. Athena finds a Parquet column by its name (compared
//   in lower case), so a column keeps its underscores and a leading digit (Athena reads it when
//   quoted); a column whose name had to change otherwise cannot be matched to the file's column,
//   which glueColumnName's callers report (see {@link columnNameChanged}).
// - Longer than 128 characters: cut, and ended with "_" and a hash of the original name, so two
//   long names that share their first 120 characters stay apart.
import { createHash } from 'node:crypto';

/** Longest name we make: Glue allows 255, Athena DDL and tools prefer short names. */
export const MAX_GLUE_NAME_LENGTH = 128;

/** Hex digits of the hash that ends a shortened or disambiguated name. */
const HASH_LENGTH = 8;

/** A database or table name we make: starts with a letter, then [a-z0-9_], no "__", no trailing "_". */
const VALID_ENTITY_NAME = /^[a-z](?:[a-z0-9]|_(?!_))*$/;
/** A column name we make: [a-z0-9_], not empty. */
const VALID_COLUMN_NAME = /^[a-z0-9_]+$/;

/** A stable hex hash of an original name; `length` hex digits (at most 64). */
export function nameHash(original: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(original, 'utf8').digest('hex').slice(0, length);
}

/** True when `name` is a database or table name by our rules (and Glue's). */
export function isValidGlueEntityName(name: string): boolean {
  return name.length <= MAX_GLUE_NAME_LENGTH && VALID_ENTITY_NAME.test(name);
}

/** True when `name` is a column name by our rules (and Glue's). */
export function isValidGlueColumnName(name: string): boolean {
  return name.length <= MAX_GLUE_NAME_LENGTH && VALID_COLUMN_NAME.test(name);
}

/** `name`, or if longer than the limit, its start and "_<hash of original>". */
function fitLength(name: string, original: string): string {
  if (name.length <= MAX_GLUE_NAME_LENGTH) return name;
  const suffix = `_${nameHash(original)}`;
  return `${name.slice(0, MAX_GLUE_NAME_LENGTH - suffix.length).replace(/_+$/, '')}${suffix}`;
}

function entityName(raw: string, prefix: string): string {
  let name = raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return `${prefix}${nameHash(raw)}`;
  if (!/^[a-z]/.test(name)) name = `${prefix}${name}`;
  return fitLength(name, raw);
}

/**
 * What every Glue database of an archive starts with: the archive's name, normalized, and "_".
 * IAM policies scope the catalog permissions to `database/<prefix>*`.
 */
export function glueDatabasePrefix(archiveName: string): string {
  return `${entityName(archiveName, 'db_')}_`;
}

/**
 * The archive name a vault catalogs one source account's exports under: `<archive name>_<account id>`.
 * Its Glue databases are then `<archive name>_<account id>_<DB identifier>` (glueDatabaseName), so
 * two source accounts with a database of the same identifier never share a database or table, and
 * every name still starts with glueDatabasePrefix(archive name), which the IAM policies scope to.
 * A single-account archive's databases cannot take these names: DB identifiers start with a letter.
 */
export function sourceCatalogName(archiveName: string, sourceAccountId: string): string {
  return `${archiveName}_${sourceAccountId}`;
}

/** The Glue database of one source database: `<archive name>_<DB instance or cluster identifier>`, normalized. */
export function glueDatabaseName(archiveName: string, dbIdentifier: string): string {
  return entityName(`${archiveName}_${dbIdentifier}`, 'db_');
}

/**
 * The Glue table of an export target: "<db>.<schema>.<table>" (PostgreSQL) becomes
 * `<db>_<schema>_<table>`, "<db>.<table>" (MySQL) `<db>_<table>`, normalized.
 */
export function glueTableName(target: string): string {
  return entityName(target, 't_');
}

/** The Glue column of a source column: lower case, other characters as "_", at most 128 characters. */
export function glueColumnName(name: string): string {
  const normalized = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  if (normalized === '') return `c_${nameHash(name)}`;
  return fitLength(normalized, name);
}

/**
 * True when the column's Glue name is not its source name in lower case: Athena, which matches
 * Parquet columns by name, will then not find the column in the files and read it as NULL.
 */
export function columnNameChanged(original: string, glueName: string): boolean {
  return original.toLowerCase() !== glueName;
}

/** Of names that normalize alike, the one that keeps the plain name: the one already equal to it, else the only one in lower case. */
function keeperOf(members: readonly string[], normalized: string): string | undefined {
  const exact = members.find((m) => m === normalized);
  if (exact !== undefined) return exact;
  const lowerCase = members.filter((m) => m === m.toLowerCase());
  return lowerCase.length === 1 ? lowerCase[0] : undefined;
}

/**
 * Gives every distinct original name its own normalized name. Names that normalize alone keep
 * their normalized name; where several normalize to the same name, the one already equal to it
 * (or else the only one in lower case, if there is one) keeps it and the others get
 * "_<hash of the original>" (cut to fit the length limit). The answer depends only on the set of
 * names, not on their order; a name that gains a twin in a later call may get a suffix then, so
 * callers that keep names over time must check who holds a name (the catalog compares sourceTarget).
 */
export function resolveCollisions(names: readonly string[], normalize: (name: string) => string = glueColumnName): ReadonlyMap<string, string> {
  const originals = [...new Set(names)].sort();
  const groups = new Map<string, string[]>();
  for (const original of originals) {
    const normalized = normalize(original);
    groups.set(normalized, [...(groups.get(normalized) ?? []), original]);
  }
  const result = new Map<string, string>();
  const taken = new Set<string>();
  const pending: Array<{ original: string; base: string }> = [];
  for (const [normalized, members] of groups) {
    const keeper = members.length === 1 ? members[0] : keeperOf(members, normalized);
    if (keeper !== undefined) {
      result.set(keeper, normalized);
      taken.add(normalized);
    }
    for (const member of members) if (member !== keeper) pending.push({ original: member, base: normalized });
  }
  for (const { original, base } of pending) {
    // A longer hash only if a shorter one is taken: with 8 hex digits, a one-in-billions event.
    for (let length = HASH_LENGTH; ; length += HASH_LENGTH) {
      const suffix = `_${nameHash(original, Math.min(length, 64))}`;
      const candidate = `${base.slice(0, MAX_GLUE_NAME_LENGTH - suffix.length).replace(/_+$/, '')}${suffix}`;
      if (!taken.has(candidate) || length >= 64) {
        result.set(original, candidate);
        taken.add(candidate);
        break;
      }
    }
  }
  return result;
}
