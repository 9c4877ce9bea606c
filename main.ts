// The main job: load the settings and synthesize one archive stack per region into cdktf.out/.
import { App } from 'cdktf';
import { ArchiveStack } from './stacks/archive-stack';
import { ConfigError, loadConfig, stackName } from './stacks/config';

function main(): void {
  let config;
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
    console.error(
      'rds-snapshot-archive: no remoteState configured; Terraform state stays in local files (terraform.<stack>.tfstate). Set remoteState in archive.config.json for shared S3 state.',
    );
  }
  const app = new App();
  for (const region of config.regions) {
    new ArchiveStack(app, stackName(config, region), { config, region });
  }
  app.synth();
  console.error(`rds-snapshot-archive: synthesized ${config.regions.map((r) => stackName(config, r)).join(', ')} into ${app.outdir}/stacks`);
}

main();
