import type { BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { crc32, deflateRawSync } from 'node:zlib';
import * as path from 'node:path';

const PROJECT_ROOT = path.join(__dirname, '..');

/** The handler's entry point. */
export const HANDLER_ENTRY = path.join(PROJECT_ROOT, 'handler', 'index.ts');

/**
 * The recording of completed exports (verification, manifests, catalog), bundled as a second file
 * beside index.js and required on first use (handler/recorder.ts): it brings the S3 and Glue
 * clients, which a snapshot event never needs, so the file every cold start loads stays small.
 */
export const RECORDER_ENTRY = path.join(PROJECT_ROOT, 'handler', 'record-export.ts');

/**
 * The SNS client, bundled as a third file and required on the first notification
 * (handler/notify.ts): failures and incomplete exports only, so a cold start that sends none
 * does not load it (measured: index.js 318 KB -> 296 KB, cold load about 8% faster).
 */
export const NOTIFIER_ENTRY = path.join(PROJECT_ROOT, 'handler', 'notify-sns.ts');

/** The deployed files: each bundle's name in the zip, and its entry. */
export const HANDLER_FILES: readonly { readonly name: string; readonly entry: string }[] = [
  { name: 'index.js', entry: HANDLER_ENTRY },
  { name: 'record-export.js', entry: RECORDER_ENTRY },
  { name: 'notify-sns.js', entry: NOTIFIER_ENTRY },
];

/** Where synth keeps the last bundle, keyed by the content of every file that went into it. */
export const BUNDLE_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'rds-snapshot-archive');

/**
 * Credential providers the SDK's default chain loads only when the environment holds no
 * credentials. Lambda always puts the execution role's credentials in the environment, so the
 * chain stops at its first link there; leaving these out of the bundle saves about 130 KB
 * (429 KB → 296 KB measured). Where they are needed (a workstation running dist/ with
 * profiles or SSO), Node finds them in node_modules.
 */
export const CREDENTIAL_PROVIDERS_LOADED_ON_DEMAND = [
  '@aws-sdk/nested-clients',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
  '@aws-sdk/token-providers',
];

/**
 * esbuild settings for the Lambda bundle. The AWS SDK is bundled (not taken from the
 * runtime) so the deployed code is exactly the code we tested, whatever SDK version the
 * nodejs22.x runtime happens to ship. Measured (bundle, cold load vs node -e 0): mainFields
 * module-first 429 KB / 1.6-1.8x; CommonJS-first 705 KB / 2.0-2.4x; SDK external 22 KB but
 * 1.9-2.0x and the runtime's SDK version.
 */
export const HANDLER_BUILD_OPTIONS: Readonly<BuildOptions> = {
  external: CREDENTIAL_PROVIDERS_LOADED_ON_DEMAND,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  // import() becomes a require() made on first use: the recorder and the notifier stay files of
  // their own (handler/recorder.ts and handler/notify.ts name them with a variable, which the
  // bundler does not follow).
  supported: { 'dynamic-import': false },
  // Prefer the SDK's ES module builds: they tree-shake better than the CommonJS ones.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'silent',
};

function build(entry: string): { code: Buffer; inputs: string[] } {
  // Loaded on demand: starting esbuild costs about 100 ms, which a cached synth does not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({
    ...HANDLER_BUILD_OPTIONS,
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    write: false,
    outfile: 'index.js',
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: Buffer.from(output.contents), inputs: Object.keys(result.metafile.inputs).sort() };
}

/** Bundles the handler into one CommonJS file and returns its bytes. */
export function bundleHandler(entry: string = HANDLER_ENTRY): Buffer {
  return build(entry).code;
}

/** A hash of the build settings and the content of every input file (relative to the project root). */
function inputsKey(entry: string, inputs: readonly string[]): string {
  const esbuildVersion = (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
  const hash = createHash('sha256').update(JSON.stringify({ esbuildVersion, entry: path.relative(PROJECT_ROOT, entry), options: HANDLER_BUILD_OPTIONS }));
  for (const input of inputs)
    hash
      .update(input)
      .update('\0')
      .update(readFileSync(path.join(PROJECT_ROOT, input)))
      .update('\0');
  return hash.digest('hex');
}

interface CacheManifest {
  readonly key: string;
  readonly inputs: readonly string[];
}

/**
 * The same bytes as bundleHandler(), reused from the last build when no input file changed
 * (about 10 ms instead of about 250 ms per synth). The check reads every file the last bundle
 * was made of, so an edit to the handler or an SDK upgrade always rebuilds.
 */
export function bundleHandlerCached(entry: string = HANDLER_ENTRY, cacheDir: string = BUNDLE_CACHE_DIR): Buffer {
  // One cache per entry; the handler's keeps its old name.
  const name = entry === HANDLER_ENTRY ? 'handler-bundle' : `handler-bundle-${path.basename(entry, path.extname(entry))}`;
  const manifestFile = path.join(cacheDir, `${name}.json`);
  const bundleFile = path.join(cacheDir, `${name}.js`);
  try {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as CacheManifest;
    if (manifest.key === inputsKey(entry, manifest.inputs)) return readFileSync(bundleFile);
  } catch {
    // No cache yet, or an input is gone: build.
  }
  const { code, inputs } = build(entry);
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(bundleFile, code);
    writeFileSync(manifestFile, JSON.stringify({ key: inputsKey(entry, inputs), inputs } satisfies CacheManifest));
  } catch {
    // A read-only tree only loses the speed-up.
  }
  return code;
}

/** Every deployed file of the handler (index.js and the lazily loaded recorder), from the cache when unchanged. */
export function handlerFiles(): { readonly name: string; readonly data: Buffer }[] {
  return HANDLER_FILES.map(({ name, entry }) => ({ name, data: bundleHandlerCached(entry) }));
}

/** Writes the handler's files into `directory`; returns the path of index.js. */
export function writeHandlerFiles(directory: string): string {
  mkdirSync(directory, { recursive: true });
  for (const file of handlerFiles()) writeFileSync(path.join(directory, file.name), file.data);
  return path.join(directory, 'index.js');
}

/** One file to put in a zip archive. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

// 1980-01-01 00:00, the earliest time a zip can hold: every build gets the same bytes.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * Writes a zip archive whose bytes depend only on the entries (fixed timestamps, fixed
 * permissions, fixed order), so the Lambda's source hash changes only when its code does.
 */
export function deterministicZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const checksum = crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // flags: names are UTF-8
    local.writeUInt16LE(8, 8); // method: deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDirectory, end]);
}
