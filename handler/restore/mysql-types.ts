// MySQL/MariaDB column types from what the export states (pure): the source's column type when
// RDS gives it whole ("decimal(12,2)", "enum('a','b')", "bigint unsigned"), else the type name
// with the stated length, precision and fractional-second digits, and what the Parquet type
// says (DECIMAL(p,s); DECIMAL(20,0) for BIGINT UNSIGNED; INT64 for INT UNSIGNED).
import type { ExportedColumn } from '../contract/manifest';
import type { RecoveredScale } from './numeric-scale';
import type { TargetType } from './postgres-types';

/** How a MySQL column's values are loaded: as text, from hex bytes (UNHEX), or as a BIT number. */
export type MysqlLoadAs = 'text' | 'bytes' | 'bit';

const PLAIN = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'bigint',
  'float',
  'double',
  'date',
  'year',
  'json',
  'text',
  'tinytext',
  'mediumtext',
  'longtext',
  'blob',
  'tinyblob',
  'mediumblob',
  'longblob',
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);

const ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  real: 'double',
  'double precision': 'double',
  numeric: 'decimal',
  bool: 'tinyint(1)',
  boolean: 'tinyint(1)',
};

const BYTES =
  /^(binary|varbinary|tinyblob|blob|mediumblob|longblob|geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection)\b/;

// A whole column type as information_schema.COLUMNS.COLUMN_TYPE writes it.
const QUOTED_LIST = String.raw`'(?:[^'\\]|''|\\.)*'(?:,'(?:[^'\\]|''|\\.)*')*`;
const WHOLE_TYPE = new RegExp(String.raw`^(?:(?:enum|set)\(${QUOTED_LIST}\)|[a-z]+(?:\(\d+(?:,\d+)?\))?(?: unsigned)?(?: zerofill)?)$`);

function decimalOf(expectedExportedType: string): { precision: number; scale: number } | undefined {
  const m = /decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/i.exec(expectedExportedType);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

function unsignedFromParquet(name: string, expected: string): boolean {
  const e = expected.toLowerCase();
  if (name === 'bigint') return /decimal\s*\(\s*20\s*,\s*0\s*\)/.test(e);
  if (name === 'int' || name === 'mediumint') return /int64/.test(e);
  if (name === 'tinyint') return /int_16|int\(16/.test(e);
  return false;
}

/**
 * Whether a DECIMAL column's scale must be read from the data: above precision 38 RDS writes
 * decimals as strings, and neither the export nor the Parquet type then states the scale.
 * MySQL prints every value of decimal(p,s) with exactly s decimals, as PostgreSQL does.
 */
export function mysqlNeedsScale(column: ExportedColumn): boolean {
  const name = column.originalType
    .trim()
    .toLowerCase()
    .replace(/ unsigned$/, '');
  return (name === 'decimal' || name === 'numeric') && column.originalNumScale === undefined && decimalOf(column.expectedExportedType) === undefined;
}

function decimalType(column: ExportedColumn, scale: RecoveredScale | undefined): TargetType {
  const stated = decimalOf(column.expectedExportedType);
  const precision = column.originalNumPrecision ?? stated?.precision;
  if (precision === undefined) return { type: 'decimal(65,30)', note: 'the export states no precision: restored as decimal(65,30)' };
  const known = column.originalNumScale ?? stated?.scale ?? (scale?.kind === 'scale' ? scale.scale : undefined);
  if (known !== undefined) return { type: `decimal(${precision},${Math.min(known, 30, precision)})` };
  const fallback = Math.min(30, precision);
  return {
    type: `decimal(${precision},${fallback})`,
    note: `no value to read the scale from: restored as decimal(${precision},${fallback}); ALTER TABLE ... MODIFY it once you know the scale`,
  };
}

/** The MySQL type for a column (with the scale the data showed, where it had to be read), and a note when it is not the source's exactly. */
export function mysqlColumnType(column: ExportedColumn, scale?: RecoveredScale): TargetType {
  const raw = column.originalType.trim();
  const lower = raw.toLowerCase();
  const name = ALIASES[lower] ?? lower;
  if (name !== lower) return { type: name };
  // RDS states the type's name with " unsigned" for unsigned columns.
  const unsigned = /^([a-z]+) unsigned$/.exec(name);
  if (
    unsigned !== null &&
    (['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double'].includes(unsigned[1]!) || unsigned[1] === 'integer')
  ) {
    const base = mysqlColumnType({ ...column, originalType: unsigned[1]! }, scale);
    return { ...base, type: base.type.endsWith(' unsigned') ? base.type : `${base.type} unsigned` };
  }
  if (name.includes('(') || name.includes(' ')) {
    const normal = /^(enum|set)\(/.test(name) ? `${name.slice(0, name.indexOf('('))}${raw.slice(raw.indexOf('('))}` : name;
    if (WHOLE_TYPE.test(normal)) return { type: normal };
    return { type: 'longtext', note: `type "${raw}" is not one this restore can read: restored as longtext` };
  }
  const expected = column.expectedExportedType;
  if (['tinyint', 'smallint', 'mediumint', 'int', 'bigint'].includes(name)) {
    return { type: unsignedFromParquet(name, expected) ? `${name} unsigned` : name };
  }
  if (PLAIN.has(name)) return { type: name };
  if (name === 'decimal') return decimalType(column, scale);
  if (name === 'varchar' || name === 'char' || name === 'varbinary' || name === 'binary') {
    const length = column.originalCharMaxLength;
    if (length !== undefined) return { type: `${name}(${length})` };
    return name.startsWith('var')
      ? {
          type: name === 'varchar' ? 'longtext' : 'longblob',
          note: `the export states no length for ${name}: restored as ${name === 'varchar' ? 'longtext' : 'longblob'}`,
        }
      : { type: `${name}(255)`, note: `the export states no length for ${name}: restored as ${name}(255)` };
  }
  if (name === 'datetime' || name === 'timestamp' || name === 'time') {
    const digits = column.originalDateTimePrecision;
    return { type: digits === undefined ? name : `${name}(${digits})` };
  }
  if (name === 'bit') return { type: `bit(${column.originalNumPrecision ?? column.originalCharMaxLength ?? 64})` };
  if (name === 'enum' || name === 'set') {
    const length = column.originalCharMaxLength ?? 255;
    return {
      type: `varchar(${length})`,
      note: `the export states no ${name} values: restored as varchar(${length}); ALTER TABLE ... MODIFY the column back to the ${name} once you know its values`,
    };
  }
  return { type: 'longtext', note: `type "${raw}" is not one this restore knows: restored as longtext` };
}

/** How values of a column of this MySQL type are loaded. */
export function mysqlLoadAs(type: string): MysqlLoadAs {
  if (/^bit\b/.test(type)) return 'bit';
  return BYTES.test(type) ? 'bytes' : 'text';
}
