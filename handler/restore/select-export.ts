// Which export a restore reads (pure): one by id, or the newest verified export of a database
// taken at or before a time. A `missing` export is refused with its reason; one not verified
// yet is refused with what verifies it (the CLI's verify, or in the vault account its verifier).
import type { ArchiveManifest } from '../contract/manifest';
import { RestoreError } from './restore-error';

/** An export folder found in the archive, with its manifest when one could be read. */
export interface ExportCandidate {
  readonly exportTaskIdentifier: string;
  /** The DB instance or cluster the folder belongs to. */
  readonly database: string;
  readonly manifest?: ArchiveManifest;
}

/** Where the operator looks when a restore cannot go on: how the exports are listed, and how one gets its manifest. */
export interface RestoreHints {
  /** Where the database names are listed. */
  readonly databases: string;
  /** Where the export identifiers are listed. */
  readonly exports: string;
  /** What gives an export its verification manifest. */
  readonly verify: (id?: string) => string;
}

/** An exporter's deployment (single account or a source of a vault): its CLI lists and verifies. */
export const EXPORTER_HINTS: RestoreHints = {
  databases: 'the DATABASE column of "npm run archive -- status"',
  exports: 'the EXPORT column of "npm run archive -- status"',
  verify: (id) => `run "npm run archive -- verify${id === undefined ? '' : ` ${id}`}"`,
};

/** The vault account, where status and verify do not run: the folders of the source's prefix, and the vault verifier. */
export function vaultHints(bucket: string, prefix: string): RestoreHints {
  const folder = `s3://${bucket}/${prefix === '' ? '' : `${prefix}/`}`;
  return {
    databases: `the database folders: aws s3 ls ${folder}`,
    exports: `the export folders of each database: aws s3 ls ${folder}<database>/`,
    verify: () =>
      "the vault verifier writes it when it verifies the source's handover, at the latest in its hourly sweep (doctor's vault-sweep check says whether the sweep runs)",
  };
}

function usable(manifest: ArchiveManifest | undefined, id: string, hints: RestoreHints): ArchiveManifest {
  if (manifest === undefined) {
    throw new RestoreError(`the export ${id} has no verification manifest yet: ${hints.verify(id)}, then restore again`);
  }
  if (manifest.outcome === 'missing') {
    throw new RestoreError(
      `the export ${id} is missing from the archive: ${manifest.missingReason ?? 'no reason recorded'}. Nothing can be restored from it; choose another export (${hints.exports}).`,
    );
  }
  return manifest;
}

/** The export with this identifier. */
export function chooseExportById(candidates: readonly ExportCandidate[], id: string, where: string, hints: RestoreHints = EXPORTER_HINTS): ArchiveManifest {
  const found = candidates.filter((c) => c.exportTaskIdentifier === id);
  if (found.length === 0) {
    throw new RestoreError(`no export "${id}" in ${where}: check the identifier (${hints.exports})`);
  }
  return usable(found.find((c) => c.manifest !== undefined)?.manifest, id, hints);
}

/** The newest verified export of `database` whose snapshot was taken at or before `at`. */
export function chooseExportAt(
  candidates: readonly ExportCandidate[],
  database: string,
  at: Date,
  where: string,
  hints: RestoreHints = EXPORTER_HINTS,
): ArchiveManifest {
  const ofDatabase = candidates.filter((c) => c.database === database);
  if (ofDatabase.length === 0) throw new RestoreError(`no export of the database "${database}" in ${where}: check the name (${hints.databases})`);
  const verified = ofDatabase
    .map((c) => c.manifest)
    .filter((m): m is ArchiveManifest => m !== undefined && m.outcome === 'verified' && m.snapshotTime !== '')
    .sort((a, b) => b.snapshotTime.localeCompare(a.snapshotTime));
  const chosen = verified.find((m) => new Date(m.snapshotTime).getTime() <= at.getTime());
  if (chosen === undefined) {
    const oldest = verified.at(-1);
    throw new RestoreError(
      `no verified export of ${database} was taken at or before ${at.toISOString()}${oldest ? `; the oldest verified one is ${oldest.exportTaskIdentifier} (${oldest.snapshotTime})` : `; none of its ${ofDatabase.length} export(s) is verified (${hints.verify()})`}`,
    );
  }
  return chosen;
}
