import { describe, expect, it } from 'vitest';
import { holdoutMask } from './split.ts';

describe('holdoutMask', () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => `c${i}`);

  it('holds out about the requested fraction, stably per id', () => {
    const mask = holdoutMask(ids, 0.3, 7);
    const share = mask.reduce((s, v) => s + v, 0) / ids.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.32);
    // Order does not matter: the same id lands on the same side.
    const reversed = holdoutMask([...ids].reverse(), 0.3, 7);
    expect(Array.from(reversed).reverse()).toEqual(Array.from(mask));
    // Another seed gives another split.
    expect(Array.from(holdoutMask(ids, 0.3, 8))).not.toEqual(Array.from(mask));
  });
});
