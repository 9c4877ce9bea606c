// Where restore reads the archive (pure): an exporter's bucket and prefix, or in a vault account
// one source account's prefix of the vault's bucket (sourceArchivePrefix), chosen with
// --source-account. Restore needs nothing else of the deployment.
import { sourceArchivePrefix } from '../handler/contract';
import type { ResolvedDeployment } from './deployment';

/** The archive restore reads: the bucket, and the prefix its database folders are under. */
export interface ArchiveLocation {
  readonly bucket: string;
  readonly prefix: string;
  /** A source account's prefix of the vault's bucket, read in the vault account (where status and verify do not run). */
  readonly inVault: boolean;
}

/**
 * The archive a restore reads in this deployment, or the problem with --source-account: it
 * selects one of the vault verifier's source accounts (and may be left out when there is one),
 * and means nothing to an exporter, which archives its own account's snapshots.
 */
export function restoreArchive(
  deployment: ResolvedDeployment,
  sourceAccount: string | undefined,
): { readonly archive: ArchiveLocation } | { readonly problem: string } {
  if (deployment.kind === 'exporter') {
    if (sourceAccount !== undefined) {
      const exporter = deployment.functionName === undefined ? "the settings set in the shell are an exporter's" : `${deployment.functionName} is an exporter`;
      return {
        problem: `--source-account is for the vault account (where the function is the vault verifier); ${exporter}, whose archive holds its own account's exports: leave --source-account out`,
      };
    }
    return { archive: { bucket: deployment.settings.archiveBucket, prefix: deployment.settings.archivePrefix, inVault: false } };
  }
  const { archiveBucket, archivePrefix, sourceAccountIds } = deployment.vault;
  const known = sourceAccountIds.join(', ');
  const chosen = sourceAccount ?? (sourceAccountIds.length === 1 ? sourceAccountIds[0] : undefined);
  if (chosen === undefined) {
    return {
      problem: `restore in the vault account needs --source-account ID: the vault verifier ${deployment.functionName} archives the source accounts ${known}; name the one whose export to restore`,
    };
  }
  if (!sourceAccountIds.includes(chosen)) {
    return {
      problem: `--source-account ${chosen} is not a source account of the vault verifier ${deployment.functionName}; its source accounts (SOURCE_ACCOUNT_IDS) are ${known}`,
    };
  }
  return { archive: { bucket: archiveBucket, prefix: sourceArchivePrefix(archivePrefix, chosen), inVault: true } };
}
