// The archive policy: how often each database's snapshots are exported. Pure: the config
// validates it at synth time, the Lambda decodes it from an environment variable, and the
// cadence decision (rules/cadence.ts) asks it which rule applies to a database.
import { DATABASE_PATTERN } from './formats';
import { matchesGlob } from './glob';

/** Cadences, most frequent first. `every` exports every eligible snapshot (the behaviour before policies). */
export const CADENCES = ['every', 'daily', 'weekly', 'monthly', 'yearly'] as const;
/**
 * How often a database's snapshots are exported: `every` snapshot, or the first eligible snapshot
 * of each UTC `daily`, ISO `weekly` (Monday start), `monthly` or `yearly` period.
 */
export type Cadence = (typeof CADENCES)[number];

/** What happens to manual snapshots. */
export const MANUAL_SNAPSHOT_POLICIES = ['always', 'cadence'] as const;
/**
 * `always`: every eligible manual snapshot is exported, outside the cadence: it neither waits for
 * a period nor covers one, so its export never replaces the period's regular export. Manual
 * snapshots are ad hoc (before a migration, say); an operator expects them archived and the
 * regular archive to keep its schedule, not to shift to whenever someone took one.
 * `cadence`: manual snapshots are treated like automated ones (the first of a period is exported
 * and covers it).
 */
export type ManualSnapshotPolicy = (typeof MANUAL_SNAPSHOT_POLICIES)[number];

/** A rule: the cadence of the databases its patterns match. The first matching rule wins. */
export interface PolicyRule {
  /** Glob patterns (`*` any run, `?` one character) over the DB instance or cluster identifier; at least one. */
  readonly databases: readonly string[];
  readonly cadence: Cadence;
  /** @default "always" */
  readonly manualSnapshots: ManualSnapshotPolicy;
}

/** The archive policy, the `policy` setting of archive.config.json. */
export interface ArchivePolicy {
  /** The cadence of databases no rule matches; their manual snapshots are always exported. @default "every" */
  readonly defaultCadence: Cadence;
  /** Checked in order; the first rule with a matching pattern applies. @default [] */
  readonly rules: readonly PolicyRule[];
  /**
   * US dollars per GB of snapshot size that an RDS snapshot export costs, for cost estimates only.
   * @default 0.010 — AWS's RDS pricing page lists snapshot export at $0.010 per GB of snapshot size
   * in us-east-1 (https://aws.amazon.com/rds/pricing/, "Snapshot Export"); check your region's price.
   */
  readonly exportPricePerGb: number;
}

/** What the policy says about one database, and which setting said it (for decision reasons). */
export interface AppliedRule {
  readonly cadence: Cadence;
  readonly manualSnapshots: ManualSnapshotPolicy;
  /** `rule 1 (orders-*, ledger)` (counting from 1, so `policy.rules[0]` is rule 1) or `defaultCadence`. */
  readonly source: string;
}

/** The policy when none is configured: every eligible snapshot is exported, as before policies existed. */
export const DEFAULT_POLICY: ArchivePolicy = { defaultCadence: 'every', rules: [], exportPricePerGb: 0.01 };

const DEFAULT_MANUAL_SNAPSHOTS: ManualSnapshotPolicy = 'always';
const POLICY_KEYS = ['defaultCadence', 'rules', 'exportPricePerGb'] as const;
const RULE_KEYS = ['databases', 'cadence', 'manualSnapshots'] as const;

/** Raised by {@link decodePolicy} (and {@link encodePolicy}) for an invalid policy; lists every problem. */
export class PolicyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid archive policy:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** The rule that applies to a database: the first rule with a matching pattern, else the default. */
export function ruleFor(policy: ArchivePolicy, database: string): AppliedRule {
  const index = policy.rules.findIndex((rule) => rule.databases.some((pattern) => matchesGlob(pattern, database)));
  const rule = policy.rules[index];
  if (rule === undefined) return { cadence: policy.defaultCadence, manualSnapshots: DEFAULT_MANUAL_SNAPSHOTS, source: 'defaultCadence' };
  return { cadence: rule.cadence, manualSnapshots: rule.manualSnapshots, source: `rule ${index + 1} (${rule.databases.join(', ')})` };
}

/**
 * Checks the `policy` setting, pushes one message per problem (naming the setting, such as
 * `policy.rules[0].cadence`), and returns the policy with defaults filled in. Absent (undefined)
 * is the {@link DEFAULT_POLICY}. A bad value falls back to its default so every problem is reported.
 */
export function validatePolicy(input: unknown, problems: string[]): ArchivePolicy {
  if (input === undefined) return DEFAULT_POLICY;
  if (!isObject(input)) {
    problems.push(`policy must be an object such as {"defaultCadence": "every", "rules": []}, got ${JSON.stringify(input)}`);
    return DEFAULT_POLICY;
  }
  unknownKeys('policy', input, POLICY_KEYS, problems);
  const defaultCadence = oneOf('policy.defaultCadence', input.defaultCadence, DEFAULT_POLICY.defaultCadence, CADENCES, problems);

  let exportPricePerGb = DEFAULT_POLICY.exportPricePerGb;
  if (input.exportPricePerGb !== undefined) {
    const price = input.exportPricePerGb;
    if (typeof price === 'number' && Number.isFinite(price) && price > 0) exportPricePerGb = price;
    else
      problems.push(
        `policy.exportPricePerGb must be a positive number of US dollars per GB (AWS lists 0.010 in us-east-1; check your region), got ${JSON.stringify(price)}`,
      );
  }

  const rules: PolicyRule[] = [];
  const ruleInputs: unknown = input.rules ?? [];
  if (!Array.isArray(ruleInputs)) {
    problems.push(`policy.rules must be a list of rules such as {"databases": ["orders-*"], "cadence": "monthly"}, got ${JSON.stringify(ruleInputs)}`);
  } else {
    for (const [index, item] of ruleInputs.entries()) {
      const rule = validateRule(`policy.rules[${index}]`, item, problems);
      if (rule !== undefined) rules.push(rule);
    }
    reportShadowedRules(ruleInputs, problems);
  }
  return { defaultCadence, rules, exportPricePerGb };
}

function validateRule(name: string, input: unknown, problems: string[]): PolicyRule | undefined {
  if (!isObject(input)) {
    problems.push(`${name} must be an object such as {"databases": ["orders-*"], "cadence": "monthly"}, got ${JSON.stringify(input)}`);
    return undefined;
  }
  unknownKeys(name, input, RULE_KEYS, problems);
  let databases: string[] = [];
  if (!Array.isArray(input.databases)) {
    const got = input.databases === undefined ? 'nothing' : JSON.stringify(input.databases);
    problems.push(`${name}.databases must be a list of glob patterns over DB instance or cluster identifiers, such as ["orders-*"], got ${got}`);
  } else if (input.databases.length === 0) {
    problems.push(`${name}.databases is empty, so the rule would match no database: list at least one pattern such as "orders-*"`);
  } else {
    const bad = input.databases.filter((pattern) => typeof pattern !== 'string' || !DATABASE_PATTERN.pattern.test(pattern));
    if (bad.length > 0) {
      problems.push(`${name}.databases must hold ${DATABASE_PATTERN.shape}; not allowed: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
    }
    databases = input.databases.filter((pattern): pattern is string => typeof pattern === 'string' && DATABASE_PATTERN.pattern.test(pattern));
  }
  // A rule without a cadence is refused rather than defaulted: the first match wins, so a
  // forgotten cadence would silently shadow every later rule for those databases.
  if (input.cadence === undefined) problems.push(`${name}.cadence is required: one of ${quoted(CADENCES)}`);
  const cadence = oneOf(`${name}.cadence`, input.cadence, 'every', CADENCES, problems);
  const manualSnapshots = oneOf(`${name}.manualSnapshots`, input.manualSnapshots, DEFAULT_MANUAL_SNAPSHOTS, MANUAL_SNAPSHOT_POLICIES, problems);
  return { databases, cadence, manualSnapshots };
}

/** A rule after one whose patterns include a bare `*` can never apply: almost certainly a mistake in the order. */
function reportShadowedRules(rules: readonly unknown[], problems: string[]): void {
  const catchAll = rules.findIndex((rule) => isObject(rule) && Array.isArray(rule.databases) && rule.databases.includes('*'));
  if (catchAll === -1) return;
  for (let index = catchAll + 1; index < rules.length; index++) {
    problems.push(
      `policy.rules[${index}] never applies: policy.rules[${catchAll}] matches every database with "*" and the first matching rule wins; move the catch-all rule last or use defaultCadence`,
    );
  }
}

/** The policy as compact JSON for an environment variable; defaults are left out. Throws a PolicyError for an invalid policy. */
export function encodePolicy(policy: ArchivePolicy): string {
  const problems: string[] = [];
  validatePolicy(policy, problems);
  if (problems.length > 0) throw new PolicyError(problems);
  const compact: Record<string, unknown> = {};
  if (policy.defaultCadence !== DEFAULT_POLICY.defaultCadence) compact.defaultCadence = policy.defaultCadence;
  if (policy.rules.length > 0) {
    compact.rules = policy.rules.map((rule) => ({
      databases: rule.databases,
      cadence: rule.cadence,
      ...(rule.manualSnapshots === DEFAULT_MANUAL_SNAPSHOTS ? {} : { manualSnapshots: rule.manualSnapshots }),
    }));
  }
  if (policy.exportPricePerGb !== DEFAULT_POLICY.exportPricePerGb) compact.exportPricePerGb = policy.exportPricePerGb;
  return JSON.stringify(compact);
}

/** Reads what {@link encodePolicy} wrote; throws an Error (a PolicyError when the JSON parses) naming what is wrong. */
export function decodePolicy(text: string): ArchivePolicy {
  if (text.trim() === '') throw new Error('archive policy is empty: expected the JSON object encodePolicy writes, such as {"defaultCadence":"monthly"}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`archive policy is not valid JSON (${(error as Error).message}): expected the JSON object encodePolicy writes`);
  }
  if (parsed === undefined || !isObject(parsed)) {
    throw new PolicyError([`policy must be a JSON object such as {"defaultCadence":"monthly"}, got ${JSON.stringify(parsed)}`]);
  }
  const problems: string[] = [];
  const policy = validatePolicy(parsed, problems);
  if (problems.length > 0) throw new PolicyError(problems);
  return policy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quoted(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function unknownKeys(name: string, input: Record<string, unknown>, known: readonly string[], problems: string[]): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) problems.push(`unknown setting "${name}.${key}"; known settings here: ${known.join(', ')}`);
  }
}

function oneOf<T extends string>(name: string, value: unknown, fallback: T, allowed: readonly T[], problems: string[]): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${quoted(allowed)}, got ${JSON.stringify(value)}`);
  return fallback;
}
