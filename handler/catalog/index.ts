// The Glue Data Catalog: what to register for an export (plan, columns, typed views, types) and
// the use case that registers it.
export * from './columns';
export * from './glue-types';
export * from './plan';
export * from './register';
export * from './views';
