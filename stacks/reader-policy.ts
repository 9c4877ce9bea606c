import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { glueDatabasePrefix } from '../handler/contract';
import { policyDocument, serviceEndpoint, type AwsScope, type PolicyStatement } from './policy';

/** Where the archive's readers read, known once the bucket, key and workgroup exist. */
export interface ReaderAccessInputs {
  readonly scope: AwsScope;
  readonly bucketArn: string;
  /** S3 prefix the exports go under; empty for the whole bucket. */
  readonly archivePrefix: string;
  /** The archive key: exports and query results are encrypted with it. */
  readonly kmsKeyArn: string;
  /** The exporter function, whose environment `npm run archive` reads the deployment's settings from. */
  readonly exporterFunctionArn: string;
  /**
   * The catalog, when it is on: the Athena workgroup, its results prefix in the bucket and the
   * archive's name (its Glue databases start with glueDatabasePrefix(archiveName)).
   * @default undefined (S3 read only: restore and direct reads)
   */
  readonly catalog?: { readonly workgroupName: string; readonly queryResultsPrefix: string; readonly archiveName: string };
}

/**
 * What querying and restoring the archive take, and nothing more: read the exports (never write,
 * delete or read another bucket) and the deployment's settings (the exporter's configuration), and with the catalog on, run queries in the archive's workgroup,
 * read (never change) the Glue catalog's `default` database and the archive's databases and
 * tables, and read and write query results under the workgroup's results prefix.
 */
export function readerStatements(inputs: ReaderAccessInputs): PolicyStatement[] {
  const { scope, bucketArn, archivePrefix, catalog } = inputs;
  const exports = archivePrefix === '' ? `${bucketArn}/*` : `${bucketArn}/${archivePrefix}/*`;
  const listedPrefixes = [...(archivePrefix === '' ? [] : [`${archivePrefix}/*`]), ...(catalog === undefined ? [] : [`${catalog.queryResultsPrefix}*`])];
  const statements: PolicyStatement[] = [
    {
      Sid: 'ListArchive',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: bucketArn,
      // Without a prefix the archive is the whole bucket, and listing it needs no condition.
      ...(archivePrefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': listedPrefixes } } }),
    },
    { Sid: 'ReadExports', Effect: 'Allow', Action: 's3:GetObject', Resource: exports },
    {
      // `npm run archive -- restore` finds the bucket, prefix and archive name where every CLI
      // command does: in the deployed exporter's environment (names and ARNs, no secrets).
      Sid: 'ReadDeploymentSettings',
      Effect: 'Allow',
      Action: 'lambda:GetFunctionConfiguration',
      Resource: inputs.exporterFunctionArn,
    },
    {
      // The exports (and the query results) are encrypted with the archive key; it is usable only through S3.
      Sid: 'UseKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: inputs.kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': serviceEndpoint(scope, 's3') } },
    },
  ];
  if (catalog === undefined) return statements;
  const athena = `arn:${scope.partition}:athena:${scope.region}:${scope.accountId}`;
  const glue = `arn:${scope.partition}:glue:${scope.region}:${scope.accountId}`;
  const databasePrefix = glueDatabasePrefix(catalog.archiveName);
  return [
    ...statements,
    {
      Sid: 'QueryInArchiveWorkgroup',
      Effect: 'Allow',
      Action: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:BatchGetQueryExecution',
        'athena:ListQueryExecutions',
        'athena:GetQueryResults',
        'athena:GetQueryResultsStream',
        'athena:GetWorkGroup',
      ],
      Resource: `${athena}:workgroup/${catalog.workgroupName}`,
    },
    {
      // Athena's console and drivers browse the catalog through these.
      Sid: 'BrowseDataCatalog',
      Effect: 'Allow',
      Action: ['athena:GetDataCatalog', 'athena:ListDatabases', 'athena:GetDatabase', 'athena:ListTableMetadata', 'athena:GetTableMetadata'],
      Resource: `${athena}:datacatalog/AwsDataCatalog`,
    },
    {
      Sid: 'ReadCatalog',
      Effect: 'Allow',
      Action: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
      Resource: [`${glue}:catalog`, `${glue}:database/default`, `${glue}:database/${databasePrefix}*`, `${glue}:table/${databasePrefix}*/*`],
    },
    {
      Sid: 'WriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: `${bucketArn}/${catalog.queryResultsPrefix}*`,
    },
  ];
}

/** Settings of the reader policy. */
export interface ReaderPolicyProps extends ReaderAccessInputs {
  /** Name shared by the deployment's resources, for the description. */
  readonly baseName: string;
  /** The policy's name (naming.ts: iamName). */
  readonly policyName: string;
}

/**
 * A managed policy for analysts and for `npm run archive -- restore`: query and read the archive,
 * change nothing. Attaching it is left to the account's owners.
 */
export class ReaderPolicy extends Construct {
  /** The policy's ARN, to attach to readers' roles or users. */
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: ReaderPolicyProps) {
    super(scope, id);
    const policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: `Lets a reader query (Athena) and restore the RDS snapshot exports of ${props.baseName}, and change nothing`,
      policy: policyDocument(readerStatements(props)),
    });
    this.policyArn = policy.arn;
  }
}
