#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts, scripts/*.ts, cli/*.ts) by compiling each .ts file
// with esbuild as Node requires it: no type checking (npm test does that) and no loader chain.
// Compiled files are cached by content under node_modules/.cache, so an unchanged tree does
// not even start esbuild. Usage: node scripts/run-ts.js FILE [ARGS...]

const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const entry = process.argv[2];
if (entry === undefined) {
  console.error('usage: node scripts/run-ts.js FILE.ts [ARGS...]');
  process.exit(2);
}

const CACHE_DIR = path.join(__dirname, '..', 'node_modules', '.cache', 'rds-snapshot-archive', 'ts');
// Dynamic import() becomes require(), as in the Lambda bundle (stacks/bundle.ts), so a lazily
// loaded module (handler/recorder.ts) resolves by CommonJS rules, .ts included.
const TRANSFORM_OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20', supported: { 'dynamic-import': false } };
let esbuild;

function compile(source, filename) {
  const key = createHash('sha256').update(JSON.stringify(TRANSFORM_OPTIONS)).update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not compiled yet
  }
  esbuild ??= require('esbuild');
  const { code } = esbuild.transformSync(source, { ...TRANSFORM_OPTIONS, sourcefile: filename });
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cached, code);
  } catch {
    // a read-only tree only loses the speed-up
  }
  return code;
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(compile(readFileSync(filename, 'utf8'), filename), filename);
};

// The AWS provider's modules (jsii-generated) end in an inline source map holding their
// TypeScript: 2.5 of the 3.4 MB the main job loads from them. Node reads no source map unless
// asked (--enable-source-maps), but V8 still scans the comment as part of the module's source;
// loading the modules without it cut their load by a third to a half (docs/performance.md). With
// source maps enabled they load whole, so stack traces still map to their TypeScript.
const PROVIDER_MODULES = `${path.sep}node_modules${path.sep}@cdktf${path.sep}provider-`;
const INLINE_SOURCE_MAP = '\n//# sourceMappingURL=data:';
const loadJs = require.extensions['.js'];
require.extensions['.js'] = (module, filename) => {
  if (!filename.includes(PROVIDER_MODULES) || process.sourceMapsEnabled) return loadJs(module, filename);
  const source = readFileSync(filename, 'utf8');
  const map = source.lastIndexOf(INLINE_SOURCE_MAP);
  module._compile(map === -1 ? source : source.slice(0, map + 1), filename);
};

// The entry sees the same argv as under `node FILE ARGS...`.
const entryPath = path.resolve(entry);
process.argv.splice(1, 2, entryPath);
require(entryPath);
