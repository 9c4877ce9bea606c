import type { Construct } from 'constructs';
import { ArchiveWorkgroup, QUERY_RESULTS_PREFIX } from './athena-workgroup';
import { iamName, type ArchiveConfig } from './config';
import type { AwsScope } from './policy';
import { ReaderPolicy } from './reader-policy';

/** What the readers of an archive (a single-account stack's or a vault's) read. */
export interface ArchiveReadersProps {
  readonly config: ArchiveConfig;
  readonly region: string;
  readonly scope: AwsScope;
  /** Name shared by the deployment's resources; also the workgroup's and the archive's name. */
  readonly baseName: string;
  readonly bucketName: string;
  readonly bucketArn: string;
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
 * workgroup when the catalog is on, and the reader policy: querying and restoring, nothing more.
 */
export function deployArchiveReaders(scope: Construct, props: ArchiveReadersProps): ArchiveReaders {
  const { config, baseName } = props;
  const workgroup = config.catalog.enabled
    ? new ArchiveWorkgroup(scope, 'athena', {
        baseName,
        bucketName: props.bucketName,
        kmsKeyArn: props.kmsKeyArn,
        bytesScannedCutoffPerQuery: config.catalog.bytesScannedCutoffPerQuery,
      })
    : undefined;
  const reader = new ReaderPolicy(scope, 'reader', {
    scope: props.scope,
    baseName,
    policyName: iamName(config, props.region, 'reader'),
    bucketArn: props.bucketArn,
    archivePrefix: config.archivePrefix,
    kmsKeyArn: props.kmsKeyArn,
    exporterFunctionArn: props.settingsFunctionArn,
    catalog: workgroup === undefined ? undefined : { workgroupName: workgroup.workgroupName, queryResultsPrefix: QUERY_RESULTS_PREFIX, archiveName: baseName },
  });
  return { reader, workgroup };
}
