// The shape of the house: no import cycles anywhere in the project's code, the stacks take only the
// contract from handler/, and the CLI reaches handler/ through the capability folders' front doors.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..');
const SOURCE_FOLDERS = ['handler', 'stacks', 'cli', 'scripts'];
const SPECIFIER = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:import|require)\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  const target = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${target}.ts`, path.join(target, 'index.ts'), target]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Every project file and the project files it imports (type-only imports included: they are dependencies of the design). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  return new Map(
    files.map((file) => {
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(SPECIFIER)].map((m) => resolve(file, (m[1] ?? m[2])!)).filter((t): t is string => t !== undefined);
      return [file, [...new Set(targets)]];
    }),
  );
}

/** The import cycles of a graph, each as the files around it (Tarjan's strongly connected components of two or more, or a self-import). */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

const files = [...SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(ROOT, folder))), path.join(ROOT, 'main.ts')];
const graph = importGraph(files);
const relative = (file: string) => path.relative(ROOT, file);
const handlerImportsOf = (prefix: string) =>
  [...graph]
    .filter(([file]) => relative(file).startsWith(prefix))
    .flatMap(([file, targets]) => targets.filter((t) => relative(t).startsWith('handler/')).map((t) => `${relative(file)} -> ${relative(t)}`));

describe('the import graph', () => {
  it('finds a cycle where there is one, and none in a tree', () => {
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(importCycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(
      importCycles(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('reads every kind of relative import: named, type-only, re-exports, dynamic and require', () => {
    const lines = ["import { a } from './a';", "import type { B } from '../b';", "export * from './c';", "await import('./d')", "require('../e')"];
    expect(lines.map((line) => [...line.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]))).toEqual([['./a'], ['../b'], ['./c'], ['./d'], ['../e']]);
  });

  it('has no cycles in the project', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(importCycles(graph).map((cycle) => cycle.map(relative))).toEqual([]);
  });
});

describe('the layers', () => {
  it('stacks and main.ts take only the contract from handler/', () => {
    const stray = [...handlerImportsOf('stacks/'), ...handlerImportsOf('main.ts')].filter((edge) => !edge.includes('-> handler/contract/'));
    expect(handlerImportsOf('stacks/').length).toBeGreaterThan(0);
    expect(stray).toEqual([]);
  });

  it("the CLI reaches handler/ through the capability folders' front doors (index.ts) and the recording entry", () => {
    const stray = handlerImportsOf('cli/').filter((edge) => !/-> handler\/(?:[a-z-]+\/index\.ts|record-export\.ts)$/.test(edge));
    expect(stray).toEqual([]);
  });
});
