import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundleHandler, bundleHandlerCached, NOTIFIER_ENTRY, RECORDER_ENTRY, writeHandlerFiles } from '../../stacks/bundle';
import { deterministicZip } from '../../stacks/deterministic-zip';
import { handlerZipOnce } from '../../stacks/handler-zip';

/** Reads a zip's entries by walking its central directory (enough for the zips we write). */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const localNameLength = zip.readUInt16LE(localOffset + 26);
    const localExtraLength = zip.readUInt16LE(localOffset + 28);
    const dataStart = localOffset + 30 + localNameLength + localExtraLength;
    entries.set(name, inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Each entry built once for the tests that only read a bundle: every esbuild build costs about a
 * second of CPU on two cores. The tests of determinism and of the cache build their own.
 */
const built = new Map<string | undefined, Buffer>();
function bundleOf(entry?: string): Buffer {
  let bundle = built.get(entry);
  if (bundle === undefined) {
    bundle = bundleHandler(entry);
    built.set(entry, bundle);
  }
  return bundle;
}

describe('handler bundle', () => {
  it('is one CommonJS file that exports handler', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
    const file = path.join(dir, 'index.js');
    writeFileSync(file, bundleOf());
    const exported = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(file)}).handler)`], { encoding: 'utf8' });
    expect(exported).toBe('function');
  });

  it('loads without the recorder, which it requires only when an export has completed, and which carries the S3 and Glue clients', () => {
    // Prepare: index.js alone, and both files.
    const alone = mkdtempSync(path.join(tmpdir(), 'bundle-alone-'));
    writeFileSync(path.join(alone, 'index.js'), bundleOf());
    const both = writeHandlerFiles(mkdtempSync(path.join(tmpdir(), 'bundle-both-')));

    // Act
    const loads = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(path.join(alone, 'index.js'))}).handler)`], {
      encoding: 'utf8',
    });
    const recorder = execFileSync(
      process.execPath,
      ['-e', `process.stdout.write(typeof require(${JSON.stringify(path.join(path.dirname(both), 'record-export.js'))}).recordCompletedExport)`],
      { encoding: 'utf8' },
    );

    // Assess
    expect(loads).toBe('function');
    expect(recorder).toBe('function');
    expect(bundleOf().toString()).not.toContain('ListObjectsV2');
    expect(bundleOf(RECORDER_ENTRY).toString()).toContain('ListObjectsV2');
  });

  it('loads without the SNS client, which the notifier beside it brings on the first notification', () => {
    // Prepare
    const both = writeHandlerFiles(mkdtempSync(path.join(tmpdir(), 'bundle-notifier-')));
    const notifier = path.join(path.dirname(both), 'notify-sns.js');

    // Act
    const publish = execFileSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(notifier)}).publish)`], { encoding: 'utf8' });

    // Assess: neither the handler nor the recorder carries SNS's Publish; the notifier does.
    expect(publish).toBe('function');
    expect(bundleOf().toString()).not.toContain('Publish');
    expect(bundleOf(RECORDER_ENTRY).toString()).not.toContain('Publish');
    expect(bundleOf(NOTIFIER_ENTRY).toString()).toContain('Publish');
  });

  it('leaves the SDK event-stream support out of index.js and notify-sns.js, whose calls never load it, and keeps it for the S3 client', () => {
    // Prepare: index.js alone, in a folder without node_modules, as in Lambda.
    const alone = mkdtempSync(path.join(tmpdir(), 'bundle-no-event-streams-'));
    writeFileSync(path.join(alone, 'index.js'), bundleOf());

    // Act: load it and list the Node modules loading it brought.
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `const before = new Set(process.moduleLoadList); require(${JSON.stringify(path.join(alone, 'index.js'))}); process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))))`,
      ],
      { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );

    // Assess: the event-stream headers are written by that code only; zlib came with it.
    expect(bundleOf().toString()).not.toContain(':event-type');
    expect(bundleOf(NOTIFIER_ENTRY).toString()).not.toContain(':event-type');
    expect(bundleOf(RECORDER_ENTRY).toString()).toContain(':event-type');
    expect(JSON.parse(loaded) as string[]).not.toContain('NativeModule zlib');
  });

  it('has the same bytes for the same source', () => {
    expect(bundleHandler().equals(bundleHandler())).toBe(true);
  });
});

describe('bundle cache', () => {
  it('reuses the last bundle while its inputs are unchanged, and rebuilds when one changes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
    const entry = path.join(dir, 'entry.ts');
    const cacheDir = path.join(dir, 'cache');
    writeFileSync(entry, "export const handler = async (): Promise<string> => 'first';\n");
    const first = bundleHandlerCached(entry, cacheDir);
    expect(first.toString()).toContain('first');
    expect(readFileSync(path.join(cacheDir, 'handler-bundle-entry.js')).equals(first)).toBe(true);
    // Same inputs: the cached file is returned as it is, even if it was tampered with.
    writeFileSync(path.join(cacheDir, 'handler-bundle-entry.js'), 'cached');
    expect(bundleHandlerCached(entry, cacheDir).toString()).toBe('cached');
    writeFileSync(entry, "export const handler = async (): Promise<string> => 'second';\n");
    const second = bundleHandlerCached(entry, cacheDir);
    expect(second.toString()).toContain('second');
    expect(second.equals(bundleHandler(entry))).toBe(true);
  });
});

describe('deterministic zip', () => {
  const entries = [
    { name: 'index.js', data: Buffer.from('exports.handler = async () => {};\n') },
    { name: 'README.txt', data: Buffer.alloc(10_000, 'a') },
  ];

  it('round-trips its entries', () => {
    const read = readZip(deterministicZip(entries));
    expect([...read.keys()].sort()).toEqual(['README.txt', 'index.js']);
    expect(read.get('index.js')!.toString()).toBe('exports.handler = async () => {};\n');
    expect(read.get('README.txt')!.equals(entries[1]!.data)).toBe(true);
  });

  it('does not depend on the order of entries or the time it is made', async () => {
    const first = deterministicZip(entries);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(deterministicZip([...entries].reverse()).equals(first)).toBe(true);
  });

  it('changes when the content changes', () => {
    const changed = deterministicZip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') }]);
    expect(changed.equals(deterministicZip([entries[0]!]))).toBe(false);
  });

  it('is readable by unzip, when unzip is here', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'zip-'));
    const file = path.join(dir, 'test.zip');
    writeFileSync(file, deterministicZip(entries));
    let listing: string;
    try {
      listing = execFileSync('unzip', ['-t', file], { encoding: 'utf8' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        console.warn('SKIPPED unzip check: unzip is not installed');
        return;
      }
      throw error;
    }
    expect(listing).toMatch(/No errors detected/);
  });

  it('holds the bundled handler as index.js for the Lambda, and the recorder, the notifier and the vault verifier beside it', () => {
    const read = readZip(readFileSync(handlerZipOnce().path));
    expect([...read.keys()]).toEqual(['index.js', 'notify-sns.js', 'record-export.js', 'vault-record.js']);
    expect(read.get('index.js')!.equals(bundleOf())).toBe(true);
    expect(read.get('record-export.js')!.equals(bundleOf(RECORDER_ENTRY))).toBe(true);
    expect(read.get('notify-sns.js')!.equals(bundleOf(NOTIFIER_ENTRY))).toBe(true);
  });
});
