// The deploy rehearsal's plumbing: synthesize to a temporary place, point a copy of a stack at
// moto with an override file (production code gets no test switches), and run terraform.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MOTO_CLIENT_CONFIG } from '../../support/moto';
import { terraformEnv, TF_PLUGIN_DIR } from '../../support/tools';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Services the stack uses, by the provider's endpoint names. */
const SERVICES = ['athena', 'cloudwatch', 'events', 'iam', 'kms', 'lambda', 'logs', 'rds', 's3', 'sns', 'sqs', 'sts'];

/** Prints a step of the rehearsal, so its output says what it is doing. */
export function step(message: string): void {
  console.log(`e2e: ${message}`);
}

/**
 * Synthesizes the app with `env` into a temporary directory; returns the stack's directory. A
 * config file of its own keeps the developer's archive.config.json out of the rehearsal.
 */
export function synthesizeStack(env: Record<string, string>, stack: string): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'e2e-synth-'));
  const config = path.join(outdir, 'archive.config.json');
  writeFileSync(config, '{}');
  const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'main.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, RDS_ARCHIVE_CONFIG: config, CDKTF_OUTDIR: outdir },
  });
  if (result.status !== 0) throw new Error(`synth failed:\n${result.stderr}`);
  return path.join(outdir, 'stacks', stack);
}

/** A stack directory copied to a working place and pointed at moto. */
export interface MotoStack {
  readonly dir: string;
  /** Runs terraform there; resolves with its exit code and output. */
  terraform(args: readonly string[]): Promise<{ code: number; output: string }>;
}

/** Copies `stackDir` and adds the override that sends every AWS call to moto and keeps state local. */
export function prepareMotoStack(stackDir: string, endpoint: string): MotoStack {
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-stack-'));
  const dir = path.join(work, 'stack');
  cpSync(stackDir, dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'moto_override.tf.json'),
    JSON.stringify(
      {
        terraform: { backend: { local: { path: path.join(work, 'terraform.tfstate') } } },
        provider: {
          aws: [
            {
              region: MOTO_CLIENT_CONFIG.region,
              access_key: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
              secret_key: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
              skip_credentials_validation: true,
              skip_metadata_api_check: true,
              s3_use_path_style: true,
              endpoints: [Object.fromEntries(SERVICES.map((service) => [service, endpoint]))],
            },
          ],
        },
      },
      null,
      2,
    ),
  );
  const cliConfig = path.join(work, 'empty.tfrc');
  writeFileSync(cliConfig, '');
  const env = terraformEnv(cliConfig);
  return {
    dir,
    terraform: (args) =>
      new Promise((resolve) => {
        const child = spawn('terraform', [...args, '-no-color'], { cwd: dir, env });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, output }));
      }),
  };
}

/** `terraform init` with the offline provider copy. */
export function initArgs(): string[] {
  return ['init', `-plugin-dir=${TF_PLUGIN_DIR}`, '-input=false'];
}
