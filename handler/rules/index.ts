// The pure decisions: what an RDS event means, which snapshots are selected, cadence periods and
// decisions, the export plan, export identifiers and the archive lag. No AWS calls.
export * from './archive-lag';
export * from './cadence';
export * from './export-naming';
export * from './export-plan';
export * from './periods';
export * from './rds-event';
export * from './selection';
