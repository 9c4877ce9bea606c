// Where the archive keeps its own objects in the bucket, beside the exports RDS writes: known to the
// stacks (which grant access to exactly these keys) and to the handler (which reads and writes them).

/** Where the record lives below the archive prefix; `_` keeps it apart from database folders (RDS identifiers start with a letter). */
export const VERIFIED_RECORD_PATH = '_archive/verified-exports.json';

function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

function under(prefix: string, path: string): string {
  const trimmed = trimSlashes(prefix);
  return trimmed === '' ? path : `${trimmed}/${path}`;
}

/** The record's key in the archive bucket: `<archivePrefix>/_archive/verified-exports.json`. */
export function verifiedRecordKey(archivePrefix: string): string {
  return under(archivePrefix, VERIFIED_RECORD_PATH);
}

// Vault mode (docs/handler-contract.md, "Vault mode"): each source account exports under its own
// prefix of the vault's bucket and hands every completed export over with a small JSON file under
// that prefix; the vault verifier reads the handovers, and keeps its cursor beside the sources'
// prefixes, where no source may write.

/** The prefix a source account exports under in the vault's bucket: `<archivePrefix>/<source account id>` (the source exporter's ARCHIVE_PREFIX). */
export function sourceArchivePrefix(vaultArchivePrefix: string, sourceAccountId: string): string {
  return under(vaultArchivePrefix, sourceAccountId);
}

/** Where a source's handovers live below its prefix. */
export const HANDOVERS_PATH = '_archive/handovers/';

/** The folder of a source's handovers: `<source prefix>/_archive/handovers/` (the S3 notification's prefix, and the source's only write outside RDS's). */
export function handoversPrefix(sourcePrefix: string): string {
  return under(sourcePrefix, HANDOVERS_PATH);
}

/** A handover's time in its key: `20261205T014349123Z`, fixed width, so keys sort by time. */
function handoverStamp(time: Date): string {
  return time.toISOString().replace(/[-:.]/g, '');
}

const HANDOVER_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

/**
 * The key of one handover: `<source prefix>/_archive/handovers/<time>-<export task id>.json`.
 * Time-ordered, so the vault lists only what is new (ListObjectsV2 StartAfter its cursor) and the
 * source lists only what was handed over since an export completed.
 */
export function handoverKey(sourcePrefix: string, handedOverAt: Date, exportTaskIdentifier: string): string {
  return `${handoversPrefix(sourcePrefix)}${handoverStamp(handedOverAt)}-${exportTaskIdentifier}.json`;
}

/** The StartAfter key that lists a source's handovers made at or after `since`. */
export function handoversStartAfter(sourcePrefix: string, since: Date): string {
  return `${handoversPrefix(sourcePrefix)}${handoverStamp(since)}`;
}

/** A handover's file name (`<time>-<export id>.json`) read back; undefined when it is not one. */
export function parseHandoverFileName(name: string): { handedOverAt: Date; exportTaskIdentifier: string } | undefined {
  const match = /^(\d{8}T\d{9}Z)-([^/]+)\.json$/.exec(name);
  const stamp = match === null ? null : HANDOVER_STAMP.exec(match[1]!);
  if (match === null || stamp === null) return undefined;
  const [, y, mo, d, h, mi, s, ms] = stamp.map(Number) as number[];
  const handedOverAt = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!));
  if (Number.isNaN(handedOverAt.getTime()) || handoverStamp(handedOverAt) !== stamp[0]) return undefined;
  return { handedOverAt, exportTaskIdentifier: match[2]! };
}

/** What a handover's key says. */
export interface HandoverKeyParts {
  /** The account whose prefix the key is under. */
  readonly sourceAccountId: string;
  /** `<archivePrefix>/<sourceAccountId>`. */
  readonly sourcePrefix: string;
  readonly handedOverAt: Date;
  readonly exportTaskIdentifier: string;
}

/**
 * Reads a handover's key under the vault's base prefix, or says why it is not one: the
 * account segment must be 12 digits, the rest `_archive/handovers/<time>-<export id>.json`.
 */
export function parseHandoverKey(vaultArchivePrefix: string, key: string): { ok: true; parts: HandoverKeyParts } | { ok: false; problem: string } {
  const base = trimSlashes(vaultArchivePrefix);
  const rest = base === '' ? key : key.startsWith(`${base}/`) ? key.slice(base.length + 1) : undefined;
  if (rest === undefined) return { ok: false, problem: `${key} is not under the archive prefix "${base}/"` };
  const match = /^([^/]+)\/_archive\/handovers\/([^/]+)\.json$/.exec(rest);
  if (match === null) return { ok: false, problem: `${key} is not a handover key (<archivePrefix>/<account>/${HANDOVERS_PATH}<time>-<export id>.json)` };
  const [, account, name] = match as unknown as [string, string, string];
  if (!/^\d{12}$/.test(account)) return { ok: false, problem: `${key}: "${account}" is not an account id (12 digits)` };
  const file = parseHandoverFileName(`${name}.json`);
  if (file === undefined) return { ok: false, problem: `${key}: the file name is not <time>-<export id>.json with a valid time` };
  const { handedOverAt, exportTaskIdentifier } = file;
  return { ok: true, parts: { sourceAccountId: account, sourcePrefix: sourceArchivePrefix(base, account), handedOverAt, exportTaskIdentifier } };
}

/** Where the vault verifier keeps its cursor: beside the sources' prefixes, under none of them. */
export const VAULT_CURSOR_PATH = '_archive/vault-cursor.json';

/** The vault verifier's cursor record: `<archivePrefix>/_archive/vault-cursor.json` (the vault's own; no source may read or write it). */
export function vaultCursorKey(vaultArchivePrefix: string): string {
  return under(vaultArchivePrefix, VAULT_CURSOR_PATH);
}
