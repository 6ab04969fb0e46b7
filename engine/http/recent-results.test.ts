import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../core/clock.ts';
import { RecentResults } from './recent-results.ts';

describe('RecentResults', () => {
  it('shares one computation between concurrent askers and keeps no failure', async () => {
    const results = new RecentResults<number>(1000, new VirtualClock(0));
    let computed = 0;
    const compute = async () => ++computed;
    expect(await Promise.all([results.get('j', 'v1', compute), results.get('j', 'v1', compute)])).toEqual([1, 1]);
    await expect(results.get('j', 'v2', () => Promise.reject(new Error('database is locked')))).rejects.toThrow('database is locked');
    // The failure is not served again: the next ask computes.
    expect(await results.get('j', 'v2', compute)).toBe(2);
    expect(await results.get('other', 'v2', compute)).toBe(3);
  });

  it('keeps a result for its window only, and only for the same version', async () => {
    const clock = new VirtualClock(0);
    const results = new RecentResults<number>(1000, clock);
    let computed = 0;
    const compute = async () => ++computed;
    expect(await results.get('j', 'v1', compute)).toBe(1);
    clock.advance(999);
    expect(await results.get('j', 'v1', compute)).toBe(1);
    expect(await results.get('j', 'v2', compute)).toBe(2);
    clock.advance(1000);
    expect(await results.get('j', 'v2', compute)).toBe(3);
  });
});
