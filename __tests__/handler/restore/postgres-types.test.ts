import { describe, expect, it } from 'vitest';
import type { ExportedColumn } from '../../../handler/contract/manifest';
import { needsScaleRecovery, postgresColumnType } from '../../../handler/restore/postgres-types';

const column = (originalType: string, facts: Partial<ExportedColumn> = {}): ExportedColumn => ({
  columnName: 'c',
  originalType,
  expectedExportedType: 'binary (UTF8)',
  ...facts,
});

describe('PostgreSQL column types from the export', () => {
  it('keeps built-in types and their stated lengths and fractional digits', () => {
    expect(postgresColumnType(column('bigint')).type).toBe('bigint');
    expect(postgresColumnType(column('jsonb')).type).toBe('jsonb');
    expect(postgresColumnType(column('uuid')).type).toBe('uuid');
    expect(postgresColumnType(column('character varying', { originalCharMaxLength: 32 })).type).toBe('character varying(32)');
    expect(postgresColumnType(column('character varying')).type).toBe('character varying');
    expect(postgresColumnType(column('character', { originalCharMaxLength: 5 })).type).toBe('character(5)');
    expect(postgresColumnType(column('bit varying', { originalCharMaxLength: 8 })).type).toBe('bit varying(8)');
    expect(postgresColumnType(column('timestamp with time zone', { originalDateTimePrecision: 6 })).type).toBe('timestamp with time zone');
    expect(postgresColumnType(column('timestamp without time zone', { originalDateTimePrecision: 3 })).type).toBe('timestamp(3) without time zone');
    expect(postgresColumnType(column('interval', { originalDateTimePrecision: 0 })).type).toBe('interval(0)');
    expect(postgresColumnType(column('numeric(12,2)')).type).toBe('numeric(12,2)');
  });

  it('gives numeric the stated or recovered scale, and an unconstrained numeric when the data cannot tell', () => {
    const priced = column('numeric', { originalNumPrecision: 12 });
    expect(needsScaleRecovery(priced)).toBe(true);
    expect(needsScaleRecovery(column('numeric'))).toBe(false);
    expect(needsScaleRecovery(column('numeric', { originalNumPrecision: 12, originalNumScale: 2 }))).toBe(false);
    expect(postgresColumnType(priced, { kind: 'scale', scale: 2 }).type).toBe('numeric(12,2)');
    expect(postgresColumnType(column('numeric', { originalNumPrecision: 12, originalNumScale: 4 })).type).toBe('numeric(12,4)');
    expect(postgresColumnType(column('numeric')).type).toBe('numeric');
    const empty = postgresColumnType(priced, { kind: 'none' });
    expect(empty.type).toBe('numeric');
    expect(empty.note).toContain('every value is NULL, or the table is empty');
    expect(postgresColumnType(priced, { kind: 'mixed' }).type).toBe('numeric');
  });

  it('restores arrays of known elements as arrays, and what the export cannot name as text with a note', () => {
    expect(postgresColumnType(column('integer[]')).type).toBe('integer[]');
    expect(postgresColumnType(column('_int4')).type).toBe('integer[]');
    expect(postgresColumnType(column('_timestamptz')).type).toBe('timestamp with time zone[]');
    const array = postgresColumnType(column('ARRAY'));
    expect(array).toMatchObject({ type: 'text' });
    expect(array.note).toContain('"ARRAY" but not of what');
    expect(postgresColumnType(column('USER-DEFINED')).note).toContain('"USER-DEFINED"');
    expect(postgresColumnType(column('hstore')).note).toContain('"hstore" is not one this restore knows');
  });
});
