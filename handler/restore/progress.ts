// What a restore says while it runs (pure): a progress line per table on a terminal, one JSON
// line per table with --json, and a summary at the end.
import { formatDuration, formatMb } from './plan';

/** A table's progress so far. */
export interface TableProgress {
  /** "schema.table" in the target. */
  readonly table: string;
  readonly rows: number;
  readonly totalRows: number;
  /** Parquet bytes read so far, of totalBytes. */
  readonly bytes: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

const BAR = 20;

/** "public.orders [########............] 40% 400,000/1,000,000 rows 10.0/25.0 MB 95,000 rows/s ETA 6s" */
export function formatProgressLine(p: TableProgress): string {
  const fraction = p.totalRows > 0 ? Math.min(1, p.rows / p.totalRows) : 1;
  const filled = Math.round(fraction * BAR);
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.rows / seconds : 0;
  const eta = rate > 0 ? formatDuration((p.totalRows - p.rows) / rate) : '?';
  return `${p.table} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${Math.floor(fraction * 100)}% ${p.rows.toLocaleString('en-US')}/${p.totalRows.toLocaleString('en-US')} rows ${(p.bytes / 1_048_576).toFixed(1)}/${formatMb(p.totalBytes)} ${Math.round(rate).toLocaleString('en-US')} rows/s ETA ${eta}`;
}

/** How one table's restore ended. */
export interface TableResult {
  readonly table: string;
  readonly source: string;
  readonly status: 'restored' | 'failed' | 'skipped';
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly error?: string;
}

/** One JSON line for a table (--json). */
export function tableResultJson(result: TableResult): string {
  return JSON.stringify({ ...result, rowsPerSecond: result.seconds > 0 ? Math.round(result.rows / result.seconds) : null });
}

/** A table's line when it is done: status, source -> target, rows, MB, time, and the error. */
export function formatTableResult(r: TableResult): string {
  return `${r.status} ${r.source} -> ${r.table}: ${r.rows.toLocaleString('en-US')} rows, ${formatMb(r.bytes)}, ${formatDuration(r.seconds)}${r.error ? `: ${r.error}` : ''}`;
}

/** The summary line: tables restored and failed, rows, time and rate. */
export function formatSummary(results: readonly TableResult[], seconds: number): string {
  const rows = results.reduce((n, r) => n + (r.status === 'restored' ? r.rows : 0), 0);
  const count = (s: TableResult['status']) => results.filter((r) => r.status === s).length;
  return `${count('restored')} table(s) restored, ${count('failed')} failed: ${rows.toLocaleString('en-US')} rows in ${formatDuration(seconds)}${seconds > 0 ? ` (${Math.round(rows / seconds).toLocaleString('en-US')} rows/s)` : ''}`;
}
