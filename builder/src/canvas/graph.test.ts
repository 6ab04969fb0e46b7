import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../types.ts';
import { autoLayout, cloneSubgraph, defaultConfig, docToFlow, flowToDoc, initialViewport, needsLayout, nextNodeId, nodeTitle, problemText, summarize } from './graph.ts';

const delay: NodeDescriptor = {
  type: 'wait.delay',
  version: 1,
  label: 'Wait',
  category: 'timing',
  description: 'Waits.',
  fields: [
    { key: 'duration', label: 'Duration', kind: 'duration', required: true, default: '1d' },
    { key: 'calendar', label: 'Keep the local time of day', kind: 'boolean', default: true },
  ],
  ports: ['next'],
  dynamicPorts: false,
  waits: true,
};
const cond: NodeDescriptor = {
  type: 'condition.attribute',
  version: 1,
  label: 'Attribute',
  category: 'condition',
  description: 'Checks.',
  fields: [
    { key: 'attribute', label: 'Attribute', kind: 'text', required: true },
    { key: 'op', label: 'Operator', kind: 'select', required: true, options: [{ value: 'eq', label: 'equals' }] },
    { key: 'value', label: 'Value', kind: 'text' },
    { key: 'negate', label: 'Negate', kind: 'boolean', default: false },
  ],
  ports: ['yes', 'no'],
  dynamicPorts: false,
  waits: false,
};

const doc = {
  id: 'j1',
  name: 'After purchase',
  settings: { reentry: 'once', exitOn: [] },
  nodes: [
    { id: 'trigger', type: 'trigger.event', config: { event: 'purchase' }, position: { x: 0, y: 0 } },
    { id: 'wait', type: 'wait.delay', config: { duration: '3d' }, position: { x: 300, y: 10 } },
  ],
  edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'wait' }],
};

describe('journey document ⇄ canvas', () => {
  it('round-trips the document the server stores', () => {
    const { meta, nodes, edges } = docToFlow(doc, { id: 'x', name: 'x' });
    expect(flowToDoc(meta, nodes, edges)).toEqual(doc);
  });

  it('keeps the version of each node type the journey was built with, so publishing can migrate it', () => {
    const doc = { id: 'v', name: 'V', settings: { reentry: 'once' }, nodes: [{ id: 'a', type: 'action.sms', typeVersion: 2, config: {}, position: { x: 0, y: 0 } }], edges: [] };
    const { meta, nodes, edges } = docToFlow(doc, { id: 'v', name: 'V' });
    expect(flowToDoc(meta, nodes, edges).nodes[0]).toMatchObject({ typeVersion: 2 });
  });

  it('starts an empty draft from the journey record', () => {
    const { meta, nodes } = docToFlow(null, { id: 'new', name: 'New' });
    expect(meta).toMatchObject({ id: 'new', name: 'New' });
    expect(nodes).toEqual([]);
  });
});

describe('node names', () => {
  it('keeps a node name through the canvas, trimmed, and drops an empty one', () => {
    const doc = { id: 'n', name: 'N', settings: {}, nodes: [{ id: 'a', type: 'action.email', name: 'Day 3: how-to', config: {}, position: { x: 0, y: 0 } }], edges: [] };
    const { meta, nodes, edges } = docToFlow(doc, { id: 'n', name: 'N' });
    expect(flowToDoc(meta, nodes, edges).nodes[0]!.name).toBe('Day 3: how-to');
    const renamed = nodes.map((n) => ({ ...n, data: { ...n.data, name: '  Day 1 ' } }));
    expect(flowToDoc(meta, renamed, edges).nodes[0]!.name).toBe('Day 1');
    expect(flowToDoc(meta, nodes.map((n) => ({ ...n, data: { ...n.data, name: '  ' } })), edges).nodes[0]).not.toHaveProperty('name');
  });

  it('titles a node by its name, else its type title, else its type', () => {
    const d = { label: 'Send email' } as NodeDescriptor;
    expect(nodeTitle({ type: 'action.email', name: 'Day 3: how-to' }, d)).toBe('Day 3: how-to');
    expect(nodeTitle({ type: 'action.email', name: ' ' }, d)).toBe('Send email');
    expect(nodeTitle({ type: 'x.unknown' }, undefined)).toBe('x.unknown');
  });
});

describe('node helpers', () => {
  it('gives readable unique ids', () => {
    expect(nextNodeId('wait.delay', ['wait-delay-1', 'wait-delay-2'])).toBe('wait-delay-3');
    expect(nextNodeId('action.email', [])).toBe('action-email-1');
  });

  it('summarises set values, required fields first, with option labels', () => {
    expect(summarize(cond, { attribute: 'plan', op: 'eq', value: 'pro' })).toBe('plan · equals · pro');
    expect(summarize(delay, {})).toBe('1d');
    // A switch at its default is not news; turned away from it, it is.
    expect(summarize(delay, { duration: '2d', calendar: true })).toBe('2d');
    expect(summarize(delay, { duration: '2d', calendar: false })).toBe('2d · Keep the local time of day: off');
    expect(summarize(undefined, {})).toBe('');
  });

  it('fills defaults without sharing objects', () => {
    const fields = [{ key: 'v', label: 'V', kind: 'json' as const, default: [{ name: 'a' }] }];
    const a = defaultConfig(fields);
    (a.v as { name: string }[])[0]!.name = 'changed';
    expect(defaultConfig(fields)).toEqual({ v: [{ name: 'a' }] });
  });

  it('strips the node prefix from validator messages', () => {
    expect(problemText('node "wait" (wait.delay): Duration is required')).toBe('Duration is required');
    expect(problemText('the journey has no trigger')).toBe('the journey has no trigger');
  });

  it('pastes copies with fresh ids and only the edges among the copied nodes', () => {
    const { nodes, edges } = docToFlow(doc, { id: 'j1', name: '' });
    const out = cloneSubgraph(nodes, [...edges, { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'elsewhere' }], ['trigger', 'wait'], { x: 10, y: 10 });
    expect(out.nodes.map((n) => n.id)).toEqual(['trigger-event-1', 'wait-delay-1']);
    expect(out.nodes[1]!.position).toEqual({ x: 310, y: 20 });
    expect(out.edges).toEqual([{ id: 'e-trigger-event-1-next-wait-delay-1', source: 'trigger-event-1', sourceHandle: 'next', target: 'wait-delay-1' }]);
  });

  it('lays the graph out left to right', () => {
    const { nodes, edges } = docToFlow({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) }, { id: 'j1', name: '' });
    const laid = autoLayout(nodes, edges);
    expect(laid[1]!.position.x).toBeGreaterThan(laid[0]!.position.x + 200);
  });
});

describe('layout check on open', () => {
  it('re-lays documents drawn top to bottom or overlapping, keeps left-to-right ones', () => {
    const vertical = docToFlow({ ...doc, nodes: doc.nodes.map((n, i) => ({ ...n, position: { x: 0, y: i * 140 } })) }, { id: 'j', name: '' });
    expect(needsLayout(vertical.nodes, vertical.edges)).toBe(true);
    const stacked = docToFlow({ ...doc, edges: [], nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) }, { id: 'j', name: '' });
    expect(needsLayout(stacked.nodes, stacked.edges)).toBe(true);
    const ok = docToFlow(doc, { id: 'j', name: '' });
    expect(needsLayout(ok.nodes, ok.edges)).toBe(false);
  });
});

describe('initial viewport', () => {
  it('fits a small journey and centres it', () => {
    const v = initialViewport({ x: 0, y: 0, width: 600, height: 200 }, 800, 600);
    expect(v.zoom).toBe(1);
    expect(v.x).toBe(100);
  });
  it('shows the start of a long journey at a readable zoom', () => {
    const v = initialViewport({ x: 100, y: 0, width: 4000, height: 300 }, 800, 600);
    expect(v.zoom).toBe(0.5);
    expect(v.x).toBe(48 - 50);
  });
});
