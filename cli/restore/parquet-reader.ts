// Reads a Parquet part row group by row group with hyparquet, turning each into lines of
// COPY / LOAD DATA text a slice at a time: memory holds one decoded row group and one slice.
import { gunzipSync } from 'node:zlib';
import { type FileMetaData, parquetMetadataAsync, parquetRead, type SchemaElement } from 'hyparquet';
import { describeParquetColumn, escapeField, type LoadAs, type ParquetColumn, valueText } from '../../handler/restore/parquet-values';
import { RestoreError } from '../../handler/restore/restore-error';
import type { Engine } from '../../handler/restore/target-url';
import type { RangeReader } from './archive-reader';

// RDS writes .gz.parquet: GZIP pages. hyparquet decodes SNAPPY itself; GZIP comes from zlib.
const COMPRESSORS = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

/** Rows per text slice handed to the loader. */
const SLICE_ROWS = 4096;

/** An opened part: its footer and columns. */
export interface ParquetPart {
  readonly file: RangeReader;
  readonly metadata: FileMetaData;
  readonly rows: number;
  readonly columns: readonly ParquetColumn[];
}

/** Reads a part's footer. */
export async function openPart(file: RangeReader, name: string): Promise<ParquetPart> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new RestoreError(`${name} is not a readable Parquet file (${(error as Error).message}): the file is damaged or was replaced`);
  }
  const leaves = metadata.schema.slice(1) as SchemaElement[];
  if (leaves.some((e) => e.num_children !== undefined && e.num_children > 0)) {
    throw new RestoreError(`${name} has nested columns, which RDS never writes: the file is not an RDS export part`);
  }
  const columns = leaves.map((e) => describeParquetColumn(e as unknown as Parameters<typeof describeParquetColumn>[0]));
  // hyparquet's own conversions lose precision (DECIMAL to a double, TIMESTAMP_MICROS to a Date
  // in milliseconds): keep only the string annotation and convert the raw values here.
  const raw: FileMetaData = {
    ...metadata,
    schema: metadata.schema.map((e, i) => {
      if (i === 0) return e;
      const keep =
        e.converted_type === 'UTF8' ||
        e.converted_type === 'JSON' ||
        e.converted_type === 'ENUM' ||
        ['STRING', 'JSON', 'ENUM'].includes(e.logical_type?.type ?? '');
      if (keep) return { ...e, converted_type: 'UTF8', logical_type: undefined };
      const { converted_type: _c, logical_type: _l, ...rest } = e;
      return rest as SchemaElement;
    }),
  };
  return { file, metadata: raw, rows: Number(metadata.num_rows), columns };
}

/** How each target column is filled: which Parquet column, loaded as what. */
export interface ColumnBinding {
  readonly index: number;
  readonly loadAs: LoadAs;
}

/** Matches target columns to the part's columns by name; a missing column is an error naming it. */
export function bindColumns(part: ParquetPart, names: readonly { name: string; loadAs: LoadAs }[], partName: string): ColumnBinding[] {
  return names.map(({ name, loadAs }) => {
    const index = part.columns.findIndex((c) => c.name === name);
    if (index < 0) {
      throw new RestoreError(`${partName} has no column "${name}", which the export's metadata lists: the file does not belong to this table's export`);
    }
    return { index, loadAs };
  });
}

/** Decodes one row group into column arrays. */
async function readRowGroup(part: ParquetPart, start: number, end: number, columnNames?: string[]): Promise<Map<string, ArrayLike<unknown>>> {
  const chunks = new Map<string, { rowStart: number; data: ArrayLike<unknown> }[]>();
  await parquetRead({
    file: part.file,
    metadata: part.metadata,
    rowStart: start,
    rowEnd: end,
    compressors: COMPRESSORS,
    utf8: false,
    ...(columnNames ? { columns: columnNames } : {}),
    onChunk: (chunk) => {
      const list = chunks.get(chunk.columnName) ?? [];
      list.push({ rowStart: chunk.rowStart, data: chunk.columnData as ArrayLike<unknown> });
      chunks.set(chunk.columnName, list);
    },
  });
  const columns = new Map<string, ArrayLike<unknown>>();
  for (const [name, list] of chunks) {
    if (list.length === 1 && list[0]!.rowStart === start && list[0]!.data.length === end - start) {
      columns.set(name, list[0]!.data);
      continue;
    }
    const values: unknown[] = new Array(end - start);
    for (const { rowStart, data } of list) {
      for (let i = 0; i < data.length; i++) {
        const row = rowStart + i;
        if (row >= start && row < end) values[row - start] = data[i];
      }
    }
    columns.set(name, values);
  }
  return columns;
}

/** The row groups of a part as [first row, end row). */
export function rowGroupRanges(part: ParquetPart): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  for (const group of part.metadata.row_groups) {
    const rows = Number(group.num_rows);
    ranges.push([start, start + rows]);
    start += rows;
  }
  return ranges;
}

/**
 * The part's rows as text lines (tab-separated, \N for NULL, escaped), SLICE_ROWS rows a
 * string, row group by row group.
 */
export async function* partLines(part: ParquetPart, bindings: readonly ColumnBinding[], engine: Engine): AsyncGenerator<{ text: string; rows: number }> {
  const names = part.columns.map((c) => c.name);
  for (const [start, end] of rowGroupRanges(part)) {
    if (end === start) continue;
    const columns = await readRowGroup(part, start, end);
    const data = bindings.map((b) => columns.get(names[b.index]!) ?? []);
    const described = bindings.map((b) => part.columns[b.index]!);
    for (let first = 0; first < end - start; first += SLICE_ROWS) {
      const last = Math.min(end - start, first + SLICE_ROWS);
      let text = '';
      for (let row = first; row < last; row++) {
        for (let c = 0; c < bindings.length; c++) {
          if (c > 0) text += '\t';
          text += escapeField(valueText(described[c]!, data[c]![row], engine, bindings[c]!.loadAs));
        }
        text += '\n';
      }
      yield { text, rows: last - first };
    }
  }
}

/** Every value of some columns of a part, row group by row group (for reading numeric scales). */
export async function* columnValues(part: ParquetPart, name: string): AsyncGenerator<ArrayLike<unknown>> {
  for (const [start, end] of rowGroupRanges(part)) {
    if (end === start) continue;
    const columns = await readRowGroup(part, start, end, [name]);
    yield columns.get(name) ?? [];
  }
}
