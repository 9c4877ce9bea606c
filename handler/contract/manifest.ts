// The archive manifest: what verifying one export found, written as archive-manifest.json in the
// export's folder. It is the contract between verification (which writes it), the catalog
// (which registers the archived tables), coverage and the CLI (which read it).

/** The manifest's file name inside `<S3Prefix>/<exportTaskIdentifier>/`. */
export const MANIFEST_FILE_NAME = 'archive-manifest.json';

/** Bumped when the manifest's shape changes in a way readers must know about. */
export const MANIFEST_VERSION = 1;

/**
 * What verification concluded about one export:
 * - `verified`: every table archived, no warnings;
 * - `incomplete`: the export finished, but tables were skipped or failed, or RDS gave a warning;
 * - `missing`: RDS says COMPLETE, but the metadata or data files are not where they should be.
 */
export const VERIFICATION_OUTCOMES = ['verified', 'incomplete', 'missing'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** One column as the export states it in `schemaMetadata.originalTypeMappings`. */
export interface ExportedColumn {
  readonly columnName: string;
  /** The source database's type, e.g. "timestamp with time zone". */
  readonly originalType: string;
  /** The Parquet type RDS writes, e.g. "int64 (TIMESTAMP_MICROS)"; may be empty when RDS omits it. */
  readonly expectedExportedType: string;
  /** The source column's declared length (character types), when RDS states a positive one. */
  readonly originalCharMaxLength?: number;
  /** The source column's precision, when RDS states a positive one (PostgreSQL numeric: its declared precision). */
  readonly originalNumPrecision?: number;
  /** The source column's scale, when RDS states one; the exports seen so far never do. */
  readonly originalNumScale?: number;
  /** Fractional-second digits of a time type, when RDS states a positive one. */
  readonly originalDateTimePrecision?: number;
}

/**
 * An entry of export_tables_info that names a database rather than a table (e.g. PostgreSQL's
 * `postgres` database), with RDS's message about it. Not a table: it is never archived or counted.
 */
export interface ManifestDatabaseEntry {
  readonly name: string;
  readonly message: string;
}

/** One table of the export, with what was found for it. */
export interface ManifestTable {
  /** RDS's name: "<db>.<schema>.<table>" (PostgreSQL) or "<db>.<table>" (MySQL). */
  readonly target: string;
  /** The table's status in export_tables_info (COMPLETE, SKIPPED, FAILED, ...), upper-cased; "UNKNOWN" when absent. */
  readonly status: string;
  readonly sizeGB: number;
  /** Parquet parts found under the table's folder. */
  readonly files: number;
  /** Bytes of those parts. */
  readonly bytes: number;
  /** True when the status is COMPLETE and the folder holds at least one Parquet part. */
  readonly archived: boolean;
  /**
   * The table's folder relative to the export's folder, e.g. "orders/public.orders/" (ends in "/"),
   * with RDS's path conversion applied (a table "my table" is in "<db>/<schema>.my_table/").
   */
  readonly folder: string;
  /** Why the table is not archived (absent when archived). */
  readonly reason?: string;
  /** The columns the export states for the table (empty when RDS wrote no schemaMetadata). */
  readonly columns: readonly ExportedColumn[];
}

/**
 * Where the export task's description came from, when not from this account's RDS: in a vault, the
 * source account's handover (a claim of that account about its own export, checked against the
 * key, the ARN, the bucket and the folder; docs/verification.md, "Vault mode").
 */
export interface TaskDescriptionSource {
  readonly from: 'handover';
  readonly sourceAccountId: string;
  /** The handover's key in the bucket. */
  readonly handoverKey: string;
}

/** The manifest of one export. */
export interface ArchiveManifest {
  readonly manifestVersion: number;
  readonly exportTaskIdentifier: string;
  readonly snapshotArn: string;
  /** The DB instance or cluster identifier. */
  readonly database: string;
  /** ISO-8601 UTC; when RDS took the snapshot. */
  readonly snapshotTime: string;
  /** ISO-8601 UTC; when this manifest was made. */
  readonly verifiedAt: string;
  readonly outcome: VerificationOutcome;
  readonly bucket: string;
  /** The export's folder, `<S3Prefix>/<exportTaskIdentifier>/` (ends in "/"). */
  readonly exportPrefix: string;
  /** Warnings RDS gave for the whole export (WarningMessage), one a line; empty when none. */
  readonly warnings: readonly string[];
  /** Why the export is `missing` (absent otherwise). */
  readonly missingReason?: string;
  readonly tables: readonly ManifestTable[];
  /** Database-level entries of export_tables_info (absent in manifests written before they were read). */
  readonly databases?: readonly ManifestDatabaseEntry[];
  /** Where the export task's description came from; absent when from the archive's own DescribeExportTasks. */
  readonly taskDescription?: TaskDescriptionSource;
  readonly totals: {
    readonly tables: number;
    readonly archived: number;
    readonly skipped: number;
    readonly files: number;
    readonly bytes: number;
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a stored manifest. Undefined when the text is not JSON or lacks what readers rely on;
 * a newer manifestVersion with the same fields is accepted (fields are only ever added).
 */
export function parseManifest(text: string): ArchiveManifest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.totals) || !Array.isArray(parsed.tables) || !Array.isArray(parsed.warnings)) return undefined;
  const valid =
    typeof parsed.manifestVersion === 'number' &&
    parsed.manifestVersion >= 1 &&
    typeof parsed.exportTaskIdentifier === 'string' &&
    typeof parsed.exportPrefix === 'string' &&
    (VERIFICATION_OUTCOMES as readonly unknown[]).includes(parsed.outcome) &&
    parsed.tables.every((t) => isRecord(t) && typeof t.target === 'string' && typeof t.archived === 'boolean');
  return valid ? (parsed as unknown as ArchiveManifest) : undefined;
}
