// Runs doctor's checks: the exporter first (the others need its settings), then every check of
// the deployment, each on its own: a check that fails to get an answer reports that it could
// not check and why, and the rest still run.
import type { DeploymentOptions } from '../deployment-options';
import { explainAwsError } from '../explain-error';
import { ALARMS_CHECK, DEAD_LETTERS_CHECK, RECONCILIATION_CHECK } from './operations';
import { BUCKET_CHECK, BUCKET_POLICY_CHECK } from './bucket';
import { couldNotCheck, type DoctorCheck, type Finding } from './check';
import type { DoctorClients } from './clients';
import { EVENT_SUBSCRIPTIONS_CHECK } from './event-subscriptions';
import { EVENT_TOPIC_CHECK, EVENT_TOPIC_KEY_CHECK } from './event-topic';
import { EXPORT_ROLE_PERMISSIONS_CHECK, EXPORT_ROLE_TRUST_CHECK } from './export-role';
import { EXPORTER_CHECK, readDeployment } from './exporter';
import { KEY_POLICY_CHECK } from './key-policy';
import type { CheckResult } from './report';

/** The checks of a single-account deployment, in the order they are reported. A vault deployment appends its own. */
export const DEPLOYMENT_CHECKS: readonly DoctorCheck[] = [
  EVENT_SUBSCRIPTIONS_CHECK,
  EVENT_TOPIC_CHECK,
  EVENT_TOPIC_KEY_CHECK,
  EXPORT_ROLE_TRUST_CHECK,
  EXPORT_ROLE_PERMISSIONS_CHECK,
  KEY_POLICY_CHECK,
  BUCKET_CHECK,
  BUCKET_POLICY_CHECK,
  RECONCILIATION_CHECK,
  DEAD_LETTERS_CHECK,
  ALARMS_CHECK,
];

/** A finding for an error a check met while reading (pure): access denied, unreachable, or anything else. */
export function unanswered(error: unknown, endpoint?: string): Finding {
  const explained = explainAwsError(error, endpoint);
  if (explained !== undefined) return couldNotCheck(explained.message);
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return couldNotCheck(`${e.name ?? 'Error'}${status !== undefined ? ` (HTTP ${status})` : ''}: ${e.message ?? String(error)}`);
}

/** Dependencies of {@link runDoctor}; tests pass their own. */
export interface DoctorDependencies {
  readonly clients: DoctorClients;
  readonly now?: Date;
  /** The local configuration's exporter name. @default from archive.config.json and RDS_ARCHIVE_* */
  readonly localFunctionName?: () => string;
  readonly checks?: readonly DoctorCheck[];
  /** The endpoint in use (AWS_ENDPOINT_URL), for messages. */
  readonly endpoint?: string;
}

/** Runs every check; returns their results in order. Reads only; throws only when the exporter cannot be read at all. */
export async function runDoctor(options: DeploymentOptions, deps: DoctorDependencies): Promise<CheckResult[]> {
  const now = deps.now ?? new Date();
  const checks = deps.checks ?? DEPLOYMENT_CHECKS;
  // Without the exporter nothing else can be asked; an error reading it (no region, no
  // credentials, access denied) goes to the CLI's error explainer like every command's.
  const read = await readDeployment(options, deps.clients, deps.localFunctionName);
  const results: CheckResult[] = [{ ...EXPORTER_CHECK, ...read.finding }];
  const { deployment } = read;
  for (const check of checks) {
    let finding: Finding;
    if (deployment === undefined) finding = couldNotCheck("needs the exporter's settings (see the first check)");
    else {
      try {
        finding = await check.run(deployment, deps.clients, now);
      } catch (error) {
        finding = unanswered(error, deps.endpoint);
      }
    }
    results.push({ id: check.id, title: check.title, ...finding });
  }
  return results;
}
