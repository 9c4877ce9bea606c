// Which stacks the app writes: one archive stack per region, or with a vault, per region one
// vault stack and one stack per source account.
import type { App } from 'cdktf';
import { ArchiveStack } from './archive-stack';
import { stackName, type ArchiveConfig } from './config';
import { SourceStack } from './source-stack';
import { sourceStackName, vaultStackName } from './vault-names';
import { VaultStack } from './vault-stack';

/** Adds the configuration's stacks to `app`. */
export function addStacks(app: App, config: ArchiveConfig): void {
  for (const region of config.regions) {
    if (config.vault === undefined) {
      new ArchiveStack(app, stackName(config, region), { config, region });
      continue;
    }
    new VaultStack(app, vaultStackName(config, region), { config, region });
    for (const source of config.vault.sourceAccounts) {
      new SourceStack(app, sourceStackName(config, source.accountId, region), { config, region, accountId: source.accountId });
    }
  }
}
