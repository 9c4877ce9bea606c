// The bundle cache that keeps synth fast: project files are checked by a stat and, when that
// differs, by their content; the zip reuses the deflated bytes the cache keeps.
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CacheManifest } from '../../stacks/build-cache';
import { bundleHandlerCached } from '../../stacks/bundle';
import { deterministicZip } from '../../stacks/deterministic-zip';

function entryFile(source: string): { entry: string; cacheDir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
  const entry = path.join(dir, 'entry.ts');
  writeFileSync(entry, source);
  return { entry, cacheDir: path.join(dir, 'cache') };
}

describe('bundle cache', () => {
  it('does not rebuild for a file touched but not changed', () => {
    // Prepare: a cached bundle, marked so that a rebuild would show.
    const { entry, cacheDir } = entryFile("export const handler = async (): Promise<string> => 'first';\n");
    bundleHandlerCached(entry, cacheDir);
    writeFileSync(path.join(cacheDir, 'handler-bundle-entry.js'), 'cached');
    const later = new Date(Date.now() + 60_000);

    // Act
    utimesSync(entry, later, later);
    const touched = bundleHandlerCached(entry, cacheDir).toString();

    // Assess: the cached bundle, and the file's new time recorded, so the next check is a stat again.
    expect(touched).toBe('cached');
    const manifest = JSON.parse(readFileSync(path.join(cacheDir, 'handler-bundle-entry.json'), 'utf8')) as CacheManifest;
    const recorded = manifest.inputs.find((input) => path.resolve(input.path) === entry);
    expect(recorded?.mtimeMs).toBe(statSync(entry).mtimeMs);
  });

  it('rebuilds for a change that keeps the size, found by the content', () => {
    const { entry, cacheDir } = entryFile("export const handler = async (): Promise<string> => 'first';\n");
    bundleHandlerCached(entry, cacheDir);
    writeFileSync(entry, "export const handler = async (): Promise<string> => 'fresh';\n");
    const later = new Date(Date.now() + 60_000);
    utimesSync(entry, later, later);
    expect(bundleHandlerCached(entry, cacheDir).toString()).toContain('fresh');
  });
});

describe('deterministic zip with deflated entries', () => {
  it('writes the same bytes whether it deflates or is given the deflated data', () => {
    const data = Buffer.from('exports.handler = async () => {};\n'.repeat(100));
    const zipped = deterministicZip([{ name: 'index.js', data }]);
    const given = deterministicZip([{ name: 'index.js', data, deflated: deflateRawSync(data, { level: 9 }) }]);
    expect(given.equals(zipped)).toBe(true);
  });
});
