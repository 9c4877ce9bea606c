// The example exports in __tests__/fixtures/rds-exports, as the tests use them: verifyExport's
// input (task, listing and metadata texts) and the manifest verification makes of it.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ArchiveManifest } from '../../handler/contract/manifest';
import type { ExportTaskDescription } from '../../handler/verification/metadata';
import type { ListedObject } from '../../handler/verification/layout';
import { type VerifyExportInput, verifyExport } from '../../handler/verification/verdict';

/** Where the example exports are. */
export const EXPORTS_DIR = path.join(__dirname, '..', 'fixtures', 'rds-exports');

/** The example exports' folders. */
export type ExampleExport = 'postgres-complete' | 'mysql-skipped-table';

/** The verification time the examples are verified at. */
export const VERIFIED_AT = new Date('2026-11-21T08:00:00Z');

/** One file of an example export, as text. */
export function exampleFile(name: ExampleExport, file: string): string {
  return readFileSync(path.join(EXPORTS_DIR, name, file), 'utf8');
}

/** The example's DescribeExportTasks entry, with its time as a Date. */
export function exampleTask(name: ExampleExport): ExportTaskDescription {
  const described = (JSON.parse(exampleFile(name, 'describe-export-task.json')) as { ExportTasks: Array<Record<string, unknown>> }).ExportTasks[0]!;
  return { ...described, SnapshotTime: new Date(described.SnapshotTime as string) };
}

/** The example's S3 listing: every key with its size. */
export function exampleListing(name: ExampleExport): ListedObject[] {
  return JSON.parse(exampleFile(name, 'listing.json')) as ListedObject[];
}

/** One example export as verifyExport's input (a fresh copy every call). */
export function exampleExport(name: ExampleExport, database: string): VerifyExportInput {
  const listing = exampleListing(name);
  const files = readdirSync(path.join(EXPORTS_DIR, name));
  const keyOf = (file: string) => listing.find((o) => o.key.endsWith(`/${file}`))!.key;
  return {
    task: exampleTask(name),
    database,
    listing,
    exportInfoText: exampleFile(name, files.find((f) => f.startsWith('export_info_'))!),
    tablesInfoTexts: files.filter((f) => f.startsWith('export_tables_info_')).map((f) => ({ key: keyOf(f), text: exampleFile(name, f) })),
    verifiedAt: VERIFIED_AT,
  };
}

/** The manifest verification writes for an example export. */
export function exampleManifest(name: ExampleExport, database: string): ArchiveManifest {
  return verifyExport(exampleExport(name, database));
}
