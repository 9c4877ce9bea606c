// Measures `npm run archive -- restore` into a local PostgreSQL: 1,000,000 rows of a 10-column
// table, exported as RDS writes it (gzip Parquet, 4 parts of one row group each), served by moto's
// S3, restored through the CLI in its own process (wall time from start to exit, peak RSS),
// beside `psql \copy` of the same rows from a local CSV file, the two taken in turn RUNS times
// (medians; the highest peak), with the machine's load average, since both share its cores.
// Targets: at least half psql's rate, peak RSS under 256 MB.
// Run alone: node scripts/run-ts.js scripts/bench-restore.ts
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { postgresMissing, startPostgres } from '../__tests__/support/databases';
import { MOTO_CLIENT_CONFIG, startMoto } from '../__tests__/support/moto';
import { motoProcessEnv } from '../__tests__/support/moto-rds';
import { motoMissing } from '../__tests__/support/tools';
import { archiveExport, createArchiveBucket } from '../__tests__/restore/support/archive';
import { deployTestExporter, TEST_FUNCTION } from '../__tests__/restore/support/cli';
import { execute } from '../__tests__/restore/support/tables';

const ROOT = path.join(__dirname, '..');
const ROWS = Number(process.env.BENCH_RESTORE_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RESTORE_RUNS ?? 3);
const TABLE_SQL =
  'CREATE TABLE bench (id bigint, customer integer, amount numeric(12,2), price double precision, status varchar(16), note text, placed_at timestamptz, shipped_on date, paid boolean, ref uuid)';

/** What the restore measurement found. */
export interface RestoreMeasurement {
  readonly rows: number;
  readonly restoreMs: number;
  readonly restoreRowsPerSecond: number;
  readonly restorePeakMb: number;
  readonly psqlMs: number;
  readonly psqlRowsPerSecond: number;
  /** restore rate / psql rate. */
  readonly ratio: number;
  readonly runs: number;
  /** Every run: the restore's time and peak, psql's time. */
  readonly each: readonly { restoreMs: number; restorePeakMb: number; psqlMs: number }[];
  /** The 1-minute load average before and after the runs. */
  readonly load: readonly [number, number];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Runs the measurement once; starts and stops its own PostgreSQL and moto. */
export async function measureRestore(): Promise<RestoreMeasurement> {
  const [moto, server] = await Promise.all([startMoto(), startPostgres()]);
  const work = mkdtempSync(path.join(tmpdir(), 'bench-restore-'));
  try {
    const s3 = new S3Client({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint, forcePathStyle: true });
    await createArchiveBucket(s3);
    await deployTestExporter(moto.endpoint);
    const source = await server.createDatabase('source');
    await execute('postgres', source, [
      TABLE_SQL,
      `INSERT INTO bench SELECT g, g % 50000, (g % 1000000) / 100.0, g * 1.25, (ARRAY['new','paid','shipped','returned'])[1 + g % 4],
         CASE WHEN g % 10 = 0 THEN NULL ELSE 'order note ' || g END, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
         date '2026-01-01' + (g % 365), g % 3 = 0, md5(g::text)::uuid FROM generate_series(1, ${ROWS}) g`,
    ]);
    await archiveExport(s3, {
      engine: 'postgres',
      url: server.url,
      database: 'source',
      instance: 'bench-db',
      exportTaskIdentifier: 'bench-db-restore',
      partsPerTable: 4,
    });

    // psql \copy from a CSV of the same rows (written by the server, read by psql as a client file).
    const csv = path.join(work, 'bench.csv');
    chmodSync(work, 0o777);
    const psql = (url: string, command: string) => spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', command], { encoding: 'utf8' });
    const dump = psql(source, `\\copy bench TO '${csv}' CSV`);
    if (dump.status !== 0) throw new Error(`psql \\copy TO failed: ${dump.stderr}`);
    const copyWithPsql = async (run: number) => {
      const target = await server.createDatabase(`psql_${run}`);
      await execute('postgres', target, [TABLE_SQL]);
      const copied = timed(() => psql(target, `\\copy bench FROM '${csv}' CSV`));
      if (copied.value.status !== 0) throw new Error(`psql \\copy FROM failed: ${copied.value.stderr}`);
      await execute('postgres', server.url, [`DROP DATABASE psql_${run}`]);
      return copied.ms;
    };

    // The restore, as an operator runs it, in its own process with its peak memory recorded.
    const restore = async (run: number) => {
      const target = await server.createDatabase(`restored_${run}`);
      const peakFile = path.join(work, `peak-${run}`);
      const restored = timed(() =>
        spawnSync(
          process.execPath,
          [
            '--require',
            path.join(__dirname, 'report-peak-rss.js'),
            'scripts/run-ts.js',
            'cli/main.ts',
            'restore',
            '--export',
            'bench-db-restore',
            '--all',
            '--to',
            target,
            '--function',
            TEST_FUNCTION,
          ],
          { cwd: ROOT, encoding: 'utf8', env: { ...motoProcessEnv(moto.endpoint, { HOME: process.env.HOME ?? '/tmp' }), BENCH_PEAK_RSS_FILE: peakFile } },
        ),
      );
      if (restored.value.status !== 0) throw new Error(`restore failed:\n${restored.value.stdout}${restored.value.stderr}`);
      await execute('postgres', server.url, [`DROP DATABASE restored_${run}`]);
      return { ms: restored.ms, peakMb: Number(readFileSync(peakFile, 'utf8')) / 1024 };
    };

    // Taken in turn, so the machine's other work slows both alike.
    const loadBefore = loadavg()[0]!;
    const psqlMs: number[] = [];
    const restores: { ms: number; peakMb: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      psqlMs.push(await copyWithPsql(run));
      restores.push(await restore(run));
    }
    const restoreMs = median(restores.map((r) => r.ms));
    const restoreRowsPerSecond = ROWS / (restoreMs / 1000);
    const psqlRowsPerSecond = ROWS / (median(psqlMs) / 1000);
    return {
      rows: ROWS,
      restoreMs,
      restoreRowsPerSecond,
      restorePeakMb: Math.max(...restores.map((r) => r.peakMb)),
      psqlMs: median(psqlMs),
      psqlRowsPerSecond,
      ratio: restoreRowsPerSecond / psqlRowsPerSecond,
      runs: RUNS,
      each: restores.map((r, i) => ({ restoreMs: Math.round(r.ms), restorePeakMb: Math.round(r.peakMb), psqlMs: Math.round(psqlMs[i]!) })),
      load: [loadBefore, loadavg()[0]!],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await Promise.all([moto.stop(), server.stop()]);
  }
}

/** The bench's lines for the restore: its rate against psql's (target: at least half) and its peak memory (target: under 256 MB). */
export async function restoreChecks(): Promise<{ name: string; value: string; target: string; met: boolean | undefined }[]> {
  const missing =
    postgresMissing() ??
    motoMissing() ??
    (spawnSync('psql', ['--version']).status === 0 ? undefined : 'psql is not on PATH (apt-get install postgresql-client)');
  if (missing !== undefined) return [{ name: 'restore (1,000,000 rows)', value: `not measured: ${missing}`, target: '>= 0.5 x psql', met: undefined }];
  const m = await measureRestore();
  return [
    {
      name: 'restore rate (1,000,000 rows)',
      value: `${Math.round(m.restoreRowsPerSecond)} rows/s, ${(m.restoreMs / 1000).toFixed(1)} s (${m.ratio.toFixed(2)} x psql \\copy ${Math.round(m.psqlRowsPerSecond)} rows/s; median of ${m.runs}, load ${m.load.map((l) => l.toFixed(1)).join(' to ')})`,
      target: '>= 0.5 x psql',
      met: m.ratio >= 0.5,
    },
    { name: 'restore peak memory', value: `${m.restorePeakMb.toFixed(0)} MB (highest of ${m.runs})`, target: '< 256 MB', met: m.restorePeakMb < 256 },
  ];
}

if (process.argv[1] === __filename) {
  measureRestore().then(
    (m) => console.log(JSON.stringify(m, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
