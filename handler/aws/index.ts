// The AWS adapters: RDS, S3, Glue and SNS calls, and the one place that reads SDK errors. The SNS
// client itself (notify-sns.ts) is loaded on first use by notify.ts, so it is not exported here.
export * from './errors';
export * from './glue';
export * from './notify';
export * from './rds';
export * from './s3';
