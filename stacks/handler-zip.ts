// The deployed zip of the handler's files (stacks/bundle.ts: HANDLER_FILES), which the exporter
// and the vault verifier both run, built once per process and kept in the build cache
// (build-cache.ts) with its digest: a synth whose handler files are unchanged neither reads the
// bundles nor zips or hashes them again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import type { Construct } from 'constructs';
import { BUILD_CACHE_DIR, manifestFor, tryWrite, validManifest, writeAtomically } from './build-cache';
import { bundleSettings, HANDLER_FILES, handlerBundles } from './bundle';
import { deterministicZip } from './deterministic-zip';

/** The zip's file name: the asset keeps it (assets/<construct>/<hash>/exporter.zip). */
const ZIP_NAME = 'exporter.zip';

/** The zip on disk and the hash of its content. */
export interface HandlerZip {
  readonly path: string;
  /** Upper-case hex, as cdktf names asset folders. */
  readonly assetHash: string;
}

/** The zip's cache: its bytes depend only on the files' settings and inputs. */
function zipSettings(): string {
  const hash = createHash('sha256').update(ZIP_NAME);
  for (const { name, entry } of HANDLER_FILES) hash.update(`\0${name}\0${bundleSettings(entry)}`);
  return hash.digest('hex');
}

/** Where a zip of that digest lives in the cache: a folder per digest, so a path never changes content. */
const cachedZipPath = (cacheDir: string, digest: string) => path.join(cacheDir, 'handler-zip', digest, ZIP_NAME);

/**
 * The handler's zip, reused from the cache while no file it was built from changed; else built
 * from the bundles (themselves cached per entry) and written to the cache, or to a temporary
 * folder when the cache cannot be written.
 */
export function buildHandlerZip(cacheDir: string = BUILD_CACHE_DIR): HandlerZip {
  const manifestFile = path.join(cacheDir, 'handler-zip.json');
  const settings = zipSettings();
  const digest = validManifest(manifestFile, settings)?.facts?.sha256;
  if (digest !== undefined && existsSync(cachedZipPath(cacheDir, digest))) return { path: cachedZipPath(cacheDir, digest), assetHash: assetHashOf(digest) };

  const files = handlerBundles(cacheDir);
  const zip = deterministicZip(files);
  const sha256 = createHash('sha256').update(zip).digest('hex');
  const inputs = [...new Map(files.flatMap(({ bundle }) => bundle.inputs).map((input) => [input.path, input])).values()];
  const cached = cachedZipPath(cacheDir, sha256);
  const written = tryWrite(() => {
    writeAtomically(cached, zip);
    writeAtomically(manifestFile, JSON.stringify(manifestFor(settings, inputs, { sha256 })));
  });
  if (written) {
    pruneOldZips(cacheDir, sha256);
    return { path: cached, assetHash: assetHashOf(sha256) };
  }
  const directory = path.join(tmpdir(), `rds-snapshot-archive-${sha256.slice(0, 16)}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, ZIP_NAME), zip);
  return { path: path.join(directory, ZIP_NAME), assetHash: assetHashOf(sha256) };
}

const assetHashOf = (sha256: string) => sha256.slice(0, 32).toUpperCase();

/** Zips the cache keeps besides the newest: a synth that started before an edit may still copy its zip. */
const OLDER_ZIPS_KEPT = 2;

/** Removes all but the newest zips from the cache, which would otherwise grow by one zip per handler edit. */
function pruneOldZips(cacheDir: string, current: string): void {
  const folder = path.join(cacheDir, 'handler-zip');
  tryWrite(() => {
    const older = readdirSync(folder)
      .filter((digest) => digest !== current)
      .map((digest) => ({ digest, mtimeMs: statSync(path.join(folder, digest)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const { digest } of older.slice(OLDER_ZIPS_KEPT)) rmSync(path.join(folder, digest), { recursive: true, force: true });
  });
}

let handlerZip: HandlerZip | undefined;

/** The handler's zip, once per process: every stack deploys the same bytes. */
export function handlerZipOnce(): HandlerZip {
  handlerZip ??= buildHandlerZip();
  return handlerZip;
}

/**
 * The handler's zip as a stack's asset. cdktf copies it into the stack's output under its hash;
 * the hash is the zip's own, so cdktf does not read the file again to compute one.
 */
export function handlerCodeAsset(scope: Construct, id: string): TerraformAsset {
  const zip = handlerZipOnce();
  return new TerraformAsset(scope, id, { path: zip.path, type: AssetType.FILE, assetHash: zip.assetHash });
}
