// The exporting use cases: a snapshot event starts its export, an export-outcome event is reported,
// and the scheduled reconciliation catches what events missed.
export * from './export-outcome';
export * from './export-snapshot';
export * from './reconcile';
