// The front door of handler/restore: the pure core of restoring an archived table (target URL and
// types, numeric scales, value conversion, the plan, export selection, progress and errors).
export * from './database-errors';
export * from './mysql-types';
export * from './numeric-scale';
export * from './parquet-values';
export * from './plan';
export * from './postgres-types';
export * from './progress';
export * from './restore-error';
export * from './select-export';
export * from './source-table';
export * from './sql-names';
export * from './target-url';
