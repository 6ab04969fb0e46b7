// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import type { JourneyMessageStats, NodeMessageStats } from '../types.ts';
import { dayRange, DayChart } from './DayChart.tsx';
import { MessageCounts } from './MessageCounts.tsx';
import { Messages } from './Messages.tsx';

afterEach(cleanup);

const welcome: NodeMessageStats = {
  nodeId: 'welcome', kinds: ['email'], queued: 1, sent: 2, skipped: 1, skippedBy: { 'frequency cap': 1 }, failed: 1,
  topErrors: [{ error: 'SMTP 550: 5.1.1 <address>: Recipient address rejected', count: 1 }], unknown: 0, opened: 1, clicked: 1, unsubscribed: 0,
  recipients: 2, conversions: 1, revenue: 80, openRate: 0.5, clickRate: 1, conversionRate: 1, revenuePerRecipient: 40,
  daily: [{ day: '2024-03-01', sent: 2, conversions: 0, revenue: 0 }, { day: '2024-03-03', sent: 0, conversions: 1, revenue: 80 }],
};
const hook: NodeMessageStats = { ...welcome, nodeId: 'hook', kinds: ['webhook'], queued: 0, skipped: 0, skippedBy: {}, failed: 0, topErrors: [], opened: 0, clicked: 0, openRate: null, clickRate: null, conversionRate: null, daily: [] };
const stats: JourneyMessageStats = { attribution: '3d', nodes: { hook, welcome }, sent: 4, conversions: 2, revenue: 160 };

describe('Messages (Numbers tab)', () => {
  it('lists each effect node by name in journey order with rates, skips by reason, top errors and revenue', () => {
    render(<Messages stats={stats} order={['t', 'welcome', 'hook']} title={(id) => (id === 'welcome' ? 'Day 1: welcome' : 'Tell the CRM')} />);
    expect([...document.querySelectorAll('[data-message-node]')].map((n) => n.getAttribute('data-message-node'))).toEqual(['welcome', 'hook']);
    const table = screen.getByRole('table', { name: 'Messages of Day 1: welcome' });
    const row = (metric: string) => table.querySelector(`[data-metric="${metric}"]`)!.textContent;
    expect(row('sent')).toBe('Sent22 recipients');
    expect(row('opened')).toBe('Opened150.0% of sent');
    expect(row('clicked')).toBe('Clicked1100.0% of opened');
    expect(row('conversions')).toBe('Conversions1100.0% of clicked');
    expect(row('revenue')).toBe('Revenue80.0040.00 per recipient');
    expect(within(screen.getByRole('list', { name: 'Skip reasons of Day 1: welcome' })).getByText('frequency cap').parentElement!.textContent).toBe('frequency cap 1');
    expect(screen.getByRole('list', { name: 'Errors of Day 1: welcome' }).textContent).toContain('SMTP 550');
    // A webhook has no opens or clicks to show.
    expect(screen.getByRole('table', { name: 'Messages of Tell the CRM' }).querySelector('[data-metric="opened"]')).toBeNull();
    expect(screen.getByText(/Revenue: 160.00 from 2 orders/).textContent).toContain('within 3d');
  });

  it('draws one bar per day with sends and a dot per day with conversions, days between left empty', () => {
    render(<DayChart points={welcome.daily} label="chart" />);
    expect(dayRange('2024-02-28', '2024-03-02')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    const svg = screen.getByRole('img', { name: 'chart' });
    expect([...svg.querySelectorAll('g')].map((g) => g.getAttribute('data-day'))).toEqual(['2024-03-01', '2024-03-03']);
    expect(svg.querySelectorAll('circle')).toHaveLength(1);
  });
});

describe('MessageCounts (canvas)', () => {
  it('shows sent / opened / clicked / failed and a warning badge naming failures and skip reasons', () => {
    render(<MessageCounts m={welcome} />);
    expect(screen.getByTestId('node-messages').textContent).toMatch(/^2 sent1 opened1 clicked1 failed⚠ 2$/);
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Needs a look: 1 failed; 1 skipped: frequency cap');
  });

  it('shows no badge when everything went out', () => {
    render(<MessageCounts m={{ ...welcome, failed: 0, skipped: 0, skippedBy: {}, topErrors: [] }} />);
    expect(screen.queryByRole('img')).toBeNull();
  });
});
