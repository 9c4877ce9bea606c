import { describe, expect, it } from 'vitest';
import {
  bigIntFromBytes,
  decimalText,
  describeParquetColumn,
  escapeField,
  fieldFormatter,
  type ParquetColumn,
  timestampText,
  valueText,
} from '../../../handler/restore/parquet-values';

const plain = (physical: string): ParquetColumn => ({ name: 'c', physical, kind: 'plain' });

describe('values from what RDS wrote to what the databases read', () => {
  it('reads the annotation of a column, logical type first', () => {
    expect(describeParquetColumn({ name: 'a', type: 'FIXED_LEN_BYTE_ARRAY', converted_type: 'DECIMAL', scale: 0 })).toMatchObject({
      kind: 'decimal',
      scale: 0,
    });
    expect(describeParquetColumn({ name: 't', type: 'INT64', logical_type: { type: 'TIMESTAMP', unit: 'MICROS' } }).kind).toBe('timestamp-micros');
    expect(describeParquetColumn({ name: 't', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' }).kind).toBe('timestamp-millis');
    expect(describeParquetColumn({ name: 's', type: 'BYTE_ARRAY', converted_type: 'UTF8' }).kind).toBe('string');
    expect(describeParquetColumn({ name: 'b', type: 'BYTE_ARRAY' }).kind).toBe('plain');
  });

  it('writes decimals exactly, from INT32, INT64 and two’s-complement bytes', () => {
    expect(decimalText(-12345n, 2)).toBe('-123.45');
    expect(decimalText(5n, 3)).toBe('0.005');
    expect(decimalText(-5n, 3)).toBe('-0.005');
    expect(decimalText(18446744073709551615n, 0)).toBe('18446744073709551615');
    expect(bigIntFromBytes(new Uint8Array([0xff, 0xff]))).toBe(-1n);
    expect(bigIntFromBytes(new Uint8Array([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(18446744073709551615n);
    const decimal: ParquetColumn = { name: 'd', physical: 'FIXED_LEN_BYTE_ARRAY', kind: 'decimal', scale: 10 };
    expect(valueText(decimal, new Uint8Array([0xfe]), 'mysql', 'text')).toBe('-0.0000000002');
    expect(valueText({ ...decimal, physical: 'INT32', scale: 2 }, 123456789, 'mysql', 'text')).toBe('1234567.89');
  });

  it('writes TIMESTAMP_MICROS to the microsecond, before 1970 too', () => {
    expect(timestampText(0n)).toBe('1970-01-01 00:00:00');
    expect(timestampText(1_763_608_241_123_456n)).toBe('2025-11-20 03:10:41.123456');
    expect(timestampText(-1n)).toBe('1969-12-31 23:59:59.999999');
    expect(timestampText(-30_610_224_000_000_000n)).toBe('1000-01-01 00:00:00');
    expect(timestampText(253_402_300_799_999_999n)).toBe('9999-12-31 23:59:59.999999');
  });

  it('writes floats so they read back the same, booleans and bytes per engine', () => {
    expect(valueText(plain('DOUBLE'), Number.NaN, 'postgres', 'text')).toBe('NaN');
    expect(valueText(plain('DOUBLE'), Number.NEGATIVE_INFINITY, 'postgres', 'text')).toBe('-Infinity');
    expect(valueText(plain('DOUBLE'), -0, 'postgres', 'text')).toBe('-0');
    expect(valueText(plain('FLOAT'), Math.fround(1.1), 'postgres', 'text')).toBe(String(Math.fround(1.1)));
    expect(valueText(plain('BOOLEAN'), true, 'postgres', 'text')).toBe('t');
    expect(valueText(plain('BOOLEAN'), false, 'mysql', 'text')).toBe('0');
    expect(valueText(plain('BYTE_ARRAY'), new Uint8Array([0, 255, 16]), 'postgres', 'bytes')).toBe('\\x00ff10');
    expect(valueText(plain('BYTE_ARRAY'), new Uint8Array([0, 255, 16]), 'mysql', 'bytes')).toBe('00ff10');
    expect(valueText(plain('BYTE_ARRAY'), new Uint8Array([0xc3, 0xa9]), 'mysql', 'text')).toBe('é');
    // A leading byte-order mark is the value's own first character, kept.
    expect(valueText(plain('BYTE_ARRAY'), new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'postgres', 'text')).toBe('\uFEFFa');
    expect(valueText(plain('INT64'), null, 'postgres', 'text')).toBeNull();
  });

  it('escapes fields for COPY text and LOAD DATA: backslash, newline, carriage return, tab, NUL; \\N for NULL', () => {
    expect(escapeField(null)).toBe('\\N');
    expect(escapeField('\\N')).toBe('\\\\N');
    expect(escapeField('a\tb\nc\rd\\e\0')).toBe('a\\tb\\nc\\rd\\\\e\\0');
    expect(escapeField('quote \' double " é 中 😀')).toBe('quote \' double " é 中 😀');
    expect(escapeField('')).toBe('');
  });

  it('formats a column the same way the general conversion does', () => {
    const text: ParquetColumn = { name: 's', physical: 'BYTE_ARRAY', kind: 'string' };
    expect(fieldFormatter(text, 'postgres', 'text')('tab\there')).toBe('tab\\there');
    expect(fieldFormatter(text, 'postgres', 'text')(null)).toBe('\\N');
    expect(fieldFormatter(plain('INT64'), 'postgres', 'text')(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(fieldFormatter(plain('INT32'), 'mysql', 'text')(undefined)).toBe('\\N');
  });
});
