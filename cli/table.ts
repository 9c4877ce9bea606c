// Plain text tables for the terminal (pure).

/** One column: the row field it shows and its header. */
export interface Column<T> {
  readonly key: keyof T & string;
  readonly header: string;
}

/** Lays rows out as a table: a header line, then one line per row, columns two spaces apart. */
export function formatTable<T extends Record<string, unknown>>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const text = (row: T, key: keyof T & string) => String(row[key] ?? '');
  const widths = columns.map((c) => Math.max(c.header.length, ...rows.map((r) => text(r, c.key).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map((r) => line(columns.map((c) => text(r, c.key))))].join('\n');
}
