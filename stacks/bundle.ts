import type { BuildOptions, Metafile } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILD_CACHE_DIR, type CachedInput, describeInputs, manifestFor, tryWrite, validManifest, writeAtomically } from './build-cache';
import { deflate, type ZipEntry } from './deterministic-zip';

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
 * (handler/aws/notify.ts): failures and incomplete exports only, so a cold start that sends none
 * does not load it (measured: index.js 318 KB -> 296 KB, cold load about 8% faster).
 */
export const NOTIFIER_ENTRY = path.join(PROJECT_ROOT, 'handler', 'aws', 'notify-sns.ts');

/** The deployed files: each bundle's name in the zip, and its entry. */
export const HANDLER_FILES: readonly { readonly name: string; readonly entry: string }[] = [
  { name: 'index.js', entry: HANDLER_ENTRY },
  { name: 'record-export.js', entry: RECORDER_ENTRY },
  { name: 'notify-sns.js', entry: NOTIFIER_ENTRY },
  { name: 'vault-record.js', entry: path.join(PROJECT_ROOT, 'handler', 'vault-record.ts') },
];

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
 * The SDK's event-stream support. The RDS and SNS clients import it only dynamically, for an
 * operation with an event-stream member, and none of the calls of index.js or notify-sns.js has
 * one, so those two bundles leave it out (the S3 client in record-export.js imports it at load and
 * keeps it). Bundled, that one dynamic import made esbuild wrap 160 modules in lazy initializers
 * and kept zlib loading at every cold start: leaving it out took index.js from 290 to 272 KB and
 * its cold load about 3% (measured; see docs/performance.md).
 */
export const EVENT_STREAMS = '@smithy/core/event-streams';

/** The bundles whose code never loads EVENT_STREAMS (build() checks that it is imported only dynamically). */
const WITHOUT_EVENT_STREAMS: ReadonlySet<string> = new Set([HANDLER_ENTRY, NOTIFIER_ENTRY]);

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
  // their own (handler/recorder.ts and handler/aws/notify.ts name them with a variable, which the
  // bundler does not follow).
  supported: { 'dynamic-import': false },
  // Prefer the SDK's ES module builds: they tree-shake better than the CommonJS ones.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'silent',
};

/** The settings of one entry's bundle: HANDLER_BUILD_OPTIONS, and EVENT_STREAMS left out where no call needs it. */
export function buildOptionsFor(entry: string): Readonly<BuildOptions> {
  return WITHOUT_EVENT_STREAMS.has(entry)
    ? { ...HANDLER_BUILD_OPTIONS, external: [...CREDENTIAL_PROVIDERS_LOADED_ON_DEMAND, EVENT_STREAMS] }
    : HANDLER_BUILD_OPTIONS;
}

/**
 * Refuses a bundle that would require EVENT_STREAMS at load: Lambda has no node_modules, so that
 * bundle could not start (an SDK update that imports it statically must not deploy one).
 */
function checkEventStreamsStayDynamic(entry: string, inputs: Metafile['inputs']): void {
  for (const [input, { imports }] of Object.entries(inputs)) {
    if (imports.some((i) => i.path === EVENT_STREAMS && i.external && i.kind !== 'dynamic-import'))
      throw new Error(
        `${input} imports ${EVENT_STREAMS} at load, so the bundle of ${path.relative(PROJECT_ROOT, entry)} cannot leave it out: remove the entry from WITHOUT_EVENT_STREAMS (stacks/bundle.ts)`,
      );
  }
}

function build(entry: string): { code: Buffer; inputs: string[] } {
  // Loaded on demand: starting esbuild costs about 100 ms, which a cached synth does not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({
    ...buildOptionsFor(entry),
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    write: false,
    outfile: 'index.js',
  });
  checkEventStreamsStayDynamic(entry, result.metafile.inputs);
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: Buffer.from(output.contents), inputs: Object.keys(result.metafile.inputs).sort() };
}

/** Bundles the handler into one CommonJS file and returns its bytes. */
export function bundleHandler(entry: string = HANDLER_ENTRY): Buffer {
  return build(entry).code;
}

/** The build settings of an entry, with esbuild's version: a change rebuilds whatever the inputs. */
export function bundleSettings(entry: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ esbuildVersion: esbuildVersion(), entry: path.relative(PROJECT_ROOT, entry), options: buildOptionsFor(entry) }))
    .digest('hex');
}

let installedEsbuild: string | undefined;

/** esbuild's installed version, read once per process (every entry's settings name it). */
function esbuildVersion(): string {
  installedEsbuild ??= (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
  return installedEsbuild;
}

/** One entry's bundle as the cache keeps it: the code, its deflated form for the zip, and what it was built from. */
export interface CachedBundle {
  readonly code: Buffer;
  readonly deflated: Buffer;
  /** The project files it was built from, as the cache checks them. */
  readonly inputs: readonly CachedInput[];
}

/**
 * An entry's bundle and its deflated bytes, reused from the last build while no input file
 * changed (build-cache.ts): the project's files by a stat each (their content when the stat
 * differs), the packages by npm's record of them, and the zip reuses the deflated bytes. Checking
 * every file's content and deflating again took about 70-130 ms of a 470 ms synth (see
 * docs/performance.md). An edit to the handler, an npm install (an SDK upgrade) or new build
 * settings rebuild.
 */
function cachedBundle(entry: string, cacheDir: string): CachedBundle {
  // One cache per entry; the handler's keeps its old name.
  const name = entry === HANDLER_ENTRY ? 'handler-bundle' : `handler-bundle-${path.basename(entry, path.extname(entry))}`;
  const manifestFile = path.join(cacheDir, `${name}.json`);
  const bundleFile = path.join(cacheDir, `${name}.js`);
  const deflatedFile = path.join(cacheDir, `${name}.js.deflate`);
  const settings = bundleSettings(entry);
  const manifest = validManifest(manifestFile, settings);
  if (manifest !== undefined) {
    try {
      return { code: readFileSync(bundleFile), deflated: readFileSync(deflatedFile), inputs: manifest.inputs };
    } catch {
      // a file of the cache is gone: build
    }
  }
  const built = build(entry);
  const deflated = deflate(built.code);
  const inputs = describeInputs(built.inputs);
  tryWrite(() => {
    writeAtomically(bundleFile, built.code);
    writeAtomically(deflatedFile, deflated);
    // Written last: a cache interrupted before it has no manifest and is rebuilt.
    writeAtomically(manifestFile, JSON.stringify(manifestFor(settings, inputs)));
  });
  return { code: built.code, deflated, inputs };
}

/** The same bytes as bundleHandler(), reused from the last build when no input file changed. */
export function bundleHandlerCached(entry: string = HANDLER_ENTRY, cacheDir: string = BUILD_CACHE_DIR): Buffer {
  return cachedBundle(entry, cacheDir).code;
}

/** Every deployed file of the handler (index.js and the files it loads on first use), from the cache when unchanged. */
export function handlerBundles(cacheDir: string = BUILD_CACHE_DIR): (ZipEntry & { readonly bundle: CachedBundle })[] {
  return HANDLER_FILES.map(({ name, entry }) => {
    const bundle = cachedBundle(entry, cacheDir);
    return { name, data: bundle.code, deflated: bundle.deflated, bundle };
  });
}

/** Every deployed file of the handler, as zip entries. */
export function handlerFiles(): ZipEntry[] {
  return handlerBundles().map(({ name, data, deflated }) => ({ name, data, deflated }));
}

/** Writes the handler's files into `directory`; returns the path of index.js. */
export function writeHandlerFiles(directory: string): string {
  mkdirSync(directory, { recursive: true });
  for (const file of handlerFiles()) writeFileSync(path.join(directory, file.name), file.data);
  return path.join(directory, 'index.js');
}
