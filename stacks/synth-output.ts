// Publishes a synth's output all at once: the app writes into a staging folder beside the real
// one, which replaces it only when synth succeeded. So a failed synth leaves the previous output
// as it was, and a successful one leaves exactly the stacks it synthesized (a removed region's
// stack cannot linger for a pipeline that loops over cdktf.out/stacks to apply).
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';

/** Where the cdktf CLI asks an app to write (it sets CDKTF_OUTDIR), else cdktf's default. */
export function requestedOutdir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.CDKTF_OUTDIR ?? 'cdktf.out');
}

// Terraform's working files in a stack folder: provider plugins, the lock file, a local
// backend's state. Kept across synths so `terraform init` need not start over.
const TERRAFORM_WORKING_FILES = /^\.terraform(\.lock\.hcl)?$|\.tfstate(\.backup)?$/;

function carryOverWorkingFiles(fromStacks: string, toStacks: string): void {
  if (!existsSync(fromStacks) || !existsSync(toStacks)) return;
  for (const stack of readdirSync(toStacks)) {
    const previous = path.join(fromStacks, stack);
    if (!existsSync(previous)) continue;
    for (const entry of readdirSync(previous)) {
      if (TERRAFORM_WORKING_FILES.test(entry)) renameSync(path.join(previous, entry), path.join(toStacks, stack, entry));
    }
  }
}

/**
 * Runs `build` on an App that writes to a staging folder, synthesizes, then swaps the staging
 * folder in for `outdir`. Returns the synthesized stacks' names.
 *
 * @throws whatever `build` or synth throws; `outdir` is then left untouched
 */
export function synthesizeInto(outdir: string, build: (app: App) => void): string[] {
  const staging = `${outdir}.staging-${process.pid}`;
  const retired = `${outdir}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const requested = process.env.CDKTF_OUTDIR;
  // cdktf's App prefers CDKTF_OUTDIR over its outdir option.
  process.env.CDKTF_OUTDIR = staging;
  try {
    const app = new App({ outdir: staging });
    build(app);
    app.synth();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (requested === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = requested;
  }
  carryOverWorkingFiles(path.join(outdir, 'stacks'), path.join(staging, 'stacks'));
  if (existsSync(outdir)) renameSync(outdir, retired);
  renameSync(staging, outdir);
  rmSync(retired, { recursive: true, force: true });
  return existsSync(path.join(outdir, 'stacks')) ? readdirSync(path.join(outdir, 'stacks')).sort() : [];
}
