import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../handler/common/concurrency';

describe('mapWithConcurrency', () => {
  it('keeps the order, and never has more than the limit in flight', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const work = async (n: number) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
      inFlight--;
      return n * 2;
    };

    // Act
    const results = await mapWithConcurrency(
      Array.from({ length: 40 }, (_, i) => i),
      4,
      work,
    );

    // Assess
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(most).toBe(4);
  });

  it('passes the first failure on', async () => {
    await expect(mapWithConcurrency([1, 2, 3], 2, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))).rejects.toThrow('two');
  });
});
