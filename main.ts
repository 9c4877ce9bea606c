// The main job: load the settings and synthesize one archive stack per region (with a vault, the
// vault's and the sources' stacks: stacks/app-stacks.ts) into cdktf.out/.
// Informational lines go to stdout (the cdktf CLI shows an app's stderr as errors); problems go
// to stderr with exit code 2.
import * as path from 'node:path';
import { addStacks } from './stacks/app-stacks';
import { type ArchiveConfig, ConfigError, loadConfig } from './stacks/config';
import { requestedOutdir, synthesizeInto } from './stacks/synth-output';

function main(): void {
  let config: ArchiveConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  if (config.remoteState === undefined) {
    console.log(
      'rds-snapshot-archive: no remoteState configured; Terraform state stays in local files (terraform.<stack>.tfstate). Set remoteState in archive.config.json for shared S3 state.',
    );
  }
  const outdir = requestedOutdir();
  const stacks = synthesizeInto(outdir, (app) => addStacks(app, config));
  console.log(`rds-snapshot-archive: synthesized ${stacks.join(', ')} into ${path.relative(process.cwd(), outdir) || '.'}/stacks`);
}

main();
