// Export task identifiers and S3 prefixes (pure).
import { createHash } from 'node:crypto';

/** Longest identifier we make; RDS's own limit is not documented, and 60 is known to work. */
export const MAX_EXPORT_TASK_IDENTIFIER_LENGTH = 60;

const HASH_LENGTH = 10;
const VALID = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/;

/** True when `id` follows RDS's rules for export task identifiers (and our length limit). */
export function isValidExportTaskIdentifier(id: string): boolean {
  return id.length <= MAX_EXPORT_TASK_IDENTIFIER_LENGTH && VALID.test(id) && !id.endsWith('-');
}

/** The snapshot's name: the part of its ARN after "snapshot:" or "cluster-snapshot:". */
export function snapshotNameOf(snapshotArn: string): string {
  const match = /:(?:cluster-)?snapshot:(.+)$/.exec(snapshotArn);
  return match ? match[1]! : snapshotArn;
}

/**
 * The export task identifier of a snapshot's export attempt: readable (the snapshot's name,
 * shortened if needed), valid for RDS whatever the name, the same for the same ARN and attempt,
 * and distinct for distinct ARNs (a hash of the whole ARN keeps shortened names apart).
 * Attempt 1 is the first export; later attempts (after a failed or canceled export) end in -a<n>.
 */
export function exportTaskIdentifier(snapshotArn: string, attempt = 1): string {
  return identifier(snapshotNameOf(snapshotArn), 'snapshot', '', snapshotArn, attempt);
}

/**
 * `<readable name>-<tail>-<hash of key>[-a<attempt>]`: the name lower-cased, runs of other
 * characters as one hyphen, starting with a letter (`fallback` in front otherwise), shortened so
 * the whole fits RDS's length; the hash of `key` keeps shortened names apart.
 */
function identifier(name: string, fallback: string, tail: string, key: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, HASH_LENGTH);
  const suffix = `${tail}-${hash}${attempt > 1 ? `-a${attempt}` : ''}`;
  let slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(slug)) slug = `${fallback}${slug === '' ? '' : `-${slug}`}`;
  slug = slug.slice(0, MAX_EXPORT_TASK_IDENTIFIER_LENGTH - suffix.length).replace(/-+$/, '');
  return `${slug}${suffix}`;
}

/** The attempt number an identifier of this snapshot stands for, or undefined if it is not ours. */
export function attemptOf(snapshotArn: string, identifier: string, maxAttempts: number): number | undefined {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (exportTaskIdentifier(snapshotArn, attempt) === identifier) return attempt;
  }
  return undefined;
}

/** The DB instance or cluster of an export: the last part of its S3 prefix, `<ARCHIVE_PREFIX>/<database>` (see exportS3Prefix). */
export function databaseOfExport(task: { readonly S3Prefix?: string }): string {
  return (task.S3Prefix ?? '').split('/').filter(Boolean).pop() ?? '';
}

/** Where a database's exports go: <prefix>/<database identifier>, or the identifier alone. */
export function exportS3Prefix(archivePrefix: string, databaseIdentifier: string): string {
  const prefix = archivePrefix.replace(/^\/+|\/+$/g, '');
  return prefix === '' ? databaseIdentifier : `${prefix}/${databaseIdentifier}`;
}

/** The export of one database's cadence period: which database (instance or cluster), which cadence, which period. */
export interface PeriodExport {
  readonly kind: 'instance' | 'cluster';
  readonly database: string;
  readonly cadence: string;
  /** The period's key, e.g. "2026-11" (see periods.ts periodOf). */
  readonly period: string;
}

/**
 * The export task identifier of a database's period under a cadence rule, e.g.
 * "orders-db-monthly-2026-11-<hash>": one per database and period, whichever snapshot of the
 * period is exported. RDS refuses a second export under the same identifier, so the event path,
 * a re-delivered event, the reconciliation and a backfill cannot export one period twice, even
 * when they race or when the period's first snapshot has since been deleted.
 */
export function periodExportIdentifier(unit: PeriodExport, attempt = 1): string {
  const key = `${unit.kind}\n${unit.database.toLowerCase()}\n${unit.cadence}\n${unit.period}`;
  return identifier(unit.database, 'db', `-${unit.cadence}-${unit.period.toLowerCase()}`, key, attempt);
}
