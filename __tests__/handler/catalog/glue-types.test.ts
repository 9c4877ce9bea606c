import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportedColumn } from '../../../handler/contract/manifest';
import { glueType } from '../../../handler/catalog/glue-types';
import { EXPORTS_DIR } from '../../support/export-fixtures';

const column = (expectedExportedType: string, originalType = 'whatever', columnName = 'c'): ExportedColumn => ({
  columnName,
  originalType,
  expectedExportedType,
});

describe('glueType from the Parquet type RDS states', () => {
  it.each([
    ['int32', 'int'],
    ['int64', 'bigint'],
    ['float', 'float'],
    ['double', 'double'],
    ['boolean', 'boolean'],
    ['binary (UTF8)', 'string'],
    ['binary (STRING)', 'string'],
    ['binary (JSON)', 'string'],
    ['binary (ENUM)', 'string'],
    ['binary', 'binary'],
    ['binary (BSON)', 'binary'],
    ['fixed_len_byte_array(16)', 'binary'],
    ['decimal(12,2)', 'decimal(12,2)'],
    ['decimal(20,0)', 'decimal(20,0)'],
    ['decimal(38,38)', 'decimal(38,38)'],
    ['decimal(9)', 'decimal(9,0)'],
    ['fixed_len_byte_array(9) (DECIMAL(20,0))', 'decimal(20,0)'],
    ['int32 (DATE)', 'date'],
    ['int64 (TIMESTAMP_MICROS)', 'timestamp'],
    ['int64 (TIMESTAMP_MILLIS)', 'timestamp'],
    ['int64 (TIMESTAMP(MICROS,true))', 'timestamp'],
    ['int96', 'timestamp'],
    ['int32 (INT_8)', 'tinyint'],
    ['int32 (INT_16)', 'smallint'],
    ['int32 (UINT_8)', 'smallint'],
    ['int32 (UINT_16)', 'int'],
    ['int64 (INT_64)', 'bigint'],
  ])('%s → %s, with nothing to log', (exported, expected) => {
    expect(glueType(column(exported))).toEqual({ type: expected });
  });

  it('reads the stated type whatever its case and spacing', () => {
    expect(glueType(column('  INT64   (timestamp_micros) '))).toEqual({ type: 'timestamp' });
    expect(glueType(column('Binary (utf8)'))).toEqual({ type: 'string' });
  });

  it('reads a time of day as an integer count since midnight, and says so', () => {
    const micros = glueType(column('int64 (TIME_MICROS)'));
    const millis = glueType(column('int32 (TIME_MILLIS)'));
    expect(micros.type).toBe('bigint');
    expect(micros.note).toMatch(/microseconds since midnight/);
    expect(millis.type).toBe('int');
    expect(millis.note).toMatch(/milliseconds since midnight/);
  });

  it("maps a decimal beyond Athena's precision of 38 to string, with a note", () => {
    const mapped = glueType(column('decimal(65,30)'));
    expect(mapped.type).toBe('string');
    expect(mapped.note).toMatch(/decimal\(65,30\).*beyond Athena's decimal\(38,s\)/);
  });

  it('says where unsigned 64-bit values cannot be read exactly', () => {
    expect(glueType(column('int64 (UINT_64)'))).toEqual({ type: 'bigint', note: expect.stringMatching(/above 9223372036854775807/) });
  });

  it('maps a type it does not know to string and says which', () => {
    expect(glueType(column('int128 (HUGEINT)'))).toEqual({ type: 'string', note: expect.stringContaining('unknown exported type "int128 (HUGEINT)"') });
    expect(glueType(column('binary (GEOMETRY)'))).toEqual({ type: 'string', note: expect.stringContaining('binary (GEOMETRY)') });
  });
});

describe('glueType when RDS states no Parquet type', () => {
  it.each([
    ['bigint', 'bigint'],
    ['integer', 'int'],
    ['smallint', 'int'],
    ['double precision', 'double'],
    ['real', 'float'],
    ['boolean', 'boolean'],
    ['bytea', 'binary'],
    ['character varying', 'string'],
    ['varchar(64)', 'string'],
    ['jsonb', 'string'],
    ['uuid', 'string'],
    ['integer[]', 'string'],
  ])('falls back on the source type %s → %s, with a note', (original, expected) => {
    const mapped = glueType(column('', original, 'amount'));
    expect(mapped.type).toBe(expected);
    expect(mapped.note).toContain(`RDS stated no Parquet type for "amount"; mapped from its source type "${original}"`);
  });

  it.each(['date', 'numeric', 'timestamp with time zone', 'bigint unsigned', 'geometry'])(
    'maps %s, whose Parquet type changed between AWS tables or is unknown, to string with a note',
    (original) => {
      const mapped = glueType(column('', original));
      expect(mapped.type).toBe('string');
      expect(mapped.note).toMatch(/is not one we map/);
    },
  );

  it('does not crash on fields that are not text', () => {
    const broken = { columnName: 'c', originalType: undefined, expectedExportedType: undefined } as unknown as ExportedColumn;
    expect(glueType(broken)).toEqual({ type: 'string', note: expect.any(String) });
  });
});

describe('glueType on the example exports', () => {
  const columns = readdirSync(EXPORTS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(path.join(EXPORTS_DIR, d.name))
        .filter((f) => f.startsWith('export_tables_info_'))
        .flatMap((f) => {
          const info = JSON.parse(readFileSync(path.join(EXPORTS_DIR, d.name, f), 'utf8')) as {
            perTableStatus: Array<{ schemaMetadata?: { originalTypeMappings: ExportedColumn[] } }>;
          };
          return info.perTableStatus.flatMap((t) => t.schemaMetadata?.originalTypeMappings ?? []);
        }),
    );

  it('maps every column the examples state without a note', () => {
    expect(columns.length).toBeGreaterThan(10);
    for (const c of columns) expect(glueType(c), `${c.columnName}: ${c.expectedExportedType}`).not.toHaveProperty('note');
  });

  it("maps the examples' PostgreSQL and MySQL types as the AWS tables say RDS writes them", () => {
    const byName = Object.fromEntries(columns.map((c) => [c.columnName, glueType(c).type]));
    expect(byName).toMatchObject({
      id: expect.stringMatching(/^(bigint|decimal\(20,0\))$/),
      // PostgreSQL numerics, timestamps and dates are text in the export (AWS's PostgreSQL table);
      // the typed views read them back (catalog-views.ts).
      total: 'string',
      created_at: 'string',
      delivered_on: 'string',
      attributes: 'string',
      invoice_no: 'string',
      amount: 'double',
      price: 'decimal(10,2)',
      updated: 'timestamp',
      stock: 'int',
    });
  });
});
