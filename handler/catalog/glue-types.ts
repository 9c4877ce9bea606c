// The Athena/Glue (Hive DDL) type of an exported column (pure).
//
// Sources: AWS's "Data conversion when exporting to an Amazon S3 bucket" (RDS User Guide: MySQL
// and MariaDB types keep a Parquet type, e.g. DATETIME as INT64 TIMESTAMP_MICROS and DECIMAL as
// DECIMAL(p,s); PostgreSQL's numerics, dates, timestamps and most other types are BYTE_ARRAY
// STRING), and Athena's "Data types in Amazon Athena" (DECIMAL precision and scale at most 38;
// DDL has no TIME type). So the mapping follows what the export itself says it wrote
// (`expectedExportedType`), not the source type; the source type is only a fallback when RDS
// states nothing. PostgreSQL's text columns are read back with their types by the typed views
// (views.ts). Proven against real Parquet files in __tests__/handler/catalog/glue-types-parquet.test.ts.
import type { ExportedColumn } from '../contract/manifest';

/** An Athena/Glue column type, and why it deserves a look when the mapping had to guess. */
export interface GlueColumnType {
  /** Hive DDL spelling, as Glue stores it: "bigint", "decimal(12,2)", "string", ... */
  readonly type: string;
  /** Set when the mapping guessed or reads the data in an unusual way; log it. */
  readonly note?: string;
}

/** Athena's largest DECIMAL precision. */
export const MAX_DECIMAL_PRECISION = 38;

/**
 * Maps an exported column to its Athena/Glue type.
 *
 * | `expectedExportedType` (Parquet written by RDS) | Glue/Athena type | notes |
 * | --- | --- | --- |
 * | `int32` | `int` | |
 * | `int64` | `bigint` | |
 * | `int32 (INT_8)` / `(INT_16)` / `(UINT_8)` / `(UINT_16)` | `tinyint` / `smallint` / `smallint` / `int` | widened where unsigned |
 * | `int64 (UINT_64)`, `int32 (UINT_32)` | `bigint` | UINT_64 values above 2^63-1 cannot be read exactly (note) |
 * | `float` | `float` | |
 * | `double` | `double` | |
 * | `boolean` | `boolean` | |
 * | `binary (UTF8)`, `(STRING)`, `(JSON)`, `(ENUM)` | `string` | JSON, arrays, enums, UUIDs, big decimals and every other type RDS writes as text |
 * | `binary`, `binary (BSON)`, `fixed_len_byte_array(n)` | `binary` | |
 * | `decimal(p,s)` on any physical type, p ≤ 38 | `decimal(p,s)` | |
 * | `decimal(p,s)`, p > 38 | `string` | Athena has no such decimal (note) |
 * | `int32 (DATE)` | `date` | |
 * | `int64 (TIMESTAMP_MICROS)`, `int64 (TIMESTAMP_MILLIS)`, `int96`, with or without time zone | `timestamp` | instants in UTC |
 * | `int64 (TIME_MICROS)` | `bigint` | microseconds since midnight: Athena's DDL has no TIME type (note) |
 * | `int32 (TIME_MILLIS)` | `int` | milliseconds since midnight (note) |
 * | empty (RDS stated nothing) | from `originalType`: integers, floats, booleans and text types as above, else `string` | always a note |
 * | anything else | `string` | note: unknown type |
 */
export function glueType(column: ExportedColumn): GlueColumnType {
  const exported = normalizeTypeText(column.expectedExportedType ?? '');
  if (exported === '') return fromOriginalType(normalizeTypeText(column.originalType ?? ''), column.columnName);
  return fromExportedType(exported, column.expectedExportedType);
}

function normalizeTypeText(text: string): string {
  return String(text).trim().toLowerCase().replace(/\s+/g, ' ');
}

function decimalType(precision: number, scale: number, stated: string): GlueColumnType {
  if (precision >= 1 && precision <= MAX_DECIMAL_PRECISION && scale >= 0 && scale <= precision) return { type: `decimal(${precision},${scale})` };
  return {
    type: 'string',
    note: `"${stated}" is beyond Athena's decimal(${MAX_DECIMAL_PRECISION},s); mapped to string, which reads only if RDS wrote the values as text`,
  };
}

const INTEGER_ANNOTATIONS: Readonly<Record<string, GlueColumnType>> = {
  int_8: { type: 'tinyint' },
  int_16: { type: 'smallint' },
  int_32: { type: 'int' },
  int_64: { type: 'bigint' },
  uint_8: { type: 'smallint' },
  uint_16: { type: 'int' },
  uint_32: { type: 'bigint' },
  uint_64: { type: 'bigint', note: 'unsigned 64-bit integers above 9223372036854775807 cannot be read exactly as bigint' },
};

const TEXT_ANNOTATIONS = new Set(['utf8', 'string', 'json', 'enum']);

const PLAIN_PHYSICAL: Readonly<Record<string, string>> = {
  int32: 'int',
  int64: 'bigint',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  binary: 'binary',
  byte_array: 'binary',
};

function fromExportedType(exported: string, stated: string): GlueColumnType {
  const decimal = /decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(exported);
  if (decimal) return decimalType(Number(decimal[1]), Number(decimal[2] ?? 0), stated);

  const physical = /^[a-z_0-9]+/.exec(exported)?.[0] ?? '';
  // "fixed_len_byte_array(16)" carries its length, then perhaps an annotation: "(UUID)".
  const rest = exported
    .slice(physical.length)
    .replace(/^\s*\(\s*\d+\s*\)/, '')
    .trim();
  const annotation = rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1).trim() : rest;

  if (physical === 'int96' || exported.includes('timestamp')) return { type: 'timestamp' };
  if (annotation === 'date' || annotation.startsWith('date(')) return { type: 'date' };
  if (/^time(?:_|\b|\()/.test(annotation)) {
    const unit = physical === 'int32' || annotation.includes('millis') ? 'milliseconds' : 'microseconds';
    return {
      type: physical === 'int32' ? 'int' : 'bigint',
      note: `a time of day ("${stated}") reads as ${unit} since midnight: Athena's DDL has no TIME type`,
    };
  }
  const integer = INTEGER_ANNOTATIONS[annotation];
  if (integer !== undefined && (physical === 'int32' || physical === 'int64')) return integer;
  if (physical === 'binary' || physical === 'byte_array') {
    if (annotation === '' || annotation === 'bson') return { type: 'binary' };
    if (TEXT_ANNOTATIONS.has(annotation)) return { type: 'string' };
  }
  if (physical === 'fixed_len_byte_array' && annotation === '') return { type: 'binary' };
  const plain = annotation === '' ? PLAIN_PHYSICAL[physical] : undefined;
  if (plain !== undefined) return { type: plain };
  return { type: 'string', note: `unknown exported type "${stated}"; mapped to string, check that Athena reads the column` };
}

// Source types whose Parquet type the AWS tables give without doubt (the same for MySQL and
// PostgreSQL, and in every version of the tables). The rest, dates and numerics above all,
// changed between versions, so they fall back to string with a note.
const ORIGINAL_TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:bigint|bigserial|int8|serial8)$/, 'bigint'],
  [/^(?:integer|int|int4|serial|serial4|mediumint)$/, 'int'],
  [/^(?:smallint|int2|smallserial|serial2|tinyint)$/, 'int'],
  // MySQL's FLOAT is written as DOUBLE (AWS's table), PostgreSQL's float is float8.
  [/^(?:double precision|float8|double|float)$/, 'double'],
  [/^(?:real|float4)$/, 'float'],
  [/^(?:boolean|bool)$/, 'boolean'],
  [/^(?:bytea)$/, 'binary'],
  [
    /^(?:character varying|varchar|character|char|bpchar|text|tinytext|mediumtext|longtext|name|citext|json|jsonb|xml|uuid|enum|set|inet|cidr|macaddr|macaddr8|money|interval|tsvector|tsquery|point|line|lseg|box|path|polygon|circle|bit|bit varying|varbit|int4range|int8range|numrange|tsrange|tstzrange|daterange|user-defined)(?:\s*\(.*\))?$|\[\]$|^array$/,
    'string',
  ],
];

function fromOriginalType(original: string, columnName: string): GlueColumnType {
  for (const [pattern, type] of ORIGINAL_TYPES) {
    if (pattern.test(original)) return { type, note: `RDS stated no Parquet type for "${columnName}"; mapped from its source type "${original}"` };
  }
  return {
    type: 'string',
    note: `RDS stated no Parquet type for "${columnName}" and its source type "${original}" is not one we map; mapped to string, check that Athena reads the column`,
  };
}
