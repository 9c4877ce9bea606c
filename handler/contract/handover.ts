// The handover (docs/handler-contract.md, "Vault mode"): what a source account's exporter tells the
// vault about one of its completed exports, written as a small JSON file at handoverKey(...) in the
// vault's bucket. The source cannot read the data and the vault cannot ask the source's RDS, so
// this is the export task's own description, as the source's DescribeExportTasks returned it: a
// claim of that account about its own export, which the vault checks (handler/vault/) before it
// verifies the files it names. The parser trusts no field it has not checked.

/** Bumped when the handover's shape changes; a handover of another version is rejected. */
export const HANDOVER_VERSION = 1;

/** The longest handover the vault reads: a task description is about 2 KB; anything far larger is not one. */
export const MAX_HANDOVER_BYTES = 64 * 1024;

/** The export task as DescribeExportTasks described it, times as ISO-8601 text. */
export interface HandedOverTask {
  readonly ExportTaskIdentifier: string;
  /** The snapshot's ARN; its account is the source account. */
  readonly SourceArn: string;
  readonly S3Bucket: string;
  /** The prefix the export was started with; its folder is `<S3Prefix>/<ExportTaskIdentifier>/`. */
  readonly S3Prefix: string;
  readonly Status: string;
  readonly SnapshotTime?: string;
  readonly TaskStartTime?: string;
  readonly TaskEndTime?: string;
  readonly TotalExtractedDataInGB?: number;
  readonly FailureCause?: string;
  readonly WarningMessage?: string;
  readonly SourceType?: string;
  readonly ExportOnly?: readonly string[];
}

/** One handover file. */
export interface Handover {
  readonly handoverVersion: number;
  /** The account that handed the export over (the exporter's own). */
  readonly sourceAccountId: string;
  /** ISO-8601 UTC; when the source wrote the handover (its key carries the same time). */
  readonly handedOverAt: string;
  readonly exportTask: HandedOverTask;
}

/** The export task fields a handover carries, as the SDK's ExportTask has them (Dates). */
export interface ExportTaskLike {
  readonly ExportTaskIdentifier?: string;
  readonly SourceArn?: string;
  readonly S3Bucket?: string;
  readonly S3Prefix?: string;
  readonly Status?: string;
  readonly SnapshotTime?: Date;
  readonly TaskStartTime?: Date;
  readonly TaskEndTime?: Date;
  readonly TotalExtractedDataInGB?: number;
  readonly FailureCause?: string;
  readonly WarningMessage?: string;
  readonly SourceType?: string;
  readonly ExportOnly?: readonly string[];
}

/** The handover of `task` by `sourceAccountId` at `handedOverAt`. Throws when the task lacks what the vault needs (a caller's mistake). */
export function buildHandover(task: ExportTaskLike, sourceAccountId: string, handedOverAt: Date): Handover {
  const missing = (['ExportTaskIdentifier', 'SourceArn', 'S3Bucket', 'Status'] as const).filter((field) => !task[field]);
  if (missing.length > 0) throw new Error(`cannot hand over an export task without ${missing.join(', ')}: pass the task as DescribeExportTasks returns it`);
  const iso = (date: Date | undefined) => (date === undefined ? undefined : date.toISOString());
  const exportTask: HandedOverTask = {
    ExportTaskIdentifier: task.ExportTaskIdentifier!,
    SourceArn: task.SourceArn!,
    S3Bucket: task.S3Bucket!,
    S3Prefix: task.S3Prefix ?? '',
    Status: task.Status!,
    SnapshotTime: iso(task.SnapshotTime),
    TaskStartTime: iso(task.TaskStartTime),
    TaskEndTime: iso(task.TaskEndTime),
    TotalExtractedDataInGB: task.TotalExtractedDataInGB,
    FailureCause: task.FailureCause,
    WarningMessage: task.WarningMessage,
    SourceType: task.SourceType,
    ExportOnly: task.ExportOnly === undefined || task.ExportOnly.length === 0 ? undefined : [...task.ExportOnly],
  };
  return { handoverVersion: HANDOVER_VERSION, sourceAccountId, handedOverAt: handedOverAt.toISOString(), exportTask };
}

/** The handover's text (JSON; fields left undefined are not written). */
export function formatHandover(handover: Handover): string {
  return `${JSON.stringify(handover, null, 2)}\n`;
}

/** A handover read back, or every problem found in it. */
export type ParsedHandover = { readonly ok: true; readonly handover: Handover } | { readonly ok: false; readonly problems: readonly string[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const TOP_FIELDS = ['handoverVersion', 'sourceAccountId', 'handedOverAt', 'exportTask'];
const REQUIRED_TEXT = ['ExportTaskIdentifier', 'SourceArn', 'S3Bucket', 'Status'] as const;
const OPTIONAL_TEXT = ['FailureCause', 'WarningMessage', 'SourceType'] as const;
const TIMES = ['SnapshotTime', 'TaskStartTime', 'TaskEndTime'] as const;
const TASK_FIELDS: readonly string[] = [...REQUIRED_TEXT, 'S3Prefix', ...OPTIONAL_TEXT, ...TIMES, 'TotalExtractedDataInGB', 'ExportOnly'];

function isTime(value: unknown): boolean {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Reads a handover's text strictly: JSON, this version, every field of its type, times in
 * ISO-8601 UTC, an account id of 12 digits, no field it does not know. The problems name each
 * field and what is wrong with it; nothing of a rejected handover is used.
 */
export function parseHandover(text: string): ParsedHandover {
  if (text.length > MAX_HANDOVER_BYTES) return { ok: false, problems: [`it is ${text.length} characters long, more than a handover's ${MAX_HANDOVER_BYTES}`] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`it is not JSON (${(error as Error).message})`] };
  }
  if (!isRecord(value)) return { ok: false, problems: ['it is not a JSON object'] };
  const problems: string[] = [];
  for (const field of Object.keys(value)) if (!TOP_FIELDS.includes(field)) problems.push(`"${field}" is not a handover field`);
  if (value.handoverVersion !== HANDOVER_VERSION)
    problems.push(`handoverVersion is ${JSON.stringify(value.handoverVersion)}, expected ${HANDOVER_VERSION}: the source's exporter is of another version`);
  if (typeof value.sourceAccountId !== 'string' || !/^\d{12}$/.test(value.sourceAccountId))
    problems.push(`sourceAccountId must be an account id (12 digits), got ${JSON.stringify(value.sourceAccountId)}`);
  if (!isTime(value.handedOverAt)) problems.push(`handedOverAt must be an ISO-8601 UTC time, got ${JSON.stringify(value.handedOverAt)}`);
  const task = value.exportTask;
  if (!isRecord(task)) {
    problems.push('exportTask must be an object (the export task as DescribeExportTasks described it)');
    return { ok: false, problems };
  }
  for (const field of Object.keys(task)) if (!TASK_FIELDS.includes(field)) problems.push(`exportTask.${field} is not a field the archive hands over`);
  for (const field of REQUIRED_TEXT)
    if (typeof task[field] !== 'string' || task[field] === '')
      problems.push(`exportTask.${field} must be a non-empty string, got ${JSON.stringify(task[field])}`);
  if (typeof task.S3Prefix !== 'string') problems.push(`exportTask.S3Prefix must be a string, got ${JSON.stringify(task.S3Prefix)}`);
  for (const field of OPTIONAL_TEXT)
    if (task[field] !== undefined && typeof task[field] !== 'string') problems.push(`exportTask.${field} must be a string, got ${JSON.stringify(task[field])}`);
  for (const field of TIMES)
    if (task[field] !== undefined && !isTime(task[field]))
      problems.push(`exportTask.${field} must be an ISO-8601 UTC time, got ${JSON.stringify(task[field])}`);
  const gb = task.TotalExtractedDataInGB;
  if (gb !== undefined && (typeof gb !== 'number' || !Number.isFinite(gb) || gb < 0))
    problems.push(`exportTask.TotalExtractedDataInGB must be a number of at least 0, got ${JSON.stringify(gb)}`);
  const only = task.ExportOnly;
  if (only !== undefined && (!Array.isArray(only) || !only.every((item) => typeof item === 'string')))
    problems.push(`exportTask.ExportOnly must be a list of strings, got ${JSON.stringify(only)}`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, handover: value as unknown as Handover };
}
