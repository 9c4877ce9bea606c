import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../stacks/config';
import { closestRegion, knownRegions, regionProblem } from '../../stacks/regions';
import { configFrom } from '../support/synth';

describe('regions from the AWS SDK partition metadata', () => {
  it('lists the regions of every partition the installed SDK knows, and no pseudo-region', () => {
    const names = knownRegions().map((r) => r.region);
    expect(names).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1']));
    expect(names).not.toContain('aws-global');
    expect(knownRegions().find((r) => r.region === 'cn-north-1')?.partition).toBe('aws-cn');
  });

  it.each([
    ['us-eest-1', 'us-east-1'],
    ['eu-west1', 'eu-west-1'],
    ['ap-southeast-22', 'ap-southeast-2'],
    ['euwest-1', 'eu-west-1'],
  ])('suggests the likely region for the typo %s', (typo, likely) => {
    expect(closestRegion(typo)?.region).toBe(likely);
    expect(regionProblem('regions', typo)).toContain(`did you mean "${likely}"`);
  });

  it('accepts known regions and names no likely region for a name far from any', () => {
    expect(regionProblem('regions', 'eu-central-2')).toBeUndefined();
    expect(regionProblem('regions', 'mars-north-7')).toMatch(
      /^regions: "mars-north-7" is not an AWS region known to the installed AWS SDK; see the AWS region list/,
    );
  });

  it('stops the configuration with a message naming regions and the likely region', () => {
    // Act
    let error: unknown;
    try {
      configFrom({ regions: ['eu-west-1', 'us-eest-1'] });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^regions: "us-eest-1" is not an AWS region .* did you mean "us-east-1" \(US East \(N\. Virginia\)\)\?/),
    ]);
  });

  it('checks the remote state region the same way', () => {
    expect(() => configFrom({ remoteState: { bucket: 'my-state-bucket', region: 'eu-wset-1' } })).toThrow(
      /remoteState\.region: "eu-wset-1" .*did you mean "eu-west-1"/,
    );
  });
});
