// The Athena workgroup alone: engine version 3, results encrypted in the archive bucket, its
// configuration enforced, a scan limit per query.
import { describe, expect, it } from 'vitest';
import { ArchiveWorkgroup, type ArchiveWorkgroupProps } from '../../stacks/athena-workgroup';
import { onlyResource, synthConstruct } from '../support/synthesized';

/** The workgroup with the default settings: a 100 GiB scan limit per query. */
const PROPS: ArchiveWorkgroupProps = {
  baseName: 'rds-archive-dev',
  bucketName: 'rds-archive-dev-123456789012-us-east-1',
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  bytesScannedCutoffPerQuery: 107_374_182_400,
};
const workgroupWith = (props: Partial<ArchiveWorkgroupProps> = {}) =>
  onlyResource(
    synthConstruct((scope) => new ArchiveWorkgroup(scope, 'athena', { ...PROPS, ...props })),
    'aws_athena_workgroup',
  );
const workgroup = workgroupWith();

describe('ArchiveWorkgroup', () => {
  it('is named after the deployment and never force-destroyed', () => {
    expect(workgroup).toMatchObject({ name: 'rds-archive-dev', force_destroy: false });
  });

  it('writes results to the archive bucket, encrypted with the archive key', () => {
    expect((workgroup.configuration as Record<string, unknown>).result_configuration).toEqual({
      output_location: 's3://rds-archive-dev-123456789012-us-east-1/athena-results/',
      encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: PROPS.kmsKeyArn },
    });
  });

  it('pins Athena engine version 3, which the typed views are written for', () => {
    expect(workgroup.configuration).toMatchObject({ engine_version: { selected_engine_version: 'Athena engine version 3' } });
  });

  it('enforces its configuration, publishes metrics and limits the bytes a query scans', () => {
    expect(workgroup.configuration).toMatchObject({
      enforce_workgroup_configuration: true,
      publish_cloudwatch_metrics_enabled: true,
      bytes_scanned_cutoff_per_query: 107_374_182_400,
    });
    expect(workgroupWith({ bytesScannedCutoffPerQuery: 10_737_418_240 }).configuration).toMatchObject({ bytes_scanned_cutoff_per_query: 10_737_418_240 });
  });
});
