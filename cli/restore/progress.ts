// The restore's output: a progress line per table on a terminal (stderr, redrawn at most four
// times a second), one JSON line per table with --json (stdout), and the summary.
import { formatProgressLine, formatSummary, formatTableResult, type TableResult, tableResultJson } from '../../handler/restore';

/** Reports one restore's progress. */
export class RestoreProgress {
  private readonly live = new Map<string, { rows: number; bytes: number; totalRows: number; totalBytes: number; started: number }>();
  private lastDraw = 0;

  constructor(
    private readonly json: boolean,
    private readonly terminal: boolean = process.stderr.isTTY === true,
    private readonly out: (line: string) => void = (line) => console.log(line),
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  start(table: string, totalRows: number, totalBytes: number): void {
    this.live.set(table, { rows: 0, bytes: 0, totalRows, totalBytes, started: Date.now() });
  }

  rows(table: string, rows: number): void {
    const entry = this.live.get(table);
    if (entry !== undefined) entry.rows += rows;
    this.draw();
  }

  bytes(table: string, bytes: number): void {
    const entry = this.live.get(table);
    // Re-read ranges (a footer, a numeric column read for its scale) do not count past the total.
    if (entry !== undefined) entry.bytes = Math.min(entry.totalBytes, entry.bytes + bytes);
  }

  private draw(force = false): void {
    if (!this.terminal) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 250) return;
    this.lastDraw = now;
    const lines = [...this.live].map(([table, p]) => formatProgressLine({ table, ...p, elapsedMs: now - p.started }));
    // One line per table being loaded, redrawn in place.
    this.err.write(`\x1b[2K${lines.join(' | ').slice(0, (process.stderr.columns ?? 160) - 1)}\r`);
  }

  finish(result: TableResult): void {
    this.live.delete(result.table);
    if (this.terminal) this.err.write('\x1b[2K\r');
    if (this.json) this.out(tableResultJson(result));
    else this.out(formatTableResult(result));
    this.draw(true);
  }

  summary(results: readonly TableResult[], seconds: number): void {
    if (this.json) {
      const restored = results.filter((r) => r.status === 'restored');
      this.out(
        JSON.stringify({
          summary: true,
          tables: results.length,
          restored: restored.length,
          failed: results.filter((r) => r.status === 'failed').length,
          rows: restored.reduce((n, r) => n + r.rows, 0),
          seconds: Math.round(seconds * 10) / 10,
        }),
      );
    } else this.out(formatSummary(results, seconds));
  }
}
