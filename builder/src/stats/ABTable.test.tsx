// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { VariantRow } from '../types.ts';
import { ABTable } from './ABTable.tsx';

afterEach(cleanup);

const control: VariantRow = { variant: 'control', isControl: true, runs: 40, conversions: 0, rate: 0, lift: null, ci95: null, z: null, p: null, probBeatControl: null, orders: 0, revenue: 0, revenuePerCustomer: 0, enoughData: false };
const cells = () => [...screen.getByRole('table', { name: 'Experiment results' }).querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));

describe('ABTable', () => {
  it('says "not enough data" instead of a P(beat) computed from zero conversions', () => {
    const b: VariantRow = { ...control, variant: 'b', isControl: false, runs: 42, lift: null, probBeatControl: 0.87, enoughData: false };
    render(<ABTable rows={[control, b]} />);
    expect(cells()[1]).toEqual(['b42 customers', '0.0%0', '0.000.00 each', 'not enough data']);
    expect(screen.queryByText(/P\(beat\)/)).toBeNull();
  });

  it('shows each variant revenue beside its conversion, and the comparison once there is enough data', () => {
    const a = { ...control, runs: 1000, conversions: 100, rate: 0.1, orders: 110, revenue: 5400, revenuePerCustomer: 5.4, enoughData: true };
    const b: VariantRow = { ...a, variant: 'b', isControl: false, conversions: 130, rate: 0.13, lift: 0.3, ci95: [0.002, 0.058], probBeatControl: 0.982, revenue: 7125.5, revenuePerCustomer: 7.1255 };
    render(<ABTable rows={[a, b]} />);
    expect(cells()).toEqual([
      ['controlcontrol1,000 customers', '10.0%100', '5,400.005.40 each', '–'],
      ['b1,000 customers', '13.0%130', '7,125.507.13 each', '+30.0%0.2% … 5.8%P(beat) 98%'],
    ]);
  });
});
