import { describe, expect, it } from 'vitest';
import { compareVariants } from '../../nodes/split-ab/stats.ts';
import { withRevenue } from './ab-revenue.ts';

describe('A/B report with revenue and a minimum of data', () => {
  it('withholds the comparison with zero conversions, however lopsided the split looks', () => {
    const rows = withRevenue(compareVariants([{ name: 'A', runs: 200, conversions: 0 }, { name: 'B', runs: 200, conversions: 0 }], 'A'), []);
    expect(rows.map((r) => [r.variant, r.enoughData])).toEqual([['A', false], ['B', false]]);
  });

  it('withholds it below 30 customers in the variant or in control', () => {
    const rows = withRevenue(compareVariants([{ name: 'A', runs: 29, conversions: 10 }, { name: 'B', runs: 500, conversions: 40 }], 'A'), []);
    expect(rows.find((r) => r.variant === 'B')!.enoughData).toBe(false);
  });

  it('compares once both arms have 30 customers and 5 conversions between them, and adds each variant revenue', () => {
    const rows = withRevenue(compareVariants([{ name: 'A', runs: 30, conversions: 2 }, { name: 'B', runs: 40, conversions: 3 }], 'A'), [
      { variant: 'A', orders: 2, revenue: 90 },
      { variant: 'B', orders: 4, revenue: 200 },
    ]);
    expect(rows.map((r) => ({ v: r.variant, ok: r.enoughData, orders: r.orders, revenue: r.revenue, perCustomer: r.revenuePerCustomer }))).toEqual([
      { v: 'A', ok: true, orders: 2, revenue: 90, perCustomer: 3 },
      { v: 'B', ok: true, orders: 4, revenue: 200, perCustomer: 5 },
    ]);
  });
});
