// How an RDS export writes each PostgreSQL column (pure). AWS, RDS user guide "Data conversion
// when exporting to an Amazon S3 bucket", table "PostgreSQL data type mapping to Parquet":
// SMALLINT/SMALLSERIAL → INT32 INT(16, true); INTEGER/SERIAL → INT32; BIGINT/BIGSERIAL → INT64;
// REAL → FLOAT; DOUBLE PRECISION → DOUBLE; BOOLEAN → BOOLEAN; BYTEA → BINARY; OBJECT IDENTIFIER
// → N/A; every other type it lists (DECIMAL, MONEY, arrays, BIT, CHAR, ENUM, NAME, TEXT, text
// search, VARCHAR, XML, dates and times, geometric types, JSON/JSONB, CIDR, COMPOSITE, DOMAIN,
// INET, MACADDR, PG_LSN, RANGE, UUID) → BYTE_ARRAY STRING. The text is PostgreSQL's own output of
// the value, so the emulator reads those columns as `column::text` and never formats them itself.
import { BINARY, BOOLEAN, DOUBLE, FLOAT, INT16, INT32, INT64, type ParquetType, STRING } from './parquet-types';

/** What the catalog says about a column. */
export interface PostgresColumnInfo {
  readonly name: string;
  /** information_schema.columns.data_type: "integer", "character varying", "ARRAY", "USER-DEFINED", ... */
  readonly dataType: string;
  /** pg_type.typname of the column's type: "int4", "_int4", "my_enum", ... */
  readonly typeName: string;
  /** pg_type.typtype: b(ase), d(omain), e(num), c(omposite), r(ange), m(ultirange), p(seudo). */
  readonly typeKind: string;
}

/** How the emulator reads a column and what it writes. */
export interface PostgresColumnMapping {
  readonly parquet: ParquetType;
  /** The select-list expression for the quoted column name. */
  readonly select: (quotedColumn: string) => string;
  /** The value to write, from what node-postgres returns for that expression (never null). */
  readonly value: (raw: unknown) => unknown;
}

const asText = (column: string): string => `${column}::text`;

// Integers and floats are read as PostgreSQL prints them and parsed, which is exact: integers
// fit their Parquet type, and PostgreSQL prints floats in their shortest exact form (NaN and
// ±Infinity included, which Number() reads).
const TYPED: Readonly<Record<string, PostgresColumnMapping>> = {
  int2: { parquet: INT16, select: asText, value: (raw) => Number(raw) },
  int4: { parquet: INT32, select: asText, value: (raw) => Number(raw) },
  int8: { parquet: INT64, select: asText, value: (raw) => BigInt(raw as string) },
  float4: { parquet: FLOAT, select: asText, value: (raw) => Number(raw) },
  float8: { parquet: DOUBLE, select: asText, value: (raw) => Number(raw) },
  bool: { parquet: BOOLEAN, select: asText, value: (raw) => raw === 'true' },
  // node-postgres returns bytea as a Buffer of the stored bytes.
  bytea: { parquet: BINARY, select: (column) => column, value: (raw) => new Uint8Array(raw as Buffer) },
};

const TEXT: PostgresColumnMapping = { parquet: STRING, select: asText, value: (raw) => raw };

// AWS's table gives OBJECT IDENTIFIER no Parquet type ("N/A"), so what RDS writes is unknown.
const UNMAPPED = new Set([
  'oid',
  'regclass',
  'regproc',
  'regprocedure',
  'regoper',
  'regoperator',
  'regtype',
  'regconfig',
  'regdictionary',
  'regnamespace',
  'regrole',
  'regcollation',
]);

/** The mapping of one column; throws for a type AWS's table gives no Parquet type. */
export function postgresColumnMapping(column: PostgresColumnInfo): PostgresColumnMapping {
  if (UNMAPPED.has(column.typeName)) {
    throw new Error(
      `column "${column.name}" is of type ${column.typeName}: AWS's PostgreSQL table maps OBJECT IDENTIFIER to N/A, so the emulator cannot say what RDS writes`,
    );
  }
  // A domain is written as text (AWS: DOMAIN → STRING) even over an integer type.
  if (column.typeKind === 'b') return TYPED[column.typeName] ?? TEXT;
  return TEXT;
}
