// Runs the real `terraform validate` on synthesized stacks, with the offline provider copy. Each
// run loads the AWS provider's schema (seconds of CPU), so `npm test` validates the richest
// configuration (every option, two regions) and `npm run test:deep` (TF_VALIDATE_ALL=1) all of them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { addStacks } from '../../stacks/app-stacks';
import { stackName, type ArchiveConfig } from '../../stacks/config';
import { sourceStackName, vaultStackName } from '../../stacks/vault-names';
import { configFrom } from '../support/synth';
import { TWO_SOURCES_SETTING } from '../support/vault';
import { requireTool, terraformEnv, terraformMissing, TF_PLUGIN_DIR } from '../support/tools';

const runs = requireTool('terraform validate', terraformMissing());

const configurations: Record<string, ArchiveConfig> = {
  defaults: configFrom(),
  'every option, two regions, remote state': configFrom({
    environment: 'prod',
    regions: ['us-east-1', 'eu-west-1'],
    existingKmsKeyArns: { 'eu-west-1': 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    archivePrefix: 'rds/exports',
    lifecycle: { transitionStorageClass: 'DEEP_ARCHIVE', transitionAfterDays: 90, expirationDays: 3650, noncurrentVersionExpirationDays: 30 },
    catalog: { allowUnqueryableStorage: true },
    objectLock: { mode: 'GOVERNANCE', days: 30 },
    snapshotTypes: ['automated', 'manual', 'awsbackup'],
    includeDatabases: ['orders-*'],
    excludeDatabases: ['*-test'],
    exportOnly: ['orders.public'],
    tags: { CostCenter: 'db-platform' },
    remoteState: { bucket: 'acme-terraform-state', keyPrefix: 'rds-archive', region: 'us-east-1' },
  }),
  'existing bucket': configFrom({ environment: 'byo', existingBucketNames: { 'us-east-1': 'acme-rds-archive' } }),
  // No Glue, no workgroup, and the S3 statements and lifecycle of an archive that is the whole bucket.
  'catalog disabled, no prefix': configFrom({ environment: 'nocat', archivePrefix: '', catalog: { enabled: false } }),
  // The vault's stack and each source's, as main.ts writes them.
  'vault with two source accounts': configFrom({ environment: 'vault', vault: TWO_SOURCES_SETTING }),
};

/** The stacks synth writes for a configuration. */
function expectedStacks(config: ArchiveConfig): string[] {
  const { vault } = config;
  if (vault === undefined) return config.regions.map((region) => stackName(config, region));
  return config.regions.flatMap((region) => [vaultStackName(config, region), ...vault.sourceAccounts.map((s) => sourceStackName(config, s.accountId, region))]);
}

/** The configuration `npm test` validates: the one that sets every option. */
const RICHEST = 'every option, two regions, remote state';
const validated = Object.entries(configurations).filter(([name]) => process.env.TF_VALIDATE_ALL === '1' || name === RICHEST);

function terraform(cwd: string, args: string[], env: NodeJS.ProcessEnv): { status: number | null; output: string } {
  const result = spawnSync('terraform', args, { cwd, env, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe.runIf(runs)('terraform validate on the synthesized stacks', () => {
  const cliConfig = path.join(mkdtempSync(path.join(tmpdir(), 'tf-cli-')), 'empty.tfrc');
  writeFileSync(cliConfig, '');
  const env = terraformEnv(cliConfig);

  it.each(validated)('%s', (_name, config) => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'archive-synth-'));
    const app = new App({ outdir });
    addStacks(app, config);
    app.synth();
    const stacks = readdirSync(path.join(outdir, 'stacks'));
    expect(stacks.sort()).toEqual(expectedStacks(config).sort());
    for (const stack of stacks) {
      const dir = path.join(outdir, 'stacks', stack);
      const init = terraform(dir, ['init', '-backend=false', `-plugin-dir=${TF_PLUGIN_DIR}`, '-input=false', '-no-color'], env);
      expect(init.status, init.output).toBe(0);
      const validate = terraform(dir, ['validate', '-no-color', '-json'], env);
      const report = JSON.parse(validate.output.slice(validate.output.indexOf('{'))) as { valid: boolean; diagnostics: unknown[] };
      expect(report, `${stack}: ${validate.output}`).toMatchObject({ valid: true, diagnostics: [] });
    }
    rmSync(outdir, { recursive: true, force: true });
  });
});
