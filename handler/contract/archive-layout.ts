// Where the archive keeps its own objects in the bucket, beside the exports RDS writes: known to the
// stacks (which grant access to exactly these keys) and to the handler (which reads and writes them).

/** Where the record lives below the archive prefix; `_` keeps it apart from database folders (RDS identifiers start with a letter). */
export const VERIFIED_RECORD_PATH = '_archive/verified-exports.json';

/** The record's key in the archive bucket: `<archivePrefix>/_archive/verified-exports.json`. */
export function verifiedRecordKey(archivePrefix: string): string {
  const prefix = archivePrefix.replace(/^\/+|\/+$/g, '');
  return prefix === '' ? VERIFIED_RECORD_PATH : `${prefix}/${VERIFIED_RECORD_PATH}`;
}
