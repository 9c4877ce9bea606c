import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const RUN_TS = path.join(ROOT, 'scripts', 'run-ts.js');

/** Runs a TypeScript file through scripts/run-ts.js with extra node flags. */
function runTs(flags: readonly string[], file: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...flags, RUN_TS, file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/**
 * A TypeScript file that loads one provider module and prints the source map URL of each script
 * V8 parsed for it (the inspector reports what the compiled source ends with).
 */
function sourceMapPrinter(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'run-ts-')), 'maps.ts');
  const provider = require.resolve('@cdktf/provider-aws/lib/sns-topic', { paths: [ROOT] });
  writeFileSync(
    file,
    [
      "import { Session } from 'node:inspector';",
      'const session = new Session();',
      'session.connect();',
      'const maps: string[] = [];',
      "session.on('Debugger.scriptParsed', ({ params }) => {",
      "  if (params.url.includes('provider-aws')) maps.push(params.sourceMapURL);",
      '});',
      "session.post('Debugger.enable');",
      `require(${JSON.stringify(provider)});`,
      'process.stdout.write(JSON.stringify(maps));',
      '',
    ].join('\n'),
  );
  return file;
}

describe('scripts/run-ts.js', () => {
  it('loads the AWS provider modules without their inline source maps, which --enable-source-maps keeps', () => {
    // Prepare
    const printer = sourceMapPrinter();

    // Act
    const plain = runTs([], printer);
    const mapped = runTs(['--enable-source-maps'], printer);

    // Assess
    expect(plain.status).toBe(0);
    expect(mapped.status).toBe(0);
    expect(JSON.parse(plain.stdout)).toEqual(['']);
    expect(JSON.parse(mapped.stdout)).toEqual([expect.stringMatching(/^data:application\/json;base64,/)]);
  });

  // Two whole synths in child processes, about 8 s of CPU: in npm run test:deep (TEST_DEEP=1), which CI runs.
  it.runIf(process.env.TEST_DEEP === '1')('synthesizes the same stacks with the provider modules loaded without their source maps as with them', () => {
    // Prepare
    const outdirs = ['plain', 'mapped'].map((name) => path.join(mkdtempSync(path.join(tmpdir(), `run-ts-${name}-`)), 'cdktf.out'));
    const env = { RDS_ARCHIVE_CONFIG: path.join(ROOT, 'archive.config.example.json') };

    // Act
    const plain = runTs([], 'main.ts', { ...env, CDKTF_OUTDIR: outdirs[0]! });
    const mapped = runTs(['--enable-source-maps'], 'main.ts', { ...env, CDKTF_OUTDIR: outdirs[1]! });

    // Assess
    expect(plain.status).toBe(0);
    expect(mapped.status).toBe(0);
    const stacks = readdirSync(path.join(outdirs[0]!, 'stacks'));
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      const [first, second] = outdirs.map((outdir) => readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(first).toBe(second);
    }
  });
});
