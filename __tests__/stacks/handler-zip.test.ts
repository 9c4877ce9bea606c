// The handler's zip in the build cache: reused with its digest while no file it was built from
// changed, rebuilt when one did.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_CACHE_DIR, type CacheManifest } from '../../stacks/build-cache';
import { buildHandlerZip, type HandlerZip } from '../../stacks/handler-zip';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('handler zip cache', () => {
  let cacheDir: string;
  let first: HandlerZip;

  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'handler-zip-'));
    // The project's cached bundles (synth's), when there are any: the zip is built from them
    // here without four esbuild builds; they are checked against their inputs as always.
    for (const file of existsSync(BUILD_CACHE_DIR) ? readdirSync(BUILD_CACHE_DIR) : []) {
      if (file.startsWith('handler-bundle')) copyFileSync(path.join(BUILD_CACHE_DIR, file), path.join(cacheDir, file));
    }
    first = buildHandlerZip(cacheDir);
  });

  it("names the zip by its content's hash", () => {
    expect(first.assetHash).toBe(sha256(first.path).slice(0, 32).toUpperCase());
    expect(path.basename(first.path)).toBe('exporter.zip');
  });

  it('reuses the zip without reading the bundles while their inputs are unchanged', () => {
    // Prepare: the bundles' cache is away, so anything but the cached zip would rebuild them.
    const bundles = ['handler-bundle', 'handler-bundle-record-export', 'handler-bundle-notify-sns', 'handler-bundle-vault-record'].map((name) =>
      path.join(cacheDir, `${name}.js`),
    );
    for (const bundle of bundles) renameSync(bundle, `${bundle}.away`);

    // Act
    const again = buildHandlerZip(cacheDir);

    // Assess
    expect(again).toEqual(first);
    expect(bundles.filter(existsSync)).toEqual([]);
    for (const bundle of bundles) renameSync(`${bundle}.away`, bundle);
  });

  it('builds again when a file it was built from is not as recorded', () => {
    // Prepare: the manifest says handler/index.ts had other content.
    const manifestFile = path.join(cacheDir, 'handler-zip.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CacheManifest;
    const inputs = manifest.inputs.map((input) => (input.path === 'handler/index.ts' ? { ...input, mtimeMs: 0, sha256: '0'.repeat(64) } : input));
    expect(inputs).not.toEqual(manifest.inputs);
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, inputs }));

    // Act
    const rebuilt = buildHandlerZip(cacheDir);

    // Assess: the same bytes (the file did not really change), and the manifest holds the truth again.
    expect(rebuilt).toEqual(first);
    expect(readFileSync(path.join(cacheDir, 'handler-bundle.js')).length).toBeGreaterThan(0);
    const rewritten = JSON.parse(readFileSync(manifestFile, 'utf8')) as CacheManifest;
    expect(rewritten.inputs.find((input) => input.path === 'handler/index.ts')!.sha256).toBe(sha256('handler/index.ts'));
  });

  it('keeps the newest zip and two older ones, so it does not grow with every handler edit', () => {
    // Prepare: five zips of earlier handler versions, oldest first, and no record of the current one.
    const older = ['a', 'b', 'c', 'd', 'e'].map((letter, i) => {
      const folder = path.join(cacheDir, 'handler-zip', letter.repeat(64));
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, 'exporter.zip'), 'old');
      const time = new Date(Date.now() - (10 - i) * 60_000);
      utimesSync(folder, time, time);
      return letter.repeat(64);
    });
    rmSync(path.join(cacheDir, 'handler-zip.json'));

    // Act
    const current = buildHandlerZip(cacheDir);

    // Assess
    expect(readdirSync(path.join(cacheDir, 'handler-zip')).sort()).toEqual([...older.slice(3), path.basename(path.dirname(current.path))].sort());
  });
});
