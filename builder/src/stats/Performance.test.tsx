// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import type { NodeDescriptor } from '../types.ts';
import type { JEdge, JNode } from '../canvas/graph.ts';
import { Performance, flowOrder } from './Performance.tsx';

afterEach(cleanup);

const d = (type: string, label: string, category: NodeDescriptor['category']): NodeDescriptor => ({ type, label, category, description: '', version: 1, fields: [], ports: [], dynamicPorts: false, waits: false });
const descriptors = new Map([d('trigger.event', 'Event', 'trigger'), d('split.ab', 'A/B split', 'flow'), d('action.email', 'Send email', 'action')].map((x) => [x.type, x]));
const n = (id: string, type: string): JNode => ({ id, type: 'journey', position: { x: 0, y: 0 }, data: { type, config: {} } });
const nodes = [n('mail-b', 'action.email'), n('ab', 'split.ab'), n('start', 'trigger.event'), { ...n('mail-a', 'action.email'), data: { type: 'action.email', name: 'Day 1: welcome', config: {} } }];
const edges: JEdge[] = [
  { id: '1', source: 'start', sourceHandle: 'next', target: 'ab' },
  { id: '2', source: 'ab', sourceHandle: 'a', target: 'mail-a' },
  { id: '3', source: 'ab', sourceHandle: 'b', target: 'mail-b' },
];

describe('Performance', () => {
  it('orders the funnel the way customers travel', () => {
    expect(flowOrder(nodes, edges, descriptors).map((x) => x.id)).toEqual(['start', 'ab', 'mail-a', 'mail-b']);
  });

  it('shows totals, a funnel (named steps by their names) ending in conversions and the A/B comparison', () => {
    const counts = {
      start: { entered: 2000, waiting: 0, ports: { next: 2000 } },
      ab: { entered: 2000, waiting: 0, ports: { a: 1000, b: 1000 } },
      'mail-a': { entered: 1000, waiting: 12, ports: {} },
      'mail-b': { entered: 1000, waiting: 3, ports: {} },
    };
    const ab = {
      ab: [
        { variant: 'a', isControl: true, runs: 1000, conversions: 100, rate: 0.1, lift: null, ci95: null, z: null, p: null, probBeatControl: null },
        { variant: 'b', isControl: false, runs: 1000, conversions: 130, rate: 0.13, lift: 0.3, ci95: [0.002, 0.058] as [number, number], z: 2.1, p: 0.035, probBeatControl: 0.982 },
      ],
    };
    render(<Performance nodes={nodes} edges={edges} descriptors={descriptors} counts={counts} converted={230} ab={ab} source="live" />);
    expect(screen.getByText('Live performance')).toBeTruthy();
    const funnel = screen.getByRole('list', { name: 'Funnel' });
    expect([...funnel.querySelectorAll('.funnel-label')].map((l) => l.textContent)).toEqual(['Event2,000 · 100%', 'A/B split2,000 · 100%', 'Day 1: welcome1,000 · 50%', 'Send email1,000 · 50%', 'Converted230 · 12%']);
    expect(screen.getByText('15').closest('.kpi')!.textContent).toContain('waiting now');
    const rows = [...screen.getByRole('table', { name: 'Experiment results' }).querySelectorAll('tbody tr')].map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent));
    expect(rows[1]).toEqual(['b1,000 customers', '13.0%130', '–', '+30.0%0.2% … 5.8%P(beat) 98%']);
  });

  it('with a holdout, shows the held-out customers and reads conversion over the treated ones', () => {
    const counts = { start: { entered: 1000, waiting: 0, ports: { next: 800 } } };
    render(<Performance nodes={[n('start', 'trigger.event')]} edges={[]} descriptors={descriptors} counts={counts} converted={80} ab={{}} source="live" heldOut={200} />);
    expect(screen.getByText('held out').closest('.kpi')!.textContent).toBe('200held out');
    expect(screen.getByText('80').closest('.kpi')!.textContent).toBe('80converted · 10.0% of treated');
  });

  it('explains where numbers come from before there are any', () => {
    render(<Performance nodes={nodes} edges={edges} descriptors={descriptors} counts={null} converted={0} ab={{}} source={null} />);
    expect(screen.getByText(/Publish the journey to see live numbers/)).toBeTruthy();
  });
});
