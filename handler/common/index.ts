// Small helpers every capability uses: JSON log lines and metrics, durations, bounded concurrency.
export * from './concurrency';
export * from './log';
export * from './time';
