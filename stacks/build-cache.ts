// What synth built before and may reuse (the handler's bundles, its zip), kept under
// node_modules/.cache with a manifest of the files each was built from. A manifest is valid while
// its settings are the same, npm's record of node_modules is unchanged, and every project file it
// names is unchanged. Writes go through a temporary file and a rename, so a synth running beside
// another never reads half a file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const PROJECT_ROOT = path.join(__dirname, '..');

/** Where synth keeps what it built, with what it knows of every file that went into each. */
export const BUILD_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'rds-snapshot-archive');

/** What the cache knows of one input file: its content's hash, and the size and time it had when hashed. */
export interface CachedInput {
  /** Relative to the project's root. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
}

/** What a cached output was built from. */
export interface CacheManifest {
  /** The build settings (and the builder's version): a change rebuilds whatever the inputs. */
  readonly settings: string;
  /** What npm installed when it was built (see installedPackages); undefined when unknown. */
  readonly installed?: string;
  /** The input files outside node_modules, and also those inside when `installed` is unknown. */
  readonly inputs: readonly CachedInput[];
  /** Whatever the output's owner keeps beside the inputs (the zip's digest). */
  readonly facts?: Readonly<Record<string, string>>;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

let installed: string | null | undefined;

/**
 * A hash of npm's record of what node_modules holds (node_modules/.package-lock.json, which every
 * npm install, update or uninstall rewrites, with each package's version and integrity), or
 * undefined without one. The SDK files in a bundle (about 1,400 for the three) are trusted while it
 * is unchanged, as Vite trusts its pre-bundled dependencies while the lock file is: checking each
 * of them cost a synth about 50 ms (hashing) or 25 ms (stats); a hand-edited file in node_modules
 * needs `rm -r node_modules/.cache`.
 */
function installedPackages(): string | undefined {
  if (installed === undefined) {
    try {
      installed = sha256Of(path.join(PROJECT_ROOT, 'node_modules', '.package-lock.json'));
    } catch {
      installed = null;
    }
  }
  return installed ?? undefined;
}

// esbuild names inputs relative to the project's root; a node_modules reached through a symbolic
// link shows as `../…/node_modules/…`, so any path through a node_modules folder is a package file.
const isPackageFile = (input: string) => input.split(/[\\/]/).includes('node_modules');

function describeInput(input: string): CachedInput {
  const file = path.join(PROJECT_ROOT, input);
  const { size, mtimeMs } = statSync(file);
  return { path: input, size, mtimeMs, sha256: sha256Of(file) };
}

/**
 * An input as it is now, if it is as it was when the output was built: the same size and
 * modification time (one stat, the common case), or else the same content (read and hashed: a
 * file touched but not changed does not rebuild). Undefined for a file changed or gone.
 */
function unchanged(input: CachedInput): CachedInput | undefined {
  const file = path.join(PROJECT_ROOT, input.path);
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined || stats.size !== input.size) return undefined;
  if (stats.mtimeMs === input.mtimeMs) return input;
  return sha256Of(file) === input.sha256 ? { ...input, mtimeMs: stats.mtimeMs } : undefined;
}

/** Writes a file whole or not at all: a reader sees the old bytes or the new ones. */
export function writeAtomically(file: string, data: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * The manifest in `manifestFile` if what it names is unchanged for `settings`, else undefined.
 * Inputs touched but not changed get their new times recorded, so the next synth checks them
 * by a stat again instead of hashing them.
 */
export function validManifest(manifestFile: string, settings: string): CacheManifest | undefined {
  let manifest: CacheManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CacheManifest;
  } catch {
    return undefined; // no cache yet, or an unreadable one: build
  }
  if (manifest.settings !== settings || manifest.installed !== installedPackages() || !Array.isArray(manifest.inputs)) return undefined;
  const now: CachedInput[] = [];
  for (const input of manifest.inputs) {
    const current = unchanged(input);
    if (current === undefined) return undefined;
    now.push(current);
  }
  const refreshed = { ...manifest, inputs: now };
  if (now.some((input, i) => input !== manifest.inputs[i])) tryWrite(() => writeAtomically(manifestFile, JSON.stringify(refreshed)));
  return refreshed;
}

/**
 * What a manifest records of `inputs` (paths relative to the project's root): each project file's
 * size, time and hash; package files only when npm's record is missing.
 */
export function describeInputs(inputs: readonly string[]): CachedInput[] {
  const checked = installedPackages() === undefined ? inputs : inputs.filter((input) => !isPackageFile(input));
  return checked.map(describeInput);
}

/** The manifest of an output built now from `inputs` (from describeInputs). */
export function manifestFor(settings: string, inputs: readonly CachedInput[], facts?: Readonly<Record<string, string>>): CacheManifest {
  return { settings, installed: installedPackages(), inputs, ...(facts === undefined ? {} : { facts }) };
}

/** Runs a cache write; a read-only tree only loses the speed-up. */
export function tryWrite(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    return false;
  }
}
