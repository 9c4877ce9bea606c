import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CADENCES,
  DEFAULT_POLICY,
  MANUAL_SNAPSHOT_POLICIES,
  PolicyError,
  decodePolicy,
  encodePolicy,
  ruleFor,
  validatePolicy,
  type ArchivePolicy,
  type PolicyRule,
} from '../../../handler/contract/policy';
import { matchesGlob } from '../../../handler/contract/glob';

const validate = (input: unknown) => {
  const problems: string[] = [];
  const policy = validatePolicy(input, problems);
  return { policy, problems };
};

const pattern = fc.stringMatching(/^[a-z0-9*?-]{1,12}$/);
const rule: fc.Arbitrary<PolicyRule> = fc.record({
  databases: fc.array(
    pattern.filter((p) => p !== '*'),
    { minLength: 1, maxLength: 4 },
  ),
  cadence: fc.constantFrom(...CADENCES),
  manualSnapshots: fc.constantFrom(...MANUAL_SNAPSHOT_POLICIES),
});
const policy: fc.Arbitrary<ArchivePolicy> = fc.record({
  defaultCadence: fc.constantFrom(...CADENCES),
  rules: fc.array(rule, { maxLength: 6 }),
  exportPricePerGb: fc.double({ min: 0.0001, max: 10, noNaN: true }),
});

describe('validatePolicy', () => {
  it('returns the default policy, every snapshot exported, when no policy is set', () => {
    // Act
    const { policy: result, problems } = validate(undefined);

    // Assess
    expect(problems).toEqual([]);
    expect(result).toEqual(DEFAULT_POLICY);
    expect(result.defaultCadence).toBe('every');
    expect(result.exportPricePerGb).toBe(0.01);
  });

  it('reads the documented example and fills in the rule defaults', () => {
    // Prepare
    const input = { defaultCadence: 'every', rules: [{ databases: ['orders-*', 'ledger'], cadence: 'monthly' }], exportPricePerGb: 0.012 };

    // Act
    const { policy: result, problems } = validate(input);

    // Assess
    expect(problems).toEqual([]);
    expect(result).toEqual({
      defaultCadence: 'every',
      rules: [{ databases: ['orders-*', 'ledger'], cadence: 'monthly', manualSnapshots: 'always' }],
      exportPricePerGb: 0.012,
    });
  });

  it('names the rule, the setting, the allowed values and what it got for a bad cadence', () => {
    // Prepare
    const input = {
      rules: [
        { databases: ['a'], cadence: 'daily' },
        { databases: ['orders-*'], cadence: 'fortnightly' },
      ],
    };

    // Act
    const { problems } = validate(input);

    // Assess
    expect(problems).toEqual(['policy.rules[1].cadence must be one of "every", "daily", "weekly", "monthly", "yearly", got "fortnightly"']);
  });

  it('reports unknown keys at the top and in a rule, listing the known ones', () => {
    // Act
    const { problems } = validate({ defaultCadance: 'daily', rules: [{ databases: ['a'], cadence: 'daily', manual: 'always' }] });

    // Assess
    expect(problems).toEqual([
      'unknown setting "policy.defaultCadance"; known settings here: defaultCadence, rules, exportPricePerGb',
      'unknown setting "policy.rules[0].manual"; known settings here: databases, cadence, manualSnapshots',
    ]);
  });

  it('refuses an empty, missing or non-list databases', () => {
    // Act
    const { problems } = validate({ rules: [{ databases: [], cadence: 'daily' }, { cadence: 'daily' }, { databases: 'orders-*', cadence: 'daily' }] });

    // Assess
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^policy\.rules\[0\]\.databases is empty, so the rule would match no database/);
    expect(problems[1]).toMatch(/^policy\.rules\[1\]\.databases must be a list of glob patterns .* got nothing$/);
    expect(problems[2]).toMatch(/^policy\.rules\[2\]\.databases must be a list of glob patterns .* got "orders-\*"$/);
  });

  it('refuses glob characters other than letters, digits, hyphens, * and ?, naming each', () => {
    // Act
    const { problems } = validate({ rules: [{ databases: ['orders_db', 'ok-?', 'a.b', 'with space', '[ab]', 7], cadence: 'weekly' }] });

    // Assess
    expect(problems).toEqual([
      'policy.rules[0].databases must hold glob patterns of letters, digits, hyphens, * and ?; not allowed: "orders_db", "a.b", "with space", "[ab]", 7',
    ]);
  });

  it.each([[0], [-0.01], ['0.01'], [null], [true]])('refuses the price %j: it must be a positive number', (price) => {
    // Act
    const { policy: result, problems } = validate({ exportPricePerGb: price });

    // Assess
    expect(problems).toEqual([
      `policy.exportPricePerGb must be a positive number of US dollars per GB (AWS lists 0.010 in us-east-1; check your region), got ${JSON.stringify(price)}`,
    ]);
    expect(result.exportPricePerGb).toBe(DEFAULT_POLICY.exportPricePerGb);
  });

  it('requires a cadence in every rule and checks manualSnapshots and defaultCadence', () => {
    // Act
    const { problems } = validate({ defaultCadence: 'hourly', rules: [{ databases: ['a'], manualSnapshots: 'never' }] });

    // Assess
    expect(problems).toEqual([
      'policy.defaultCadence must be one of "every", "daily", "weekly", "monthly", "yearly", got "hourly"',
      'policy.rules[0].cadence is required: one of "every", "daily", "weekly", "monthly", "yearly"',
      'policy.rules[0].manualSnapshots must be one of "always", "cadence", got "never"',
    ]);
  });

  it('refuses a policy, a rule list or a rule of the wrong shape', () => {
    expect(validate('monthly').problems).toEqual([expect.stringMatching(/^policy must be an object/)]);
    expect(validate({ rules: { databases: ['a'] } }).problems).toEqual([expect.stringMatching(/^policy\.rules must be a list of rules/)]);
    expect(validate({ rules: ['orders-*'] }).problems).toEqual([expect.stringMatching(/^policy\.rules\[0\] must be an object/)]);
  });

  it('says which rules can never apply after a catch-all "*" rule', () => {
    // Act
    const { problems } = validate({
      rules: [
        { databases: ['ledger'], cadence: 'daily' },
        { databases: ['x', '*'], cadence: 'monthly' },
        { databases: ['orders-*'], cadence: 'weekly' },
      ],
    });

    // Assess
    expect(problems).toEqual([expect.stringMatching(/^policy\.rules\[2\] never applies: policy\.rules\[1\] matches every database with "\*"/)]);
  });

  it('reports every problem at once, not only the first', () => {
    // Act
    const { problems } = validate({ extra: 1, defaultCadence: 'x', exportPricePerGb: -1, rules: [{ databases: [], cadence: 'y' }, { databases: ['a_b'] }] });

    // Assess
    expect(problems).toHaveLength(7);
  });

  it('accepts every well-formed policy unchanged', () => {
    fc.assert(
      fc.property(policy, (input) => {
        // Act
        const { policy: result, problems } = validate(input);

        // Assess
        expect(problems).toEqual([]);
        expect(result).toEqual(input);
      }),
    );
  });
});

describe('ruleFor', () => {
  it('applies the first matching rule: rule order decides', () => {
    // Prepare
    const monthlyFirst = validate({
      rules: [
        { databases: ['orders-*'], cadence: 'monthly' },
        { databases: ['orders-db'], cadence: 'daily', manualSnapshots: 'cadence' },
      ],
    }).policy;
    const dailyFirst = { ...monthlyFirst, rules: [...monthlyFirst.rules].reverse() };

    // Act
    const fromMonthlyFirst = ruleFor(monthlyFirst, 'orders-db');
    const fromDailyFirst = ruleFor(dailyFirst, 'orders-db');

    // Assess
    expect(fromMonthlyFirst).toEqual({ cadence: 'monthly', manualSnapshots: 'always', source: 'rule 1 (orders-*)' });
    expect(fromDailyFirst).toEqual({ cadence: 'daily', manualSnapshots: 'cadence', source: 'rule 1 (orders-db)' });
    expect(ruleFor(dailyFirst, 'orders-archive')).toEqual({ cadence: 'monthly', manualSnapshots: 'always', source: 'rule 2 (orders-*)' });
  });

  it('falls back to defaultCadence, with manual snapshots always exported, and matches case-insensitively', () => {
    // Prepare
    const configured = validate({ defaultCadence: 'weekly', rules: [{ databases: ['Ledger', 'db-?'], cadence: 'yearly' }] }).policy;

    // Act & Assess
    expect(ruleFor(configured, 'inventory')).toEqual({ cadence: 'weekly', manualSnapshots: 'always', source: 'defaultCadence' });
    expect(ruleFor(configured, 'ledger').source).toBe('rule 1 (Ledger, db-?)');
    expect(ruleFor(configured, 'db-10').source).toBe('defaultCadence');
  });

  it('names a rule that matches, and no earlier rule matches', () => {
    fc.assert(
      fc.property(policy, fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), (configured, database) => {
        // Act
        const applied = ruleFor(configured, database);

        // Assess
        const matching = configured.rules.map((r) => r.databases.some((p) => matchesGlob(p, database)));
        const first = matching.indexOf(true);
        if (first === -1) {
          expect(applied).toEqual({ cadence: configured.defaultCadence, manualSnapshots: 'always', source: 'defaultCadence' });
        } else {
          expect(applied.source).toBe(`rule ${first + 1} (${configured.rules[first]!.databases.join(', ')})`);
          expect(applied.cadence).toBe(configured.rules[first]!.cadence);
          expect(applied.manualSnapshots).toBe(configured.rules[first]!.manualSnapshots);
        }
      }),
    );
  });
});

describe('encodePolicy and decodePolicy', () => {
  it('round-trips every valid policy through compact JSON', () => {
    fc.assert(
      fc.property(policy, (input) => {
        // Act
        const text = encodePolicy(input);

        // Assess
        expect(text).not.toMatch(/\s/);
        expect(decodePolicy(text)).toEqual(input);
      }),
    );
  });

  it('leaves defaults out, so the default policy is the empty object', () => {
    // Prepare
    const configured: ArchivePolicy = { ...DEFAULT_POLICY, rules: [{ databases: ['a'], cadence: 'daily', manualSnapshots: 'always' }] };

    // Act & Assess
    expect(encodePolicy(DEFAULT_POLICY)).toBe('{}');
    expect(encodePolicy(configured)).toBe('{"rules":[{"databases":["a"],"cadence":"daily"}]}');
  });

  it('refuses to encode an invalid policy, so a mistake fails at synth and not in the Lambda', () => {
    // Prepare
    const invalid = { ...DEFAULT_POLICY, rules: [{ databases: [], cadence: 'daily', manualSnapshots: 'always' }] } as ArchivePolicy;

    // Act & Assess
    expect(() => encodePolicy(invalid)).toThrow(/policy\.rules\[0\]\.databases is empty/);
  });

  it('throws an error naming what is wrong with the text', () => {
    expect(() => decodePolicy('')).toThrow(/archive policy is empty/);
    expect(() => decodePolicy('{"rules":')).toThrow(/archive policy is not valid JSON/);
    expect(() => decodePolicy('[]')).toThrow(/policy must be a JSON object/);
    expect(() => decodePolicy('{"defaultCadence":"fortnightly"}')).toThrow(PolicyError);
    expect(() => decodePolicy('{"defaultCadence":"fortnightly"}')).toThrow(
      'policy.defaultCadence must be one of "every", "daily", "weekly", "monthly", "yearly", got "fortnightly"',
    );
  });
});
