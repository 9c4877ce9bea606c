// The contract the stacks, the Lambda and the CLI share: the exporter's settings (names, defaults,
// parse, write), value formats, the archive policy, the manifest, where the archive keeps its own
// objects, metric names and Glue names, and vault mode's handover and verifier settings. Pure; the stacks import nothing else from handler/.
export * from './archive-layout';
export * from './catalog-names';
export * from './formats';
export * from './glob';
export * from './handover';
export * from './manifest';
export * from './metric-names';
export * from './policy';
export * from './settings';
export * from './vault-settings';
