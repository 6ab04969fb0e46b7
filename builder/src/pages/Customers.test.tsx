// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { CustomerRun } from '../types.ts';
import { CustomerProfile, type Profile } from './Customers.tsx';

afterEach(cleanup);

const at = Date.parse('2024-03-01T10:00:00Z');
const profile: Profile = {
  customer: { id: 'ann', email: 'ann@example.com', attributes: { city: 'Seoul' }, timezone: null, consent: { email: true }, unsubscribedAt: null },
  suppression: { reason: 'bounce', createdAt: at },
  scores: [
    { model: 'churn', value: 0.23456, data: { pAlive: 0.76544 }, scoredAt: at },
    { model: 'next_purchase', value: at, data: { at: '2024-03-20', low: '2024-03-12', high: '2024-04-02' }, scoredAt: at },
    { model: 'brand_affinity', value: 0.5, data: {}, scoredAt: at },
  ],
  orders: [{ orderId: 'A-1', orderedAt: at, amount: 80, items: ['shoe'] }],
  events: [{ id: 1, type: 'page_view', properties: { url: '/shoes' }, occurredAt: at }],
  messages: [{ key: 'k', journeyId: 'welcome', nodeId: 'mail', kind: 'email', status: 'failed', lastError: 'mailbox full', createdAt: at }],
  journeys: [{ runId: 1, journeyId: 'welcome', journeyName: 'Welcome', status: 'waiting', nodeId: 'wait-3d', enteredAt: at }],
};

describe('CustomerProfile', () => {
  it('shows consent, suppression, each score with its meaning, orders, messages with outcome and the current journey step', () => {
    render(<CustomerProfile p={profile} isAdmin={false} onErase={() => undefined} onMoreEvents={() => undefined} trace={null} onTrace={() => undefined} />);
    expect(screen.getByText(/Consent: email yes/).textContent).toMatch(/suppressed \(bounce\)/);
    const scores = screen.getByRole('region', { name: 'Scores' });
    expect(within(scores).getByText('churn').closest('tr')!.textContent).toMatch(/0\.2346.*stopped buying.*pAlive: 0\.7654/);
    expect(within(scores).getByText('next_purchase').closest('tr')!.textContent).toMatch(/low: 2024-03-12 · high: 2024-04-02/);
    // A model the page does not know still shows (scores are read by model name).
    expect(within(scores).getByText('brand_affinity')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Messages' }).textContent).toMatch(/failed mailbox full/);
    expect(screen.getByRole('region', { name: 'Journeys' }).textContent).toMatch(/Welcome — waiting at wait-3d/);
    expect(screen.queryByText('Erase customer')).toBeNull();
  });

  it('leaves blank model values out of a score\'s detail instead of printing a row of commas', () => {
    const scores = [
      { model: 'next_purchase', value: null, data: { at: null, low: null, deciles: [null, null, null, null, null, null, null, null, null], source: null }, scoredAt: at },
      { model: 'clv', value: null, data: { expectedSpendPerPurchase: null, horizon: 52, deciles: ['2024-04-01', null] }, scoredAt: at },
    ];
    render(<CustomerProfile p={{ ...profile, scores }} isAdmin={false} onErase={() => undefined} onMoreEvents={() => undefined} trace={null} onTrace={() => undefined} />);
    const region = screen.getByRole('region', { name: 'Scores' });
    expect(within(region).getByText('next_purchase').closest('tr')!.textContent).not.toMatch(/deciles|source|, ,/);
    expect(within(region).getByText('clv').closest('tr')!.textContent).toMatch(/horizon: 52 · deciles: 2024-04-01, —/);
  });

  it('offers export and erase to admins only', () => {
    const onErase = vi.fn();
    render(<CustomerProfile p={profile} isAdmin onErase={onErase} onMoreEvents={() => undefined} trace={null} onTrace={() => undefined} />);
    expect(screen.getByText('Export data').getAttribute('href')).toBe('/api/customers/ann/export');
    fireEvent.click(screen.getByText('Erase customer'));
    expect(onErase).toHaveBeenCalledOnce();
  });

  it('opens the decision trace of a journey run in one click', () => {
    const onTrace = vi.fn();
    const trace: CustomerRun = { id: 1, journeyId: 'welcome', version: 1, status: 'waiting', nodeId: 'wait-3d', history: [{ nodeId: 'split', kind: 'port', port: 'high', at, detail: { churn: 0.2 } }] };
    const { rerender } = render(<CustomerProfile p={profile} isAdmin={false} onErase={() => undefined} onMoreEvents={() => undefined} trace={null} onTrace={onTrace} />);
    fireEvent.click(screen.getByText('decision trace'));
    expect(onTrace).toHaveBeenCalledWith(1);
    rerender(<CustomerProfile p={profile} isAdmin={false} onErase={() => undefined} onMoreEvents={() => undefined} trace={trace} onTrace={onTrace} />);
    expect(screen.getByRole('list', { name: 'Decision trace of run 1' }).textContent).toMatch(/split port → high churn: 0\.2/);
  });
});
