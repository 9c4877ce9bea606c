// PostgreSQL column types from what the export states (pure): the source's type name with the
// length, precision and fractional-second digits RDS gives. RDS writes every non-native value
// as PostgreSQL's own text output, so a column re-created with its type loads that text as is.
import type { ExportedColumn } from '../contract/manifest';
import type { RecoveredScale } from './numeric-scale';

/** A target column type, and why it differs from the source's when it does. */
export interface TargetType {
  readonly type: string;
  /** Set when the type is not the source's exactly (e.g. an enum restored as text). */
  readonly note?: string;
}

// Names information_schema, format_type and pg_type use for the same types.
const ALIASES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  char: 'character',
  decimal: 'numeric',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  timetz: 'time with time zone',
  time: 'time without time zone',
  varbit: 'bit varying',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

// Built-in types whose text output loads back as is, with no modifier to carry.
const PLAIN = new Set([
  'smallint',
  'integer',
  'bigint',
  'real',
  'double precision',
  'boolean',
  'text',
  'bytea',
  'date',
  'json',
  'jsonb',
  'uuid',
  'xml',
  'money',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
  'tsvector',
  'tsquery',
  'pg_lsn',
  'int4range',
  'int8range',
  'numrange',
  'tsrange',
  'tstzrange',
  'daterange',
  'int4multirange',
  'int8multirange',
  'nummultirange',
  'tsmultirange',
  'tstzmultirange',
  'datemultirange',
  'name',
  '"char"',
  'oid',
  'txid_snapshot',
  'pg_snapshot',
]);

const TIME_TYPES = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone']);

const AS_TEXT =
  "restored as text, in the type's own text form; to get the type back, create it if needed and ALTER TABLE ... ALTER COLUMN ... TYPE it USING the column";

/** Whether a column's scale must be recovered from the data: numeric with a stated precision and no stated scale. */
export function needsScaleRecovery(column: ExportedColumn): boolean {
  return baseName(column.originalType) === 'numeric' && column.originalNumPrecision !== undefined && column.originalNumScale === undefined;
}

function baseName(originalType: string): string {
  const name = originalType.trim().toLowerCase();
  return ALIASES[name] ?? name;
}

/** "timestamp with time zone" with p digits → "timestamp(3) with time zone". */
function withPrecision(name: string, digits: number | undefined): string {
  if (digits === undefined || digits === 6) return name;
  const [head, ...tail] = name.split(' ');
  return [`${head}(${digits})`, ...tail].join(' ');
}

function numericType(column: ExportedColumn, scale: RecoveredScale | undefined): TargetType {
  const precision = column.originalNumPrecision;
  if (precision === undefined) return { type: 'numeric' };
  if (column.originalNumScale !== undefined) return { type: `numeric(${precision},${column.originalNumScale})` };
  if (scale?.kind === 'scale') return { type: `numeric(${precision},${Math.min(scale.scale, precision)})` };
  if (scale?.kind === 'mixed') {
    return {
      type: 'numeric',
      note: `values with different numbers of decimals: restored as numeric without a precision (the export states precision ${precision})`,
    };
  }
  return {
    type: 'numeric',
    note: `no value to read the scale from (every value is NULL, or the table is empty): restored as numeric without a precision; ALTER COLUMN ... TYPE numeric(${precision},s) once you know s`,
  };
}

// Element types of array columns as pg_type names them ("_int4") or format_type does ("integer[]").
function arrayType(column: ExportedColumn, scale: RecoveredScale | undefined): TargetType | undefined {
  const name = column.originalType.trim().toLowerCase();
  const element = name.endsWith('[]') ? name.slice(0, -2) : name.startsWith('_') ? name.slice(1) : undefined;
  if (element === undefined) return undefined;
  const inner = postgresColumnType({ ...column, originalType: element }, scale);
  return inner.note === undefined
    ? { type: `${inner.type}[]` }
    : { type: 'text', note: `an array of ${element}, which the export does not define: ${AS_TEXT}` };
}

/**
 * The PostgreSQL type for a column. Types named with their modifiers (format_type's
 * "numeric(12,2)") are taken as they are; types named without ("numeric", "character varying")
 * get the stated length, precision, scale (or the recovered scale) and fractional digits.
 * Types the export cannot describe (enums, domains, composites, extensions, arrays named only
 * "ARRAY") come back as text, with a note.
 */
export function postgresColumnType(column: ExportedColumn, scale?: RecoveredScale): TargetType {
  const name = baseName(column.originalType);
  if (/^[a-z][a-z ]*\(\d+(,\s*\d+)?\)( with(out)? time zone)?(\[\])?$/.test(name)) return { type: name };
  const array = arrayType(column, scale);
  if (array !== undefined) return array;
  if (PLAIN.has(name)) return { type: name };
  if (name === 'numeric') return numericType(column, scale);
  if (name === 'character varying' || name === 'character') {
    const length = column.originalCharMaxLength;
    return { type: length === undefined ? (name === 'character' ? 'character(1)' : name) : `${name}(${length})` };
  }
  if (name === 'bit' || name === 'bit varying') {
    const length = column.originalCharMaxLength;
    return { type: length === undefined ? (name === 'bit' ? 'bit(1)' : name) : `${name}(${length})` };
  }
  if (TIME_TYPES.has(name)) return { type: withPrecision(name, column.originalDateTimePrecision) };
  if (name === 'interval') {
    const digits = column.originalDateTimePrecision;
    return { type: digits === undefined || digits === 6 ? 'interval' : `interval(${digits})` };
  }
  if (name === 'array') return { type: 'text', note: `the export says "ARRAY" but not of what: ${AS_TEXT}` };
  if (name === 'user-defined') return { type: 'text', note: `the export says "USER-DEFINED" (an enum, composite or extension type) but not which: ${AS_TEXT}` };
  return { type: 'text', note: `the export's type "${column.originalType}" is not one this restore knows: ${AS_TEXT}` };
}
