import { describe, expect, it } from 'vitest';
import { valueTiers } from './value-tier.ts';

describe('valueTiers', () => {
  it('puts the top 20% high and the next 30% mid', () => {
    expect(valueTiers([50, 10, 30, 20, 40, 0, 5, 1, 2, 3])).toEqual(['high', 'mid', 'mid', 'mid', 'high', 'low', 'low', 'low', 'low', 'low']);
  });

  it('gives customers tied at a cut-off the better tier', () => {
    expect(valueTiers([5, 5, 5, 1, 1, 1, 1, 1, 1, 1])).toEqual(['high', 'high', 'high', 'mid', 'mid', 'mid', 'mid', 'mid', 'mid', 'mid']);
  });

  it('is configurable', () => {
    expect(valueTiers([4, 3, 2, 1], { high: 0.25, mid: 0.25 })).toEqual(['high', 'mid', 'low', 'low']);
    expect(valueTiers([4, 3, 2, 1], { high: 0, mid: 0.5 })).toEqual(['mid', 'mid', 'low', 'low']);
    expect(() => valueTiers([1], { high: 0.8, mid: 0.5 })).toThrow(/valueTiers.high \+ valueTiers.mid = 1.3/);
  });

  it('calls nobody high or mid for nothing: a shop whose orders are all $0', () => {
    expect(valueTiers([0, 0, 0, 0, 0])).toEqual(['low', 'low', 'low', 'low', 'low']);
    expect(valueTiers([0, 0, 0, 0, 7])).toEqual(['low', 'low', 'low', 'low', 'high']);
  });
});
