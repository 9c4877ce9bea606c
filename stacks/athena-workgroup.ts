import { Construct } from 'constructs';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';

/** Settings of the archive's Athena workgroup. */
export interface ArchiveWorkgroupProps {
  /** Name shared by the deployment's resources; also the workgroup's name. */
  readonly baseName: string;
  /** The archive bucket; query results go under {@link QUERY_RESULTS_PREFIX} in it. */
  readonly bucketName: string;
  /** The archive key; query results are encrypted with it, like the exports they come from. */
  readonly kmsKeyArn: string;
  /** Athena cancels a query of this workgroup once it has scanned this many bytes. */
  readonly bytesScannedCutoffPerQuery: number;
}

/**
 * The engine the typed views are written for: Trino-based engine 3, whose TRY_CAST, regexp_extract
 * and interval arithmetic the views use. Pinned so an automatic upgrade cannot change them.
 */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/** Where in the archive bucket Athena writes query results (the bucket's lifecycle expires them). */
export const QUERY_RESULTS_PREFIX = 'athena-results/';

/**
 * The Athena workgroup to query the cataloged exports with: engine version 3, results in the archive bucket,
 * encrypted with the archive key, a per-query scan limit, CloudWatch metrics, and settings
 * clients cannot override (so no query writes unencrypted results elsewhere or scans without a limit).
 */
export class ArchiveWorkgroup extends Construct {
  /** The workgroup's name. */
  readonly workgroupName: string;

  constructor(scope: Construct, id: string, props: ArchiveWorkgroupProps) {
    super(scope, id);
    const workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: props.baseName,
      description: `Queries the RDS snapshot exports of ${props.baseName} cataloged in Glue`,
      // Deleting the stack must not delete saved queries and history silently.
      forceDestroy: false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${props.bucketName}/${QUERY_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.kmsKeyArn },
        },
      },
    });
    this.workgroupName = workgroup.name;
  }
}
