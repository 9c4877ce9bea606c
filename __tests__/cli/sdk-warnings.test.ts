// The AWS SDK's Node.js version notice and the CLI's output, as npm run archive runs it: off by
// default (also when its switch is set but empty), and when the operator turns it on, printed
// whole on stderr before the command's first line. stdout and stderr go to one file, so the
// order they were written in is the order read back.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../cli/args';
import { PROJECT_ROOT } from '../support/paths';

const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
// The SDK only emits its notice on Node versions below 22.
const SDK_WARNS = Number(process.versions.node.split('.')[0]) < 22;
if (!SDK_WARNS) console.warn(`SKIPPED the SDK's Node version notice: Node ${process.version} gets none`);

/** Runs `npm run archive -- help` with `env`; returns stdout and stderr as written, interleaved. */
function helpInterleaved(env: Record<string, string>): { status: number | null; output: string } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'cli-warnings-')), 'output');
  const fd = openSync(file, 'w');
  try {
    const run = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', 'help'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', fd, fd],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    return { status: run.status, output: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

describe.runIf(SDK_WARNS)("the SDK's Node.js version notice", () => {
  it('is not printed by default, nor when its switch is set but empty', () => {
    for (const env of [{}, { [SWITCH]: '' }] as Record<string, string>[]) {
      // Act
      const run = helpInterleaved(env);

      // Assess
      expect(run.status).toBe(0);
      expect(run.output).toBe(`${USAGE}\n`);
    }
  });

  it("when the operator turns it on, comes whole on lines of its own before the command's output", () => {
    // Act
    const run = helpInterleaved({ [SWITCH]: 'false' });

    // Assess
    expect(run.status).toBe(0);
    const start = run.output.indexOf(USAGE);
    const notice = run.output.slice(0, start);
    expect(notice).toMatch(/^\(node:\d+\) Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)\n[\s\S]*https:\/\/a\.co\/\S+\n/);
    expect(notice.endsWith('\n')).toBe(true);
    expect(run.output.slice(start)).toBe(`${USAGE}\n`);
  });
});
