// The outcome of `archive doctor` (pure): each check's result, the report an operator reads,
// the JSON document, and the exit code.

/** What a check found: it holds, it does not (and the operator must act), or it could not be decided. */
export type CheckStatus = 'ok' | 'problem' | 'could-not-check';

/** The result of one check. */
export interface CheckResult {
  /** A stable name, e.g. "event-subscriptions"; the JSON's key for scripts. */
  readonly id: string;
  /** What was checked, in words, e.g. "RDS event subscriptions". */
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found: for OK what holds, for a problem what is wrong, otherwise why it could not be checked. */
  readonly detail: string;
  /** What to do, for a problem (and, where there is something to do, for could-not-check). */
  readonly fix?: string;
}

const LABELS: Readonly<Record<CheckStatus, string>> = {
  ok: 'OK',
  problem: 'PROBLEM',
  'could-not-check': 'COULD NOT CHECK',
};

/**
 * The exit code: 1 when any check found a problem, else 0. A check that could not be decided is
 * not a failure: doctor reports what it knows, and an unanswerable question (a refused policy
 * simulation, an emulator) says nothing about the deployment being wrong.
 */
export function exitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'problem') ? 1 : 0;
}

/** The report as lines: one block per check, then a summary line. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...Object.values(LABELS).map((label) => label.length));
  const blocks = results.map((r) => {
    const lines = [`${LABELS[r.status].padEnd(width)}  ${r.title}`, `${' '.repeat(width)}  ${r.detail}`];
    if (r.fix !== undefined) lines.push(`${' '.repeat(width)}  what to do: ${r.fix}`);
    return lines.join('\n');
  });
  return [...blocks, summaryLine(results)].join('\n');
}

/** "12 checks: 10 OK, 1 problem, 1 could not check". */
export function summaryLine(results: readonly CheckResult[]): string {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  const problems = count('problem');
  return `${results.length} checks: ${count('ok')} OK, ${problems} ${problems === 1 ? 'problem' : 'problems'}, ${count('could-not-check')} could not check`;
}

/** The JSON document of `doctor --json`. */
export function reportDocument(results: readonly CheckResult[]): { ok: boolean; exitCode: number; checks: readonly CheckResult[] } {
  const code = exitCode(results);
  return { ok: code === 0, exitCode: code, checks: results };
}
