// The root of @cdktf/provider-aws loads every AWS resource binding: seconds and hundreds of
// megabytes on every synth and type check. Our code imports the submodules only.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');
const ROOT_IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"]@cdktf\/provider-aws['"]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'cdktf.out', 'dist', '.git', '.bench', '.ci-out'].includes(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js)$/.test(entry.name) ? [full] : [];
  });
}

describe('provider imports', () => {
  it('recognizes a root import in every form', () => {
    // Built from parts, so that repository-wide searches for root imports do not find this test.
    const root = ['@cdktf', 'provider-aws'].join('/');
    for (const line of [`import { S3Bucket } from '${root}';`, `const aws = require("${root}");`, `await import('${root}')`]) {
      expect(ROOT_IMPORT.test(line), line).toBe(true);
    }
    expect(ROOT_IMPORT.test("import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';")).toBe(false);
  });

  it('come from submodules in every source file', () => {
    const files = sourceFiles(ROOT);
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) => file !== __filename && ROOT_IMPORT.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => path.relative(ROOT, file))).toEqual([]);
  });
});
