// The emulator's pure parts, without servers: names and times as RDS writes them, decimal
// encoding, and the types AWS's tables leave undefined.
import { describe, expect, it } from 'vitest';
import { parseExportInfoTime } from '../../../handler/verification/metadata';
import { exportInfoTime, partFileName, tableFolder } from './layout';
import { mysqlColumnMapping } from './mysql-types';
import { decimalByteLength, decimalType, STRING, unscaledDecimal } from './parquet-types';
import { postgresColumnMapping } from './postgres-types';

describe('layout', () => {
  it.each([
    ['2026-11-20T03:10:41Z', 'Nov 20, 2026 3:10:41 AM'],
    ['2026-01-05T00:07:09Z', 'Jan 5, 2026 12:07:09 AM'],
    ['2026-07-31T12:00:00Z', 'Jul 31, 2026 12:00:00 PM'],
    ['2026-12-31T23:59:59Z', 'Dec 31, 2026 11:59:59 PM'],
  ])('spells %s as export_info does, and the verifier reads it back', (iso, spelled) => {
    // Act
    const text = exportInfoTime(new Date(iso));
    // Assess
    expect(text).toBe(spelled);
    expect(parseExportInfoTime(text)?.toISOString()).toBe(new Date(iso).toISOString());
  });

  it('turns \\ ` " and space into _ in table folders and numbers parts with five digits', () => {
    // Act
    const folder = tableFolder('odd db', 'Sales Team', 'a\\b"c`d');
    const part = partFileName(12, '6f2d0c1e-5b0a-4a11-9d1f-0c3b1f7a2e11');
    // Assess
    expect(folder).toBe('odd_db/Sales_Team.a_b_c_d/');
    expect(part).toBe('part-00012-6f2d0c1e-5b0a-4a11-9d1f-0c3b1f7a2e11-c000.gz.parquet');
  });
});

describe('decimals', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [9, 4],
    [18, 8],
    [19, 9],
    [20, 9],
    [38, 16],
  ])('precision %i fits in %i bytes of two’s complement', (precision, bytes) => {
    expect(decimalByteLength(precision)).toBe(bytes);
  });

  it('picks INT32, INT64, FIXED_LEN_BYTE_ARRAY by precision, and text above 38', () => {
    expect([9, 10, 18, 19, 38].map((p) => decimalType(p, 2).element.type)).toEqual(['INT32', 'INT64', 'INT64', 'FIXED_LEN_BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY']);
    expect(decimalType(39, 2)).toBe(STRING);
  });

  it('reads the server’s decimal text as its unscaled integer', () => {
    expect(unscaledDecimal('-12.50', 2)).toBe(-1250n);
    expect(unscaledDecimal('0.00', 2)).toBe(0n);
    expect(unscaledDecimal('18446744073709551615', 0)).toBe(18446744073709551615n);
    expect(() => unscaledDecimal('1.234', 2)).toThrow(/more than 2 fraction digits/);
    expect(() => unscaledDecimal('abc', 0)).toThrow(/not a decimal/);
  });
});

describe('types AWS gives no Parquet type', () => {
  it('refuses a PostgreSQL oid column (AWS: OBJECT IDENTIFIER, N/A) with the column named', () => {
    expect(() => postgresColumnMapping({ name: 'ref', dataType: 'oid', typeName: 'oid', typeKind: 'b' })).toThrow(/"ref".*N\/A/);
  });

  it('refuses a MariaDB type the MySQL table does not list (inet6) with the column named', () => {
    expect(() => mysqlColumnMapping({ name: 'addr', dataType: 'inet6', columnType: 'inet6', numericPrecision: null, numericScale: null })).toThrow(
      /"addr".*inet6/,
    );
  });
});
