// Vault mode, the vault's side: checking a source account's handover, verifying and cataloging
// the export it names, the S3 notifications and the hourly run with its cursor and the sources'
// records of verified exports. The Lambda entry is handler/vault-record.ts.
export * from './checks';
export * from './cursor';
export * from './source-record';
export * from './verify-handover';
export * from './vault-run';
