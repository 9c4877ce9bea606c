// From what RDS wrote to what the loaders send (pure). The Parquet reader hands over raw values
// (its own conversions are switched off: they turn DECIMAL into floating point and
// TIMESTAMP_MICROS into milliseconds); each is turned into the text the database reads back
// exactly, then escaped for PostgreSQL's COPY text format or MySQL's LOAD DATA (the same rules:
// tab-separated, \N for NULL, backslash escapes).
import type { Engine } from './target-url';

/** What a Parquet column's annotation says its raw values are. */
export type ParquetValueKind = 'plain' | 'string' | 'decimal' | 'timestamp-micros' | 'timestamp-millis' | 'date' | 'time-micros' | 'time-millis';

/** A Parquet column as the loaders need it. */
export interface ParquetColumn {
  readonly name: string;
  /** BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY. */
  readonly physical: string;
  readonly kind: ParquetValueKind;
  /** DECIMAL's scale. */
  readonly scale?: number;
}

/** The parts of a Parquet schema element (hyparquet's SchemaElement) that say how to read it. */
export interface SchemaElementLike {
  readonly name: string;
  readonly type?: string;
  readonly converted_type?: string;
  readonly logical_type?: { readonly type: string; readonly unit?: string };
  readonly scale?: number;
}

/** Reads a column's annotation (the logical type first, the older converted type otherwise). */
export function describeParquetColumn(element: SchemaElementLike): ParquetColumn {
  const physical = element.type ?? 'BYTE_ARRAY';
  const logical = element.logical_type;
  const converted = element.converted_type;
  const base = { name: element.name, physical };
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return { ...base, kind: 'decimal', scale: element.scale ?? 0 };
  if (logical?.type === 'TIMESTAMP') return { ...base, kind: logical.unit === 'MILLIS' ? 'timestamp-millis' : 'timestamp-micros' };
  if (converted === 'TIMESTAMP_MICROS') return { ...base, kind: 'timestamp-micros' };
  if (converted === 'TIMESTAMP_MILLIS') return { ...base, kind: 'timestamp-millis' };
  if (logical?.type === 'TIME') return { ...base, kind: logical.unit === 'MILLIS' ? 'time-millis' : 'time-micros' };
  if (converted === 'TIME_MICROS') return { ...base, kind: 'time-micros' };
  if (converted === 'TIME_MILLIS') return { ...base, kind: 'time-millis' };
  if (logical?.type === 'DATE' || converted === 'DATE') return { ...base, kind: 'date' };
  if (
    logical?.type === 'STRING' ||
    logical?.type === 'JSON' ||
    logical?.type === 'ENUM' ||
    converted === 'UTF8' ||
    converted === 'JSON' ||
    converted === 'ENUM'
  ) {
    return { ...base, kind: 'string' };
  }
  return { ...base, kind: 'plain' };
}

// A leading byte-order mark is part of the value, not a marker to drop (TextDecoder drops it by default).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** A big-endian two's-complement integer (Parquet's DECIMAL bytes). */
export function bigIntFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return bytes[0]! & 0x80 ? value - (1n << BigInt(bytes.length * 8)) : value;
}

/** An unscaled integer and a scale as exact decimal text: (-12345, 2) → "-123.45". */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

const two = (n: number | bigint) => String(n).padStart(2, '0');

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const date = new Date(days * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function dateText(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
}

/** Microseconds since midnight → "HH:MM:SS.ffffff". */
function timeOfDay(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  return `${two(seconds / 3600n)}:${two((seconds / 60n) % 60n)}:${two(seconds % 60n)}${fraction === 0n ? '' : `.${String(fraction).padStart(6, '0')}`}`;
}

/** Microseconds since 1970 (UTC) → "YYYY-MM-DD HH:MM:SS.ffffff", exact to the microsecond. */
export function timestampText(micros: bigint): string {
  const perDay = 86_400_000_000n;
  let days = micros / perDay;
  let rest = micros % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  return `${dateText(Number(days))} ${timeOfDay(rest)}`;
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  // JavaScript prints the shortest text that reads back as the same double; a REAL/FLOAT read
  // as a double reads back as the same single. Both databases read "1e+21".
  return String(value);
}

function asBytes(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** How the target column takes its value: text, bytes (bytea / binary / blob), or a BIT number (MySQL). */
export type LoadAs = 'text' | 'bytes' | 'bit';

/**
 * One raw value → the text the database reads back as the source's value; null for NULL.
 * PostgreSQL bytes become bytea's hex form ("\x0a0b"); MySQL bytes become plain hex, which the
 * loader turns back with UNHEX (or into a number for BIT).
 */
export function valueText(column: ParquetColumn, value: unknown, engine: Engine, loadAs: LoadAs): string | null {
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'decimal': {
      const unscaled = typeof value === 'bigint' ? value : typeof value === 'number' ? BigInt(value) : bigIntFromBytes(asBytes(value) ?? new Uint8Array());
      return decimalText(unscaled, column.scale ?? 0);
    }
    case 'timestamp-micros':
      return timestampText(BigInt(value as bigint | number));
    case 'timestamp-millis':
      return timestampText(BigInt(value as bigint | number) * 1000n);
    case 'time-micros':
      return timeOfDay(BigInt(value as bigint | number));
    case 'time-millis':
      return timeOfDay(BigInt(value as bigint | number) * 1000n);
    case 'date':
      return dateText(Number(value));
    default:
      break;
  }
  if (typeof value === 'string')
    return loadAs === 'text' ? value : engine === 'postgres' ? `\\x${Buffer.from(value, 'utf8').toString('hex')}` : Buffer.from(value, 'utf8').toString('hex');
  if (typeof value === 'boolean') return engine === 'postgres' ? (value ? 't' : 'f') : value ? '1' : '0';
  if (typeof value === 'number') return floatText(value);
  if (typeof value === 'bigint') return value.toString();
  const bytes = asBytes(value);
  if (bytes !== undefined) {
    if (loadAs === 'text') return utf8.decode(bytes);
    return engine === 'postgres' ? `\\x${hex(bytes)}` : hex(bytes);
  }
  if (value instanceof Date) return timestampText(BigInt(value.getTime()) * 1000n);
  return JSON.stringify(value);
}

/**
 * The formatter of one column: raw value → escaped field text, decided once per column so the
 * per-value work is only the conversion itself.
 */
export function fieldFormatter(column: ParquetColumn, engine: Engine, loadAs: LoadAs): (value: unknown) => string {
  const plainNumbers = column.kind === 'plain' && (column.physical === 'INT32' || column.physical === 'INT64');
  if (plainNumbers) return (value) => (value === null || value === undefined ? '\\N' : String(value));
  const textOnly = column.kind === 'string' && loadAs === 'text';
  if (textOnly) return (value) => (typeof value === 'string' ? escapeField(value) : escapeField(valueText(column, value, engine, loadAs)));
  return (value) => escapeField(valueText(column, value, engine, loadAs));
}

const SPECIAL = /[\\\n\r\t\0]/;
const SPECIALS = /[\\\n\r\t\0]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

/** One field for COPY text / LOAD DATA: \N for NULL, backslash, newline, carriage return, tab (and NUL) escaped. */
export function escapeField(text: string | null): string {
  if (text === null) return '\\N';
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text;
}
