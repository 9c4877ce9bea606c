import { describe, expect, it } from 'vitest';
import type { ExportedColumn } from '../../../handler/contract/manifest';
import { mysqlColumnType, mysqlLoadAs, mysqlNeedsScale } from '../../../handler/restore/mysql-types';

const column = (originalType: string, expectedExportedType = '', facts: Partial<ExportedColumn> = {}): ExportedColumn => ({
  columnName: 'c',
  originalType,
  expectedExportedType,
  ...facts,
});

describe('MySQL column types from the export', () => {
  it('keeps unsigned integers, lengths, fractional digits and BIT widths', () => {
    expect(mysqlColumnType(column('bigint unsigned', 'decimal(20,0)')).type).toBe('bigint unsigned');
    expect(mysqlColumnType(column('smallint unsigned', 'int32')).type).toBe('smallint unsigned');
    expect(mysqlColumnType(column('bigint', 'int64')).type).toBe('bigint');
    expect(mysqlColumnType(column('varchar', 'binary (UTF8)', { originalCharMaxLength: 64 })).type).toBe('varchar(64)');
    expect(mysqlColumnType(column('binary', 'binary', { originalCharMaxLength: 4 })).type).toBe('binary(4)');
    expect(mysqlColumnType(column('datetime', 'int64 (TIMESTAMP_MICROS)', { originalDateTimePrecision: 6 })).type).toBe('datetime(6)');
    expect(mysqlColumnType(column('timestamp', 'int64 (TIMESTAMP_MICROS)')).type).toBe('timestamp');
    expect(mysqlColumnType(column('bit', 'binary', { originalNumPrecision: 10 })).type).toBe('bit(10)');
    expect(mysqlColumnType(column('year', 'int32')).type).toBe('year');
    expect(mysqlColumnType(column('json', 'binary (UTF8)')).type).toBe('json');
  });

  it('takes DECIMAL precision and scale from the Parquet type, or reads the scale from the data above precision 38', () => {
    expect(mysqlColumnType(column('decimal', 'decimal(12,2)', { originalNumPrecision: 12 })).type).toBe('decimal(12,2)');
    const wide = column('decimal', 'binary (UTF8)', { originalNumPrecision: 65 });
    expect(mysqlNeedsScale(wide)).toBe(true);
    expect(mysqlNeedsScale(column('decimal', 'decimal(12,2)'))).toBe(false);
    expect(mysqlColumnType(wide, { kind: 'scale', scale: 30 }).type).toBe('decimal(65,30)');
    expect(mysqlColumnType(wide, { kind: 'none' }).note).toContain('no value to read the scale from');
  });

  it('takes a whole column type as it is, and restores ENUM and SET without values as varchar with a note', () => {
    expect(mysqlColumnType(column("enum('a','it''s')")).type).toBe("enum('a','it''s')");
    expect(mysqlColumnType(column('int(10) unsigned')).type).toBe('int(10) unsigned');
    const enumeration = mysqlColumnType(column('enum', 'binary (UTF8)', { originalCharMaxLength: 5 }));
    expect(enumeration.type).toBe('varchar(5)');
    expect(enumeration.note).toContain('states no enum values');
    expect(mysqlColumnType(column('enum(a) ; drop table x')).type).toBe('longtext');
  });

  it('loads bytes through UNHEX and BIT as a number', () => {
    expect(mysqlLoadAs('varbinary(16)')).toBe('bytes');
    expect(mysqlLoadAs('longblob')).toBe('bytes');
    expect(mysqlLoadAs('geometry')).toBe('bytes');
    expect(mysqlLoadAs('bit(10)')).toBe('bit');
    expect(mysqlLoadAs('varchar(10)')).toBe('text');
    expect(mysqlLoadAs('char(10)')).toBe('text');
  });
});
