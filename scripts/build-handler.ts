// `npm run build`: writes the files that synth deploys (index.js and the lazily loaded
// record-export.js) to dist/handler/, so they can be run and measured outside Terraform.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { HANDLER_FILES, writeHandlerFiles } from '../stacks/bundle';

const directory = path.join(__dirname, '..', 'dist', 'handler');
writeHandlerFiles(directory);
for (const { name } of HANDLER_FILES) {
  const file = path.join(directory, name);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${(statSync(file).size / 1024).toFixed(1)} KiB)`);
}
