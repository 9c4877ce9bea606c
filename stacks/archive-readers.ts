import type { Construct } from 'constructs';
import { ArchiveWorkgroup, QUERY_RESULTS_PREFIX } from './athena-workgroup';
import { iamName } from './config';
import { ReaderPolicy } from './reader-policy';
import type { StackContext } from './stack-context';

/** What the readers of an archive (a single-account stack's or a vault's) read. */
export interface ArchiveReadersProps {
  /** The archive bucket; query results go under QUERY_RESULTS_PREFIX in it. */
  readonly bucket: { readonly bucketName: string; readonly bucketArn: string };
  /** The archive key: exports and query results are encrypted with it. */
  readonly kmsKeyArn: string;
  /** The function whose environment `npm run archive` reads the deployment's settings from (the exporter, or the vault's verifier). */
  readonly settingsFunctionArn: string;
}

/** The reader policy and, with the catalog on, the workgroup it queries in. */
export interface ArchiveReaders {
  readonly reader: ReaderPolicy;
  readonly workgroup: ArchiveWorkgroup | undefined;
}

/**
 * Makes in `scope` itself (the resources keep the addresses they have in the stacks) the Athena
 * workgroup named after the deployment when the catalog is on, and the reader policy: querying and restoring, nothing more.
 */
export function deployArchiveReaders(scope: Construct, { config, aws, baseName }: StackContext, props: ArchiveReadersProps): ArchiveReaders {
  const workgroup = config.catalog.enabled
    ? new ArchiveWorkgroup(scope, 'athena', {
        baseName,
        bucketName: props.bucket.bucketName,
        kmsKeyArn: props.kmsKeyArn,
        bytesScannedCutoffPerQuery: config.catalog.bytesScannedCutoffPerQuery,
      })
    : undefined;
  const reader = new ReaderPolicy(scope, 'reader', {
    scope: aws,
    baseName,
    policyName: iamName(config, aws.region, 'reader'),
    bucketArn: props.bucket.bucketArn,
    archivePrefix: config.archivePrefix,
    kmsKeyArn: props.kmsKeyArn,
    exporterFunctionArn: props.settingsFunctionArn,
    catalog: workgroup === undefined ? undefined : { workgroupName: workgroup.workgroupName, queryResultsPrefix: QUERY_RESULTS_PREFIX, archiveName: baseName },
  });
  return { reader, workgroup };
}
