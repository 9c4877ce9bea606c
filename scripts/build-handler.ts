// `npm run build`: writes the bundle that synth deploys to dist/handler/index.js, so it can be
// run and measured outside Terraform.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleHandler } from '../stacks/bundle';

const outFile = path.join(__dirname, '..', 'dist', 'handler', 'index.js');
const code = bundleHandler();
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, code);
console.log(`wrote ${path.relative(process.cwd(), outFile)} (${(code.length / 1024).toFixed(1)} KiB)`);
