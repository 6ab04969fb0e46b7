import { describe, expect, it } from 'vitest';
import { mapLimit } from './concurrency.ts';

describe('mapLimit', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later items finish first: order must come from the input, not completion.
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(most).toBe(3);
  });

  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
