#!/usr/bin/env node
// Runs a TypeScript entry point (main.ts, scripts/*.ts) by compiling each .ts file with
// esbuild as Node requires it: no type checking (npm test does that), no loader chain, so a
// synth starts about as fast as precompiled JavaScript. Usage: node scripts/run-ts.js FILE [ARGS...]
'use strict';
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { transformSync } = require('esbuild');

const entry = process.argv[2];
if (entry === undefined) {
  console.error('usage: node scripts/run-ts.js FILE.ts [ARGS...]');
  process.exit(2);
}

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcefile: filename,
  });
  module._compile(code, filename);
};

// The entry sees the same argv as under `node FILE ARGS...`.
const entryPath = path.resolve(entry);
process.argv.splice(1, 2, entryPath);
require(entryPath);
