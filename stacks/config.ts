// The configuration's public face: the stacks, main.ts, the CLI and the tests import from here.
export * from './config-types';
export { DEFAULT_CONFIG_FILE, ENV_OVERRIDES, type ConfigSources, loadConfig, resolveConfig } from './config-load';
export { exporterFunctionName, iamName, resourceBaseName, stackName } from './naming';
export { SNAPSHOT_TYPES, type SnapshotType } from '../handler/contract';
