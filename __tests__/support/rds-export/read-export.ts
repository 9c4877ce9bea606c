// Reads back an export folder written by writeRdsExport (or a corpus folder), for tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListedObject } from '../../../handler/verification/layout';
import type { VerifyExportInput } from '../../../handler/verification/verdict';

export interface WrittenExport {
  readonly listing: ListedObject[];
  readonly task: Record<string, unknown>;
  readonly exportInfo: Record<string, unknown>;
  readonly tablesInfo: { key: string; text: string }[];
  /** perTableStatus entries of every export_tables_info file. */
  readonly entries: Record<string, unknown>[];
  /** Parquet parts by key. */
  readonly parts: Map<string, Uint8Array>;
}

export function readWrittenExport(outDir: string): WrittenExport {
  const listing = JSON.parse(readFileSync(join(outDir, 'listing.json'), 'utf8')) as ListedObject[];
  const task = (JSON.parse(readFileSync(join(outDir, 'describe-export-task.json'), 'utf8')) as { ExportTasks: Record<string, unknown>[] }).ExportTasks[0]!;
  const text = (key: string): string => readFileSync(join(outDir, key), 'utf8');
  const exportInfoKey = listing.find((o) => /\/export_info_[^/]*\.json$/.test(o.key))!.key;
  const tablesInfo = listing.filter((o) => /\/export_tables_info_[^/]*\.json$/.test(o.key)).map((o) => ({ key: o.key, text: text(o.key) }));
  const parts = new Map(listing.filter((o) => o.key.endsWith('.parquet')).map((o) => [o.key, new Uint8Array(readFileSync(join(outDir, o.key)))]));
  return {
    listing,
    task,
    exportInfo: JSON.parse(text(exportInfoKey)),
    tablesInfo,
    entries: tablesInfo.flatMap((t) => (JSON.parse(t.text) as { perTableStatus: Record<string, unknown>[] }).perTableStatus),
    parts,
  };
}

/** The export as the project's verifyExport takes it. */
export function verifyInputOf(written: WrittenExport, database: string, verifiedAt: Date): VerifyExportInput {
  return {
    task: { ...written.task, SnapshotTime: new Date(written.task.SnapshotTime as string) },
    database,
    listing: written.listing,
    exportInfoText: JSON.stringify(written.exportInfo),
    tablesInfoTexts: written.tablesInfo,
    verifiedAt,
  };
}
