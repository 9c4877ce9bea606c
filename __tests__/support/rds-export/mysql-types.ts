// How an RDS export writes each MySQL/MariaDB column (pure). AWS, RDS user guide "Data conversion
// when exporting to an Amazon S3 bucket", table "MySQL and MariaDB data type mapping to Parquet":
// - BIGINT → INT64; BIGINT UNSIGNED → FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0); BIT → BYTE_ARRAY;
//   DECIMAL/NUMERIC → INT32/INT64/FIXED_LEN_BYTE_ARRAY(N) DECIMAL(p,s), and BYTE_ARRAY STRING
//   above precision 38; DOUBLE and FLOAT → DOUBLE; INT → INT32; INT UNSIGNED → INT64;
//   MEDIUMINT → INT32; MEDIUMINT UNSIGNED → INT64; SMALLINT and SMALLINT UNSIGNED → INT32;
//   TINYINT → INT32; TINYINT UNSIGNED → INT32 INT(16, true).
// - BINARY, BLOB, CHAR, LONGBLOB, MEDIUMBLOB, TINYBLOB, VARBINARY → BYTE_ARRAY (no annotation;
//   CHAR included, as the table says); ENUM, LONGTEXT, MEDIUMTEXT, SET, TEXT, TINYTEXT, VARCHAR
//   → BYTE_ARRAY STRING.
// - DATE and TIME → BYTE_ARRAY STRING ("converted to a string"); DATETIME and TIMESTAMP → INT64
//   TIMESTAMP_MICROS; YEAR → INT32.
// - GEOMETRY, GEOMETRYCOLLECTION, LINESTRING, MULTILINESTRING, MULTIPOINT, MULTIPOLYGON, POINT,
//   POLYGON → BYTE_ARRAY; JSON → BYTE_ARRAY STRING (MariaDB's JSON is LONGTEXT).
// The values come from the server: texts as it prints them, DATETIME/TIMESTAMP as its own count of
// microseconds since 1970-01-01 00:00 in UTC (TIMESTAMPDIFF, session time zone +00:00, RDS's
// default), FLOAT widened to DOUBLE by the server (CAST AS DOUBLE), binary types as their bytes
// (geometries in the server's internal form: 4-byte SRID then WKB; AWS does not say which form
// it writes).
import { BINARY, decimalType, DOUBLE, INT16, INT32, INT64, type ParquetType, STRING, TIMESTAMP_MICROS, unscaledDecimal } from './parquet-types';

/** What information_schema.COLUMNS says about a column. */
export interface MysqlColumnInfo {
  readonly name: string;
  /** DATA_TYPE: "int", "varchar", "decimal", ... */
  readonly dataType: string;
  /** COLUMN_TYPE: "int(10) unsigned", "decimal(10,2)", "enum('a','b')", ... */
  readonly columnType: string;
  readonly numericPrecision: number | null;
  readonly numericScale: number | null;
}

/** How the emulator reads a column and what it writes. */
export interface MysqlColumnMapping {
  readonly parquet: ParquetType;
  /** The type's name as RDS states it in originalType: DATA_TYPE, with " unsigned" when it is. */
  readonly originalType: string;
  /** The select-list expression for the quoted column name. */
  readonly select: (quotedColumn: string) => string;
  /** Read the value as bytes (true) or as text in utf8mb4 (false). */
  readonly binary: boolean;
  /** The value to write, from the server's text or bytes (never null). */
  readonly value: (raw: string | Buffer) => unknown;
}

const asIs = (column: string): string => column;
const text = (raw: string | Buffer): unknown => raw;
const bytes = (raw: string | Buffer): unknown => new Uint8Array(raw as Buffer);
const utf8Bytes = (raw: string | Buffer): unknown => new Uint8Array(Buffer.from(raw as string, 'utf8'));
const number = (raw: string | Buffer): unknown => Number(raw);
const bigInteger = (raw: string | Buffer): unknown => BigInt(raw as string);

function mapping(
  parquet: ParquetType,
  value: MysqlColumnMapping['value'],
  options: { binary?: boolean; select?: (c: string) => string } = {},
): Omit<MysqlColumnMapping, 'originalType'> {
  return { parquet, value, binary: options.binary ?? false, select: options.select ?? asIs };
}

const BINARY_TYPES = ['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit'];
const GEOMETRY_TYPES = ['geometry', 'geometrycollection', 'linestring', 'multilinestring', 'multipoint', 'multipolygon', 'point', 'polygon'];
const STRING_TYPES = ['varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set', 'json', 'date', 'time'];

/** The mapping of one column; throws for a type AWS's table does not list. */
export function mysqlColumnMapping(column: MysqlColumnInfo): MysqlColumnMapping {
  const type = column.dataType.toLowerCase();
  const unsigned = /\bunsigned\b/i.test(column.columnType);
  const originalType = unsigned ? `${type} unsigned` : type;
  const found = ((): Omit<MysqlColumnMapping, 'originalType'> | undefined => {
    switch (type) {
      case 'tinyint':
        return mapping(unsigned ? INT16 : INT32, number);
      case 'smallint':
        return mapping(INT32, number);
      case 'mediumint':
      case 'int':
        return unsigned ? mapping(INT64, bigInteger) : mapping(INT32, number);
      case 'bigint':
        return unsigned ? mapping(decimalType(20, 0), bigInteger) : mapping(INT64, bigInteger);
      case 'decimal': {
        const precision = column.numericPrecision ?? 10;
        const scale = column.numericScale ?? 0;
        const parquet = decimalType(precision, scale);
        return mapping(parquet, parquet === STRING ? text : (raw) => unscaledDecimal(raw as string, scale));
      }
      case 'float':
        return mapping(DOUBLE, number, { select: (c) => `CAST(${c} AS DOUBLE)` });
      case 'double':
        return mapping(DOUBLE, number);
      case 'datetime':
      case 'timestamp':
        return mapping(TIMESTAMP_MICROS, bigInteger, { select: (c) => `TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${c})` });
      case 'year':
        return mapping(INT32, number);
      case 'char':
        return mapping(BINARY, utf8Bytes);
      default:
        if (BINARY_TYPES.includes(type) || GEOMETRY_TYPES.includes(type)) return mapping(BINARY, bytes, { binary: true });
        if (STRING_TYPES.includes(type)) return mapping(STRING, text);
        return undefined;
    }
  })();
  if (found === undefined) {
    throw new Error(
      `column "${column.name}" is of type ${column.columnType}, which AWS's MySQL and MariaDB table does not list, so the emulator cannot say what RDS writes`,
    );
  }
  return { ...found, originalType };
}
