import { describe, expect, it } from 'vitest';
import { BACKFILL_USAGE, parseCommandLine, parseDate, RESTORE_USAGE, STATUS_USAGE, USAGE, UsageError } from '../../cli/args';
import { STATUS_COLUMNS, statusRow } from '../../cli/commands/status';
import { formatTable } from '../../cli/table';

const NOW = new Date('2026-11-25T12:00:00Z');
const parse = (...argv: string[]) => parseCommandLine(argv, NOW);
function usageError(argv: string[]): UsageError {
  try {
    parse(...argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('archive command line', () => {
  it('shows help for no command, --help and each command --help', () => {
    expect(parse()).toEqual({ command: 'help', text: USAGE });
    expect(parse('--help')).toEqual({ command: 'help', text: USAGE });
    expect(parse('status', '--help')).toEqual({ command: 'help', text: STATUS_USAGE });
    expect(parse('backfill', '-h')).toEqual({ command: 'help', text: BACKFILL_USAGE });
  });

  it('reads status options', () => {
    expect(parse('status')).toEqual({ command: 'status', since: undefined, json: false });
    expect(parse('status', '--since', '2026-11-01', '--json')).toEqual({ command: 'status', since: new Date('2026-11-01T00:00:00Z'), json: true });
  });

  it('reads backfill options', () => {
    expect(parse('backfill', '--since', '7d', '--database', 'orders-*', '--dry-run')).toEqual({
      command: 'backfill',
      since: new Date('2026-11-18T12:00:00Z'),
      database: 'orders-*',
      dryRun: true,
    });
    expect(parse('backfill', '--since=2026-11-01T06:30:00Z')).toEqual({
      command: 'backfill',
      since: new Date('2026-11-01T06:30:00Z'),
      database: undefined,
      dryRun: false,
    });
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"; the commands are status, backfill, verify, catalog, coverage, env/, USAGE],
    [['backfill'], /backfill needs --since DATE/, BACKFILL_USAGE],
    [['backfill', '--since'], /backfill: Option '--since <value>' argument missing/, BACKFILL_USAGE],
    [['status', '--bogus'], /status: Unknown option '--bogus'/, STATUS_USAGE],
    [['status', 'extra'], /status: Unexpected argument 'extra'/, STATUS_USAGE],
    [['status', '--since', '2026-13-45'], /--since "2026-13-45" is not a date/, STATUS_USAGE],
    [['status', '--since', 'yesterday'], /--since "yesterday" is not a date/, STATUS_USAGE],
    [['backfill', '--since', '2027-01-01'], /--since 2027-01-01 is in the future/, BACKFILL_USAGE],
    [
      ['backfill', '--since', '7d', '--database', 'orders db'],
      /--database "orders db" must be one of the glob patterns of letters, digits, hyphens, \* and \?/,
      BACKFILL_USAGE,
    ],
    [['status', '--dry-run'], /status: Unknown option '--dry-run'/, STATUS_USAGE],
  ])('rejects %j with a clear message and the right usage', (argv, message, usage) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.usage).toBe(usage);
  });

  it('reads dates as UTC days, ISO times and days ago, and rejects impossible ones', () => {
    expect(parseDate('2026-02-28', NOW)).toEqual(new Date('2026-02-28T00:00:00Z'));
    expect(parseDate('30d', NOW)).toEqual(new Date('2026-10-26T12:00:00Z'));
    expect(() => parseDate('2026-02-30', NOW)).toThrow(/not a date/);
  });
});

describe('status table', () => {
  it('aligns columns under their headers, with the verification outcome', () => {
    // Prepare
    const row = statusRow(
      {
        ExportTaskIdentifier: 'orders-1-abc',
        SourceArn: 'arn:aws:rds:us-east-1:1:snapshot:orders-1',
        S3Bucket: 'b',
        S3Prefix: 'exports/orders',
        Status: 'complete',
        PercentProgress: 100,
        TaskStartTime: new Date('2026-11-01T00:00:00Z'),
      },
      'incomplete',
    );

    // Act
    const [header, line] = formatTable(STATUS_COLUMNS, [row]).split('\n');

    // Assess
    expect(header).toMatch(/^EXPORT\s+SNAPSHOT\s+DATABASE\s+STATUS\s+PROGRESS\s+VERIFIED\s+STARTED\s+S3 LOCATION$/);
    expect(line!.indexOf('orders-1 ')).toBe(header!.indexOf('SNAPSHOT'));
    expect(line!.indexOf('COMPLETE')).toBe(header!.indexOf('STATUS'));
    expect(line!.indexOf('incomplete')).toBe(header!.indexOf('VERIFIED'));
    expect(line).toMatch(/s3:\/\/b\/exports\/orders\/orders-1-abc\/$/);
  });

  it('shows "-" for an export not verified yet', () => {
    expect(statusRow({ ExportTaskIdentifier: 'x', Status: 'IN_PROGRESS' }, undefined).verified).toBe('-');
  });
});

describe('verify, catalog and coverage command lines', () => {
  it('reads verify with export ids, --since defaulting to 30 days, --force and --json', () => {
    expect(parse('verify', 'orders-1-abc', 'billing-2-def', '--force', '--json')).toEqual({
      command: 'verify',
      exportIds: ['orders-1-abc', 'billing-2-def'],
      since: new Date(NOW.getTime() - 30 * 86_400_000),
      force: true,
      json: true,
    });
    expect(parse('verify', '--since', '7d')).toMatchObject({ exportIds: [], since: new Date(NOW.getTime() - 7 * 86_400_000), force: false });
  });

  it('rejects an export id that cannot be one, naming where to find real ones', () => {
    expect(usageError(['verify', 'not/an/id']).message).toBe(
      'verify: not an export task identifier: not/an/id (see the EXPORT column of "npm run archive -- status")',
    );
  });

  it('reads catalog and coverage', () => {
    expect(parse('catalog', '--dry-run', '--region', 'eu-west-1')).toEqual({
      command: 'catalog',
      since: new Date(NOW.getTime() - 30 * 86_400_000),
      dryRun: true,
      region: 'eu-west-1',
    });
    expect(parse('coverage', '--json', '--function', 'rds-archive-prod-exporter')).toEqual({
      command: 'coverage',
      since: undefined,
      json: true,
      functionName: 'rds-archive-prod-exporter',
    });
  });

  it('rejects a malformed --function and --region', () => {
    expect(usageError(['status', '--function', 'not a name']).message).toMatch(/^--function "not a name" is not a Lambda function name/);
    expect(usageError(['status', '--region', 'mars']).message).toBe('--region "mars" is not a region name such as us-east-1');
  });
});

describe('restore --source-account (the vault account)', () => {
  const RESTORE = ['restore', '--database', 'orders-db', '--all', '--to', 'postgres://admin@db.example.com:5432/restored'];

  it('reads the source account, and leaves it out when not given', () => {
    // Prepare
    const withSource = [...RESTORE, '--source-account', '222222222222', '--function', 'rds-archive-prod-vault-verifier'];

    // Act
    const chosen = parse(...withSource);
    const omitted = parse(...RESTORE);

    // Assess
    expect(chosen).toMatchObject({
      command: 'restore',
      sourceAccount: '222222222222',
      functionName: 'rds-archive-prod-vault-verifier',
      source: { database: 'orders-db', at: NOW },
    });
    expect(omitted).not.toHaveProperty('sourceAccount');
  });

  it.each([['22222222222'], ['2222222222223'], ['acct-2222222222'], ['']])('rejects %j, which is not an account id, with the restore usage', (value) => {
    // Act
    const error = usageError([...RESTORE, '--source-account', value]);

    // Assess
    expect(error.message).toBe(`restore: --source-account "${value}" is not an AWS account id (12 digits)`);
    expect(error.usage).toBe(RESTORE_USAGE);
  });

  it('is a restore option only, and the restore help explains it', () => {
    // Act
    const error = usageError(['status', '--source-account', '222222222222']);

    // Assess
    expect(error.message).toMatch(/^status: Unknown option '--source-account'/);
    expect(RESTORE_USAGE).toContain('--source-account ID   the source account whose archive to restore from');
  });
});
