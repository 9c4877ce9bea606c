import { describe, expect, it } from 'vitest';
import { explainDatabaseError } from '../../../handler/restore/database-errors';
import { formatProgressLine, formatSummary, formatTableResult, tableResultJson } from '../../../handler/restore/progress';
import { parseTargetUrl } from '../../../handler/restore/target-url';

describe('what a restore says', () => {
  it('a progress line: bar, rows, MB, rate and time left', () => {
    expect(formatProgressLine({ table: 'sales.orders', rows: 250_000, totalRows: 1_000_000, bytes: 5_242_880, totalBytes: 20_971_520, elapsedMs: 2_500 })).toBe(
      'sales.orders [#####...............] 25% 250,000/1,000,000 rows 5.0/20.0 MB 100,000 rows/s ETA 8s',
    );
  });

  it('one JSON line per table and a summary', () => {
    const result = { table: 'sales.orders', source: 'sales.orders', status: 'restored' as const, rows: 1000, bytes: 10, seconds: 2 };
    expect(JSON.parse(tableResultJson(result))).toEqual({ ...result, rowsPerSecond: 500 });
    expect(formatSummary([result, { ...result, table: 'public.x', source: 'public.x', status: 'failed', rows: 0, error: 'boom' }], 4)).toBe(
      '1 table(s) restored, 1 failed: 1,000 rows in 4s (250 rows/s)',
    );
    expect(formatTableResult({ ...result, status: 'failed', rows: 0, error: 'boom' })).toBe('failed sales.orders -> sales.orders: 0 rows, 0.0 MB, 2s: boom');
  });

  it('database errors name the problem and what to do', () => {
    const pg = parseTargetUrl('postgres://admin@db.example.com:5432/restored', {});
    const mysql = parseTargetUrl('mysql://root@db.example.com/shop', {});
    expect(explainDatabaseError({ code: 'ECONNREFUSED' }, pg)).toContain('could not reach db.example.com:5432 (ECONNREFUSED)');
    expect(explainDatabaseError({ code: 'ENOTFOUND' }, pg)).toContain('the host "db.example.com" of --to was not found');
    expect(explainDatabaseError({ code: '28P01', message: 'password authentication failed' }, pg)).toContain('set PGPASSWORD');
    expect(explainDatabaseError({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, message: 'Access denied' }, mysql)).toContain('set MYSQL_PWD');
    expect(explainDatabaseError({ code: '3D000' }, pg)).toContain('the database "restored" does not exist');
    expect(explainDatabaseError({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }, mysql)).toContain('offers no TLS');
    expect(explainDatabaseError({ errno: 3948, message: 'Loading local data is disabled' }, mysql)).toContain('local_infile');
    expect(explainDatabaseError(new Error('something else'), pg)).toBeUndefined();
  });
});
