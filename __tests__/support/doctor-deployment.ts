// The deployment doctor's judges are given: one definition for the single-account and the vault tests.
import type { Deployment } from '../../cli/doctor/check';
import { DEFAULT_POLICY, type Settings } from '../../handler/contract';

/** What names one deployment's resources; the rest of its settings are the default configuration's. */
export type DeploymentResources = Pick<Settings, 'archiveBucket' | 'exportRoleArn' | 'exportKmsKeyArn' | 'archivePrefix' | 'catalogEnabled'> &
  Partial<Settings>;

/** The exporter `rds-archive-dev` deployed in `accountId` and `region` with the default configuration and these resources. */
export function exporterDeployment(accountId: string, region: string, resources: DeploymentResources): Deployment {
  return {
    settings: {
      snapshotTypes: ['automated', 'manual'],
      includeDatabases: [],
      excludeDatabases: [],
      exportOnly: [],
      archiveName: 'rds-archive-dev',
      lookbackDays: 7,
      maxConcurrentExports: 5,
      maxExportAttempts: 3,
      policy: DEFAULT_POLICY,
      ...resources,
    },
    functionName: 'rds-archive-dev-exporter',
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:rds-archive-dev-exporter`,
    partition: 'aws',
    region,
    accountId,
  };
}
