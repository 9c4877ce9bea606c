// Typed views over cataloged tables (pure). RDS writes most PostgreSQL types as text (AWS's
// "PostgreSQL data type mapping to Parquet": DECIMAL/NUMERIC, DATE, TIMESTAMP, TIMESTAMP WITH
// TIME ZONE, ... are BYTE_ARRAY STRING holding PostgreSQL's own output), so the table reads them
// as `string`. For each such table a view `<table>_typed` reads them back as `date`, `timestamp`
// and `decimal(p,s)`.
//
// The view is stored the way Athena stores its own views: a Glue table of type VIRTUAL_VIEW whose
// ViewOriginalText is `/* Presto View: <base64 of {originalSql, catalog, schema, columns}> */`
// (what Trino's Hive connector reads and writes). Its SQL uses only TRY_CAST, regexp_extract,
// COALESCE, CASE, arithmetic and INTERVAL literals, which Athena engine 3 (Trino) and DuckDB both
// document, so a test in DuckDB speaks for Athena, and a value that does not parse (PostgreSQL's
// 'infinity', BC dates, 'NaN') reads as NULL instead of failing the query. regexp_extract gives
// NULL on no match in Trino and '' in DuckDB; both TRY_CAST to NULL, so the results agree.
import type { Column, TableInput } from '@aws-sdk/client-glue';
import type { ExportedColumn } from '../contract/manifest';
import { MAX_DECIMAL_PRECISION } from './glue-types';

/** The view of a table `t` is `t_typed`. */
export const TYPED_VIEW_SUFFIX = '_typed';

/** Glue's catalog name for the account's Data Catalog, as Athena writes it into views. */
const ATHENA_CATALOG = 'awsdatacatalog';

/** Column parameters that carry the source column's type, so a view can be rebuilt from the table alone. */
export const SOURCE_COLUMN_PARAMETERS = {
  originalType: 'rds.originalType',
  numPrecision: 'rds.originalNumPrecision',
  numScale: 'rds.originalNumScale',
} as const;

/** The column parameters that describe a source column (see {@link SOURCE_COLUMN_PARAMETERS}). */
export function sourceColumnParameters(column: ExportedColumn): Record<string, string> {
  return {
    [SOURCE_COLUMN_PARAMETERS.originalType]: column.originalType,
    ...(column.originalNumPrecision !== undefined ? { [SOURCE_COLUMN_PARAMETERS.numPrecision]: String(column.originalNumPrecision) } : {}),
    ...(column.originalNumScale !== undefined ? { [SOURCE_COLUMN_PARAMETERS.numScale]: String(column.originalNumScale) } : {}),
  };
}

/** How the view reads one column. */
export interface ViewColumn {
  readonly name: string;
  /** The SQL expression, e.g. `TRY_CAST("total" AS decimal(12,2))`, or the quoted column. */
  readonly expression: string;
  /** Glue (Hive DDL) type of the view's column. */
  readonly glueType: string;
  /** Trino type of the view's column, as the encoded view states it. */
  readonly trinoType: string;
  /** Why this conversion was chosen, when it is worth saying (logged as a note). */
  readonly note?: string;
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

// PostgreSQL's output (DateStyle ISO, which RDS exports use): 2026-11-20, 2026-11-20 03:10:41.5,
// 2026-11-20 03:10:41.5+00 (offsets may carry minutes and, for old local mean times, seconds).
const DATE = '\\d{4}-\\d{2}-\\d{2}';
const LOCAL_TIMESTAMP = `${DATE} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?`;
const OFFSET = '[+-]\\d{2}(?::\\d{2}){0,2}';

/** `TRY_CAST(regexp_extract(c, pattern, group) AS type)`: NULL unless the whole value has the form. */
function castMatch(column: string, pattern: string, group: number, type: string): string {
  return `TRY_CAST(regexp_extract(${column}, ${literal(pattern)}, ${group}) AS ${type})`;
}

function dateExpression(column: string): string {
  return castMatch(column, `^(${DATE})$`, 1, 'date');
}

function timestampExpression(column: string): string {
  return castMatch(column, `^(${LOCAL_TIMESTAMP})$`, 1, 'timestamp');
}

/** The instant in UTC: the local part minus the offset PostgreSQL printed after it. */
function utcTimestampExpression(column: string): string {
  const local = castMatch(column, `^(${LOCAL_TIMESTAMP})${OFFSET}$`, 1, 'timestamp');
  const sign = `CASE WHEN regexp_extract(${column}, ${literal(`([+-])\\d{2}(?::\\d{2}){0,2}$`)}, 1) = '-' THEN -1 ELSE 1 END`;
  const hours = castMatch(column, `[+-](\\d{2})(?::\\d{2}){0,2}$`, 1, 'integer');
  const minutes = `COALESCE(${castMatch(column, `[+-]\\d{2}:(\\d{2})(?::\\d{2})?$`, 1, 'integer')}, 0)`;
  const seconds = `COALESCE(${castMatch(column, `[+-]\\d{2}:\\d{2}:(\\d{2})$`, 1, 'integer')}, 0)`;
  return `${local} - INTERVAL '1' SECOND * (${sign} * (${hours} * 3600 + ${minutes} * 60 + ${seconds}))`;
}

function normalizedType(originalType: string): string {
  return originalType.trim().toLowerCase().replace(/\s+/g, ' ');
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

/**
 * The decimal type for a PostgreSQL numeric: `decimal(p,s)` when RDS states the scale; otherwise
 * `decimal(2p,p)`, the smallest decimal that holds every value of any numeric(p,s) exactly (at most
 * p digits before the point and p after). Undefined when that exceeds Athena's precision of 38 or
 * no precision is stated (an unconstrained numeric): the column then stays text.
 */
export function numericDecimalType(precision: number | undefined, scale: number | undefined): { type: string; note?: string } | undefined {
  if (precision === undefined || precision < 1) return undefined;
  if (scale !== undefined) return precision <= MAX_DECIMAL_PRECISION && scale <= precision ? { type: `decimal(${precision},${scale})` } : undefined;
  if (2 * precision > MAX_DECIMAL_PRECISION) return undefined;
  return {
    type: `decimal(${2 * precision},${precision})`,
    note: `the export states precision ${precision} but no scale, so the view reads it as decimal(${2 * precision},${precision}), which holds every numeric(${precision},s) value exactly`,
  };
}

/** How the typed view reads a table column: converted when RDS wrote a typed source type as text. */
export function viewColumn(column: Column): ViewColumn {
  const name = column.Name ?? '';
  const quoted = quote(name);
  const glueType = (column.Type ?? 'string').toLowerCase();
  const passThrough: ViewColumn = { name, expression: quoted, glueType, trinoType: trinoTypeOf(glueType) };
  if (glueType !== 'string') return passThrough;
  const parameters = column.Parameters ?? {};
  const original = normalizedType(parameters[SOURCE_COLUMN_PARAMETERS.originalType] ?? column.Comment ?? '');
  if (original === 'date') return { name, expression: dateExpression(quoted), glueType: 'date', trinoType: 'date' };
  if (original === 'timestamp' || original === 'timestamp without time zone') {
    return { name, expression: timestampExpression(quoted), glueType: 'timestamp', trinoType: 'timestamp(3)' };
  }
  if (original === 'timestamp with time zone' || original === 'timestamptz') {
    return { name, expression: utcTimestampExpression(quoted), glueType: 'timestamp', trinoType: 'timestamp(3)' };
  }
  if (original === 'numeric' || original === 'decimal') {
    const decimal = numericDecimalType(
      positiveInteger(parameters[SOURCE_COLUMN_PARAMETERS.numPrecision]),
      positiveInteger(parameters[SOURCE_COLUMN_PARAMETERS.numScale]),
    );
    if (decimal !== undefined)
      return { name, expression: `TRY_CAST(${quoted} AS ${decimal.type})`, glueType: decimal.type, trinoType: decimal.type, note: decimal.note };
  }
  return passThrough;
}

/** Trino's name of a Glue (Hive DDL) type, as Athena writes it into a view's columns. */
export function trinoTypeOf(glueType: string): string {
  const type = glueType.toLowerCase();
  const simple: Record<string, string> = {
    string: 'varchar',
    int: 'integer',
    float: 'real',
    binary: 'varbinary',
    timestamp: 'timestamp(3)',
  };
  return simple[type] ?? type;
}

/** The view's name for a table. */
export function typedViewName(tableName: string): string {
  return `${tableName}${TYPED_VIEW_SUFFIX}`;
}

/** The view's SQL: every column of the table, converted where needed, and the partition columns. */
export function typedViewSql(databaseName: string, tableName: string, columns: readonly ViewColumn[]): string {
  const select = columns.map((c) => (c.expression === quote(c.name) ? c.expression : `${c.expression} AS ${quote(c.name)}`));
  return `SELECT ${select.join(', ')} FROM ${quote(databaseName)}.${quote(tableName)}`;
}

/** The typed view of a table, and what to log about it. */
export interface TypedView {
  readonly tableInput: TableInput;
  readonly sql: string;
  readonly columns: readonly ViewColumn[];
  readonly notes: readonly string[];
}

/**
 * The typed view of a cataloged table, or undefined when no column needs converting (MySQL
 * exports keep their types; so do PostgreSQL tables of integers, floats, booleans and text).
 */
export function typedView(
  databaseName: string,
  table: { readonly Name?: string; readonly StorageDescriptor?: { Columns?: Column[] }; readonly PartitionKeys?: Column[] },
): TypedView | undefined {
  const tableName = table.Name ?? '';
  const dataColumns = (table.StorageDescriptor?.Columns ?? []).map(viewColumn);
  if (!dataColumns.some((c) => c.expression !== quote(c.name))) return undefined;
  const partitionColumns = (table.PartitionKeys ?? []).map((k) => {
    const glueType = (k.Type ?? 'string').toLowerCase();
    return { name: k.Name ?? '', expression: quote(k.Name ?? ''), glueType, trinoType: trinoTypeOf(glueType) };
  });
  const columns = [...dataColumns, ...partitionColumns];
  const sql = typedViewSql(databaseName, tableName, columns);
  const definition = { originalSql: sql, catalog: ATHENA_CATALOG, schema: databaseName, columns: columns.map((c) => ({ name: c.name, type: c.trinoType })) };
  const encoded = Buffer.from(JSON.stringify(definition), 'utf8').toString('base64');
  return {
    sql,
    columns,
    notes: dataColumns.flatMap((c) => (c.note === undefined ? [] : [`column "${c.name}": ${c.note}`])),
    tableInput: {
      Name: typedViewName(tableName),
      Description: `${tableName} with PostgreSQL's text values read as dates, timestamps (UTC) and decimals; values that do not parse read as NULL`,
      TableType: 'VIRTUAL_VIEW',
      Parameters: { presto_view: 'true', comment: 'Presto View' },
      ViewOriginalText: `/* Presto View: ${encoded} */`,
      ViewExpandedText: '/* Presto View */',
      PartitionKeys: [],
      StorageDescriptor: {
        Columns: columns.map((c) => ({ Name: c.name, Type: c.glueType })),
        SerdeInfo: {},
        Location: '',
      },
    },
  };
}

/** The SQL inside a view's ViewOriginalText, or undefined when it is not a Presto view. */
export function decodePrestoView(viewOriginalText: string | undefined): { originalSql: string; columns: { name: string; type: string }[] } | undefined {
  const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(viewOriginalText ?? '');
  if (match === null) return undefined;
  try {
    return JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8')) as { originalSql: string; columns: { name: string; type: string }[] };
  } catch {
    return undefined;
  }
}
