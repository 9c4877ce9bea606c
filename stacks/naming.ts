// Names derived from the configuration, shared by the stacks and the CLI (which finds the
// deployed exporter by name).
import type { ArchiveConfig } from './config-types';

/** The name shared by a deployment's resources in one region's stack, e.g. "rds-archive-dev". */
export function resourceBaseName(config: Pick<ArchiveConfig, 'namePrefix' | 'environment'>): string {
  return `${config.namePrefix}-${config.environment}`;
}

/** The Terraform stack name for a region, e.g. "rds-archive-dev-us-east-1". */
export function stackName(config: ArchiveConfig, region: string): string {
  return `${resourceBaseName(config)}-${region}`;
}

/** The exporter Lambda's name in every region, e.g. "rds-archive-dev-exporter". */
export function exporterFunctionName(config: Pick<ArchiveConfig, 'namePrefix' | 'environment'>): string {
  return `${config.namePrefix}-${config.environment}-exporter`;
}

/**
 * The name of an IAM role or policy of one region's stack, e.g. "rds-archive-dev-eu-west-1-export".
 * IAM names are global to the account while each region has its own stack, so the region is part
 * of the name; without it, a second region's stack could not create its roles.
 */
export function iamName(config: Pick<ArchiveConfig, 'namePrefix' | 'environment'>, region: string, purpose: IamPurpose): string {
  return iamNameOf(resourceBaseName(config), region, purpose);
}

/** What an IAM role or policy of a stack is for. */
export type IamPurpose = 'export' | 'exporter' | 'operator' | 'reader' | 'verifier';

/** {@link iamName} from the deployment's name (the ARCHIVE_NAME a deployed function carries), for the CLI. */
export function iamNameOf(baseName: string, region: string, purpose: IamPurpose): string {
  return `${baseName}-${region}-${purpose}`;
}
