// Which export a restore reads (pure): one by id, or the newest verified export of a database
// taken at or before a time. A `missing` export is refused with its reason; one not verified
// yet is refused with the command that verifies it.
import type { ArchiveManifest } from '../contract/manifest';
import { RestoreError } from './restore-error';

/** An export folder found in the archive, with its manifest when one could be read. */
export interface ExportCandidate {
  readonly exportTaskIdentifier: string;
  /** The DB instance or cluster the folder belongs to. */
  readonly database: string;
  readonly manifest?: ArchiveManifest;
}

function usable(manifest: ArchiveManifest | undefined, id: string): ArchiveManifest {
  if (manifest === undefined) {
    throw new RestoreError(`the export ${id} has no verification manifest yet: run "npm run archive -- verify ${id}", then restore again`);
  }
  if (manifest.outcome === 'missing') {
    throw new RestoreError(
      `the export ${id} is missing from the archive: ${manifest.missingReason ?? 'no reason recorded'}. Nothing can be restored from it; choose another export ("npm run archive -- status").`,
    );
  }
  return manifest;
}

/** The export with this identifier. */
export function chooseExportById(candidates: readonly ExportCandidate[], id: string, where: string): ArchiveManifest {
  const found = candidates.filter((c) => c.exportTaskIdentifier === id);
  if (found.length === 0) {
    throw new RestoreError(`no export "${id}" in ${where}: check the identifier (the EXPORT column of "npm run archive -- status")`);
  }
  return usable(found.find((c) => c.manifest !== undefined)?.manifest, id);
}

/** The newest verified export of `database` whose snapshot was taken at or before `at`. */
export function chooseExportAt(candidates: readonly ExportCandidate[], database: string, at: Date, where: string): ArchiveManifest {
  const ofDatabase = candidates.filter((c) => c.database === database);
  if (ofDatabase.length === 0)
    throw new RestoreError(`no export of the database "${database}" in ${where}: check the name (the DATABASE column of "npm run archive -- status")`);
  const verified = ofDatabase
    .map((c) => c.manifest)
    .filter((m): m is ArchiveManifest => m !== undefined && m.outcome === 'verified' && m.snapshotTime !== '')
    .sort((a, b) => b.snapshotTime.localeCompare(a.snapshotTime));
  const chosen = verified.find((m) => new Date(m.snapshotTime).getTime() <= at.getTime());
  if (chosen === undefined) {
    const oldest = verified.at(-1);
    throw new RestoreError(
      `no verified export of ${database} was taken at or before ${at.toISOString()}${oldest ? `; the oldest verified one is ${oldest.exportTaskIdentifier} (${oldest.snapshotTime})` : `; none of its ${ofDatabase.length} export(s) is verified (run "npm run archive -- verify")`}`,
    );
  }
  return chosen;
}
