import { describe, expect, it } from 'vitest';
import { parseCommandLine, RESTORE_USAGE, USAGE, UsageError } from '../../../cli/args';

const NOW = new Date('2026-12-04T12:00:00Z');
const TO = ['--to', 'postgres://admin@db.example.com:5432/restored'];
const parse = (...argv: string[]) => parseCommandLine(['restore', ...argv], NOW);

function usageError(...argv: string[]): string {
  try {
    parse(...argv);
  } catch (error) {
    if (error instanceof UsageError) {
      expect(error.usage).toBe(RESTORE_USAGE);
      return error.message;
    }
    throw error;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('restore command line', () => {
  it('is listed in the usage and has its own help', () => {
    expect(USAGE).toContain('restore    load archived tables back into a PostgreSQL or MySQL/MariaDB database');
    expect(parse('--help')).toEqual({ command: 'help', text: RESTORE_USAGE });
  });

  it('reads an export by id with tables, and the defaults', () => {
    expect(parse('--export', 'orders-db-2026-11-20', '--table', 'sales.orders', '--table', 'public.items', ...TO)).toMatchObject({
      command: 'restore',
      source: { exportId: 'orders-db-2026-11-20' },
      tables: ['sales.orders', 'public.items'],
      target: { engine: 'postgres', host: 'db.example.com', database: 'restored', tls: 'prefer' },
      ifExists: 'fail',
      jobs: 2,
      dryRun: false,
      json: false,
    });
  });

  it('reads a database at a time (default now), --all and the other options', () => {
    expect(
      parse(
        '--database',
        'orders-db',
        '--at',
        '2026-11-01',
        '--all',
        ...TO,
        '--target-schema',
        'restored_2026',
        '--if-exists',
        'replace',
        '--jobs',
        '4',
        '--dry-run',
        '--json',
      ),
    ).toMatchObject({
      source: { database: 'orders-db', at: new Date('2026-11-01T00:00:00Z') },
      tables: 'all',
      targetSchema: 'restored_2026',
      ifExists: 'replace',
      jobs: 4,
      dryRun: true,
      json: true,
    });
    expect(parse('--database', 'orders-db', '--all', ...TO)).toMatchObject({ source: { database: 'orders-db', at: NOW } });
  });

  it('names what is missing or wrong', () => {
    expect(usageError('--all', ...TO)).toBe('restore: name the data with --export EXPORT_ID, or with --database DB (and --at TIME)');
    expect(usageError('--export', 'x1', '--database', 'd', '--all', ...TO)).toContain('name the data with --export');
    expect(usageError('--export', 'x1', ...TO)).toContain('name the tables with --table SCHEMA.TABLE (repeat it), or pass --all');
    expect(usageError('--export', 'x1', '--all', '--table', 'a.b', ...TO)).toContain('--all and --table exclude each other');
    expect(usageError('--export', 'x1', '--all')).toContain('--to URL is required');
    expect(usageError('--export', 'x1', '--all', ...TO, '--if-exists', 'merge')).toContain('--if-exists must be one of fail, append, replace');
    expect(usageError('--export', 'x1', '--all', ...TO, '--jobs', '0')).toContain('--jobs must be a whole number from 1 to 32');
    expect(usageError('--database', 'd', '--at', 'yesterday', '--all', ...TO)).toContain('--at "yesterday" is not a time');
    expect(usageError('--export', '1bad', '--all', ...TO)).toContain('"1bad" is not an export task identifier');
    expect(usageError('--export', 'x1', '--all', '--to', 'postgres://admin:pw@db/restored')).toContain('--to holds a password');
  });
});
