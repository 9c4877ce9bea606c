import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { requestedOutdir, synthesizeInto } from '../../stacks/synth-output';
import { PROJECT_ROOT } from '../support/paths';

function stacksIn(outdir: string): string[] {
  return readdirSync(path.join(outdir, 'stacks')).sort();
}

function addStacks(names: readonly string[]) {
  return (app: Parameters<Parameters<typeof synthesizeInto>[1]>[0]) => {
    for (const name of names) new TerraformOutput(new TerraformStack(app, name), 'name', { value: name });
  };
}

describe('synth output', () => {
  it('leaves exactly the stacks of the latest synth, keeping Terraform working files of stacks that remain', () => {
    // Prepare: a synth with two regions, and terraform init's folder in one of them.
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'synth-output-')), 'cdktf.out');
    synthesizeInto(outdir, addStacks(['archive-us-east-1', 'archive-eu-west-1']));
    mkdirSync(path.join(outdir, 'stacks', 'archive-us-east-1', '.terraform'));
    writeFileSync(path.join(outdir, 'stacks', 'archive-us-east-1', '.terraform.lock.hcl'), '# lock');

    // Act: eu-west-1 is removed from the configuration.
    const synthesized = synthesizeInto(outdir, addStacks(['archive-us-east-1']));

    // Assess
    expect(synthesized).toEqual(['archive-us-east-1']);
    expect(stacksIn(outdir)).toEqual(['archive-us-east-1']);
    expect(existsSync(path.join(outdir, 'stacks', 'archive-us-east-1', '.terraform'))).toBe(true);
    expect(readFileSync(path.join(outdir, 'stacks', 'archive-us-east-1', '.terraform.lock.hcl'), 'utf8')).toBe('# lock');
    expect(Object.keys(JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks)).toEqual(['archive-us-east-1']);
    expect(readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  it('leaves the previous output untouched, and no staging folder, when synth fails', () => {
    // Prepare
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'synth-output-')), 'cdktf.out');
    synthesizeInto(outdir, addStacks(['archive-us-east-1']));
    const before = readFileSync(path.join(outdir, 'manifest.json'), 'utf8');

    // Act
    const failing = () =>
      synthesizeInto(outdir, (app) => {
        addStacks(['archive-us-east-1', 'archive-eu-west-1'])(app);
        throw new Error('a construct failed');
      });

    // Assess
    expect(failing).toThrow('a construct failed');
    expect(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe(before);
    expect(stacksIn(outdir)).toEqual(['archive-us-east-1']);
    expect(readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  it('writes where the cdktf CLI asks (CDKTF_OUTDIR), else to cdktf.out', () => {
    expect(requestedOutdir({ CDKTF_OUTDIR: '/tmp/elsewhere' })).toBe('/tmp/elsewhere');
    expect(requestedOutdir({})).toBe(path.resolve('cdktf.out'));
  });
});

describe('the main job (npm run synth)', () => {
  const root = PROJECT_ROOT;
  function synth(env: Record<string, string>) {
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'main-synth-')), 'cdktf.out');
    const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir, RDS_ARCHIVE_CONFIG: path.join(root, 'archive.config.example.json'), ...env },
    });
    return { ...result, outdir };
  }

  /** A config file moving exports to DEEP_ARCHIVE, with the given catalog settings. */
  function unqueryableConfig(catalog: Record<string, unknown>): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'deep-archive-')), 'archive.config.json');
    writeFileSync(file, JSON.stringify({ regions: ['eu-west-1'], lifecycle: { transitionStorageClass: 'DEEP_ARCHIVE', transitionAfterDays: 90 }, catalog }));
    return file;
  }

  it('prints its informational lines on stdout, where the cdktf CLI does not call them errors', () => {
    const run = synth({});
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/rds-snapshot-archive: synthesized \S+-eu-west-1/);
  });

  it('stops on DEEP_ARCHIVE with the catalog on, with exit code 2 and both settings named, and synthesizes once it is allowed', () => {
    // Act
    const refused = synth({ RDS_ARCHIVE_CONFIG: unqueryableConfig({}) });
    const allowed = synth({ RDS_ARCHIVE_CONFIG: unqueryableConfig({ allowUnqueryableStorage: true }) });
    const catalogOff = synth({ RDS_ARCHIVE_CONFIG: unqueryableConfig({ enabled: false }) });

    // Assess
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/lifecycle\.transitionStorageClass is DEEP_ARCHIVE, .*catalog\.enabled is true.*catalog\.allowUnqueryableStorage/);
    expect(existsSync(refused.outdir)).toBe(false);
    expect(allowed.status).toBe(0);
    expect(catalogOff.status).toBe(0);
  });

  it('stops on a region typo with exit code 2, the message on stderr, and writes no output', () => {
    const run = synth({ RDS_ARCHIVE_REGIONS: 'us-eest-1' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/regions: "us-eest-1" .*did you mean "us-east-1"/);
    expect(existsSync(run.outdir)).toBe(false);
  });
});
