// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { liftReport } from '../../../engine/stats/lift.ts';
import { LiftReport } from './LiftReport.tsx';
import { ABTable } from './ABTable.tsx';

afterEach(cleanup);

// The same example as engine/stats/lift.test.ts: 20 % vs 15 % conversion, 12 vs 10 revenue per customer.
const ok = liftReport({ customers: 1000, conversions: 200, revenue: 12_000, revenueSquares: 543_600 }, { customers: 500, conversions: 75, revenue: 5_000, revenueSquares: 162_275 });
const early = liftReport({ customers: 40, conversions: 9, revenue: 300, revenueSquares: 9000 }, { customers: 8, conversions: 1, revenue: 20, revenueSquares: 400 });

describe('LiftReport', () => {
  it('shows both groups, the lift with its intervals, incremental revenue and the customers still needed', () => {
    render(<LiftReport lift={{ goal: 'purchase', window: '7d', journey: ok, messages: {} }} />);
    const section = screen.getByRole('region', { name: 'Lift: journey' });
    const groups = within(section).getByRole('table', { name: 'Treated and held out' });
    expect(within(groups).getByText('Treated').closest('tr')!.textContent).toBe('Treated1,00020.0%12.00');
    expect(within(groups).getByText('Held out').closest('tr')!.textContent).toBe('Held out50015.0%10.00');
    const lift = within(section).getByRole('table', { name: 'Lift with 95% intervals' });
    expect(within(lift).getByText('Conversion').closest('tr')!.textContent).toBe('Conversionsignificant+5.0%1.0% … 9.0%+33.3%4.6% … 70.0%');
    expect(within(lift).getByText('Revenue / customer').closest('tr')!.textContent).toBe('Revenue / customersignificant+2.000.19 … 3.81+20.0%-0.1% … 40.1%');
    expect(section.textContent).toContain('Incremental revenue: 2,000.00');
    expect(section.textContent).toContain('About 19,434 more customers needed to detect a 10% relative change');
    expect(screen.getByText(/Conversion: purchase within 7d of entry/)).toBeTruthy();
  });

  it('says "not enough data", and why, for a message whose groups are still small', () => {
    render(<LiftReport lift={{ goal: 'purchase', window: null, journey: null, messages: { hello: early } }} />);
    const section = screen.getByRole('region', { name: 'Lift: message hello' });
    expect(within(section).getByRole('status').textContent).toContain('Not enough data');
    expect(section.textContent).toContain('held out: 8 customers, at least 30 needed');
    expect(within(section).queryByRole('table', { name: 'Lift with 95% intervals' })).toBeNull();
  });
});

describe('ABTable: declare winner', () => {
  it('offers the button for each variant but the holdout', () => {
    const onDeclareWinner = vi.fn();
    const row = (variant: string) => ({ variant, isControl: variant === 'a', runs: 10, conversions: 1, rate: 0.1, lift: null, ci95: null, z: null, p: null, probBeatControl: null });
    render(<ABTable rows={[row('a'), row('b'), row('holdout')]} onDeclareWinner={onDeclareWinner} />);
    expect(screen.queryByRole('button', { name: 'Declare holdout the winner' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Declare b the winner' }));
    expect(onDeclareWinner).toHaveBeenCalledWith('b');
  });
});
