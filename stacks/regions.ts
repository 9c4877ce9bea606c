// Region names checked against the AWS SDK's own partition metadata (the regions each partition
// lists), so a typo such as "us-eest-1" stops synth instead of failing in `terraform plan`.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A region the SDK knows, with its partition. */
export interface KnownRegion {
  readonly region: string;
  readonly partition: string;
  readonly description: string;
}

interface PartitionsFile {
  readonly partitions: readonly { readonly id: string; readonly regions: Readonly<Record<string, { readonly description?: string }>> }[];
}

// The SDK resolves endpoints from this file but exports only a lookup that accepts any name
// matching a partition's pattern; the regions it lists are the ones that exist.
const PARTITIONS_MODULE = path.join('dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js');

let cache: readonly KnownRegion[] | undefined;

/** Every region of every partition, as the installed `@aws-sdk/core` lists them. */
export function knownRegions(): readonly KnownRegion[] {
  if (cache !== undefined) return cache;
  const file = path.join(path.dirname(require.resolve('@aws-sdk/core/package.json')), PARTITIONS_MODULE);
  const source = readFileSync(file, 'utf8');
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const data = JSON.parse(json) as PartitionsFile;
  cache = data.partitions.flatMap((partition) =>
    Object.entries(partition.regions)
      // Pseudo-regions such as "aws-global" are endpoint names, not places to archive in.
      .filter(([region]) => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
      .map(([region, info]) => ({ region, partition: partition.id, description: info.description ?? '' })),
  );
  return cache;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known region closest to `name`, when it is close enough to be a typo. */
export function closestRegion(name: string, regions: readonly KnownRegion[] = knownRegions()): KnownRegion | undefined {
  let best: KnownRegion | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of regions) {
    const distance = editDistance(name.toLowerCase(), candidate.region);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= 3 ? best : undefined;
}

/** Undefined when `name` is a region the SDK lists, otherwise a message naming `setting` and the likely region. */
export function regionProblem(setting: string, name: string, regions: readonly KnownRegion[] = knownRegions()): string | undefined {
  if (regions.some((known) => known.region === name)) return undefined;
  const guess = closestRegion(name, regions);
  const hint = guess !== undefined ? `did you mean "${guess.region}" (${guess.description})?` : 'see the AWS region list (e.g. "us-east-1", "eu-west-1")';
  return `${setting}: "${name}" is not an AWS region known to the installed AWS SDK; ${hint} A region newer than the SDK needs an update of the @aws-sdk packages.`;
}
