// What a doctor check is: an independent question about the deployment, answered from read-only
// calls. Checks share nothing but the deployment's facts (read once from the exporter), so a
// vault deployment can add its own checks to the list without touching these.
import type { Settings } from '../../handler/contract';
import type { DoctorClients } from './clients';
import type { CheckResult } from './report';

/** The deployed exporter and what its ARN says about where the deployment lives. */
export interface Deployment {
  readonly settings: Settings;
  readonly functionName: string;
  readonly functionArn: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The function's dead-letter target, when the Lambda API reports one. */
  readonly deadLetterTargetArn?: string;
}

/** A check's answer, without its id and title. */
export type Finding = Omit<CheckResult, 'id' | 'title'>;

/** One check of the deployment. */
export interface DoctorCheck {
  readonly id: string;
  readonly title: string;
  run(deployment: Deployment, clients: DoctorClients, now: Date): Promise<Finding>;
}

/** An OK finding. */
export function ok(detail: string): Finding {
  return { status: 'ok', detail };
}

/** A problem and what to do about it. */
export function problem(detail: string, fix: string): Finding {
  return { status: 'problem', detail, fix };
}

/** A question that could not be answered, and why. */
export function couldNotCheck(detail: string, fix?: string): Finding {
  return { status: 'could-not-check', detail, ...(fix !== undefined ? { fix } : {}) };
}

/** The ARN of the deployment's S3 bucket. */
export function bucketArn(deployment: Deployment): string {
  return `arn:${deployment.partition}:s3:::${deployment.settings.archiveBucket}`;
}

/** The account an ARN names (its fifth field), or undefined. */
export function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}
