// @vitest-environment happy-dom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import type { NodeDescriptor } from '../types.ts';
import { CanvasContext, type CanvasInfo } from './context.ts';
import type { JNode } from './graph.ts';
import { nodeTypes } from './JourneyNode.tsx';

afterEach(cleanup);
beforeAll(() => {
  // React Flow measures nodes; happy-dom has no layout, so give it a size to work with.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

const split: NodeDescriptor = {
  type: 'split.ab',
  version: 1,
  label: 'A/B split',
  category: 'flow',
  description: 'Splits.',
  fields: [{ key: 'variants', label: 'Variants', kind: 'json', required: true, default: [] }],
  ports: ['a', 'b'],
  dynamicPorts: true,
  waits: false,
};
const trigger: NodeDescriptor = { ...split, type: 'trigger.event', label: 'Event', category: 'trigger', fields: [{ key: 'event', label: 'Event', kind: 'text', required: true }], ports: ['next'], dynamicPorts: false };

function show(nodes: JNode[], info: Partial<CanvasInfo>) {
  const value: CanvasInfo = { descriptors: new Map([split, trigger].map((d) => [d.type, d])), ports: {}, problems: new Map(), counts: null, countsLabel: null, trace: null, ...info };
  return render(
    <div style={{ width: 1000, height: 600 }}>
      <CanvasContext.Provider value={value}>
        <ReactFlowProvider>
          <ReactFlow nodes={nodes} edges={[]} nodeTypes={nodeTypes} />
        </ReactFlowProvider>
      </CanvasContext.Provider>
    </div>,
  );
}

const node = (id: string, type: string, config: Record<string, unknown> = {}): JNode => ({ id, type: 'journey', position: { x: 0, y: 0 }, data: { type, config } });

describe('JourneyNode', () => {
  it('draws one output handle per port the server computed for the config', () => {
    const { container } = show([node('ab', 'split.ab', { variants: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] })], { ports: { ab: ['a', 'b', 'c', 'holdout'] } });
    const handles = [...container.querySelectorAll('.react-flow__handle.source')].map((h) => h.getAttribute('data-handleid'));
    expect(handles).toEqual(['a', 'b', 'c', 'holdout']);
    expect(container.querySelectorAll('.react-flow__handle.target')).toHaveLength(1);
    expect(container.querySelector('.jnode-summary')!.textContent).toBe('a / b / c');
  });

  it('falls back to the descriptor ports and gives triggers no input', () => {
    const { container } = show([node('t', 'trigger.event', { event: 'purchase' })], {});
    expect([...container.querySelectorAll('.react-flow__handle.source')].map((h) => h.getAttribute('data-handleid'))).toEqual(['next']);
    expect(container.querySelectorAll('.react-flow__handle.target')).toHaveLength(0);
    expect(container.querySelector('.jnode-title')!.textContent).toBe('Event');
  });

  it('shows the name a marketer gave instead of the type title, and an effect node\'s message numbers with a warning badge', () => {
    const named: JNode = { ...node('t', 'trigger.event', { event: 'signup' }), data: { type: 'trigger.event', name: 'Day 3: how-to', config: { event: 'signup' } } };
    const m = { nodeId: 't', kinds: ['email'], queued: 0, sent: 120, skipped: 137, skippedBy: { 'frequency cap': 137 }, failed: 0, topErrors: [], unknown: 0, opened: 40, clicked: 9, unsubscribed: 0, recipients: 120, conversions: 2, revenue: 99, openRate: 1 / 3, clickRate: 0.225, conversionRate: 0.22, revenuePerRecipient: 0.825, daily: [] };
    const { container } = show([named], { messages: { t: m } });
    expect(container.querySelector('.jnode-title')!.textContent).toBe('Day 3: how-to');
    expect(container.querySelector('[data-testid="node-messages"]')!.textContent).toBe('120 sent40 opened9 clicked0 failed⚠ 137');
    expect(container.querySelector('.jnode-warn')!.getAttribute('aria-label')).toBe('Needs a look: 137 skipped: frequency cap');
  });

  it('shows problems, live numbers per port and the traced path', () => {
    const { container } = show([node('t', 'trigger.event'), node('ab', 'split.ab')], {
      problems: new Map([['t', [{ nodeId: 't', field: 'event', message: 'node "t" (trigger.event): Event is required' }]]]),
      counts: { ab: { entered: 1200, waiting: 3, ports: { a: 590, b: 610 } } },
      countsLabel: 'live',
      trace: { nodes: new Set(['t']), current: null },
    });
    const t = container.querySelector('[data-node-id="t"]')!;
    expect(t.classList.contains('invalid')).toBe(true);
    expect(t.querySelector('.jnode-problems')!.textContent).toBe('1');
    expect(t.getAttribute('title')).toBe('Event is required');
    expect(t.classList.contains('traced')).toBe(true);
    const ab = container.querySelector('[data-node-id="ab"]')!;
    expect(ab.classList.contains('dimmed')).toBe(true);
    expect(ab.querySelector('[data-testid="node-counts"]')!.textContent).toContain('1,200 entered');
    expect([...ab.querySelectorAll('.port-count')].map((e) => e.textContent)).toEqual(['590', '610']);
  });
});
