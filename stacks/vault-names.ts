// Names of a vault deployment, derived from the configuration alone: the vault applies before its
// sources exist and the sources apply without reading the vault's state, so each side names the
// other's resources by these deterministic names.
import type { ArchiveConfig } from './config-types';
import { iamNameOf, resourceBaseName } from './naming';

/** The vault's stack in a region, e.g. "rds-archive-prod-vault-eu-west-1". */
export function vaultStackName(config: ArchiveConfig, region: string): string {
  return `${resourceBaseName(config)}-vault-${region}`;
}

/** A source account's stack in a region, e.g. "rds-archive-prod-222222222222-eu-west-1". */
export function sourceStackName(config: ArchiveConfig, accountId: string, region: string): string {
  return `${resourceBaseName(config)}-${accountId}-${region}`;
}

/** The vault's archive bucket: named as a single-account archive's bucket, in the vault account. */
export function vaultBucketName(config: ArchiveConfig, vaultAccountId: string, region: string): string {
  return vaultBucketNameOf(resourceBaseName(config), vaultAccountId, region);
}

/** {@link vaultBucketName} from the deployment's name (a deployed function's ARCHIVE_NAME), for doctor. */
export function vaultBucketNameOf(baseName: string, vaultAccountId: string, region: string): string {
  return `${baseName}-${vaultAccountId}-${region}`;
}

/** The vault's access-log bucket, e.g. "rds-archive-prod-logs-111111111111-eu-west-1" (config-validate.ts checks its length). */
export function accessLogBucketName(config: ArchiveConfig, vaultAccountId: string, region: string): string {
  return accessLogBucketNameOf(resourceBaseName(config), vaultAccountId, region);
}

/** {@link accessLogBucketName} from the deployment's name, for doctor. */
export function accessLogBucketNameOf(baseName: string, vaultAccountId: string, region: string): string {
  return `${baseName}-logs-${vaultAccountId}-${region}`;
}

/** The vault key's alias name (after "alias/"): the single-account key's alias, in the vault account (a deployed function's ARCHIVE_NAME). */
export function vaultKeyAliasName(config: ArchiveConfig): string {
  return resourceBaseName(config);
}

/**
 * The vault key's alias ARN, which the sources hand to StartExportTask (its KmsKeyId takes an
 * alias ARN) without ever reading the vault's state.
 */
export function vaultKeyAliasArn(partition: string, region: string, vaultAccountId: string, config: ArchiveConfig): string {
  return `arn:${partition}:kms:${region}:${vaultAccountId}:alias/${vaultKeyAliasName(config)}`;
}

/** The vault verifier Lambda's name in every region, e.g. "rds-archive-prod-vault-verifier". */
export function vaultVerifierFunctionName(config: ArchiveConfig): string {
  return `${resourceBaseName(config)}-vault-verifier`;
}

/** The ARN of a role a source stack creates (the export role, the exporter's role), which the vault's policies name before it exists. */
export function sourceRoleArn(partition: string, accountId: string, config: ArchiveConfig, region: string, purpose: 'export' | 'exporter'): string {
  return sourceRoleArnOf(partition, accountId, resourceBaseName(config), region, purpose);
}

/** {@link sourceRoleArn} from the deployment's name, for doctor. */
export function sourceRoleArnOf(partition: string, accountId: string, baseName: string, region: string, purpose: 'export' | 'exporter'): string {
  return `arn:${partition}:iam::${accountId}:role/${iamNameOf(baseName, region, purpose)}`;
}
