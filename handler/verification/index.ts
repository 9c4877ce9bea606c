// Verification of completed exports: where RDS puts the files, reading its metadata, the verdict,
// the operators' report, recording the manifest once, and the record of verified exports.
export * from './layout';
export * from './metadata';
export * from './record-manifest';
export * from './report';
export * from './verdict';
export * from './verified-record';
export * from './verified-record-store';
