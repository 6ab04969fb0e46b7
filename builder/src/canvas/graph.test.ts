import { describe, expect, it } from 'vitest';
import type { NodeDescriptor } from '../types.ts';
import { autoLayout, cloneSubgraph, defaultConfig, docToFlow, flowToDoc, initialViewport, needsLayout, nextNodeId, NODE_WIDTH, nodeTitle, problemText, summarize, WRAP_WIDTH } from './graph.ts';

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
  it('shows the start of a long journey at a readable zoom (0.8), its left edge at the padding', () => {
    const v = initialViewport({ x: 100, y: 0, width: 4000, height: 300 }, 800, 600);
    expect(v.zoom).toBe(0.8);
    expect(v.x).toBe(32 - 100 * 0.8);
  });
  it('shows the top of a tall journey, not its middle, when it does not fit readably', () => {
    const v = initialViewport({ x: 0, y: 40, width: 600, height: 3000 }, 800, 600);
    expect(v).toEqual({ x: 32, y: 32 - 40 * 0.8, zoom: 0.8 });
  });
});

describe('layout for the first view', () => {
  const chain = (n: number) => {
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, type: 'wait.delay', config: {} }));
    const edges = nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: `s${i}`, sourceHandle: 'next', target: t.id }));
    return docToFlow({ nodes, edges }, { id: 'j', name: '' });
  };

  it('wraps a long series into rows read like text, each at most WRAP_WIDTH wide', () => {
    const { nodes, edges } = chain(11);
    const laid = autoLayout(nodes, edges);
    const at = new Map(laid.map((n) => [n.id, n.position]));
    const rows = [...new Set(laid.map((n) => n.position.y))].sort((a, b) => a - b);
    expect(rows).toHaveLength(4);
    for (const y of rows) {
      const xs = laid.filter((n) => n.position.y === y).map((n) => n.position.x);
      expect(Math.max(...xs) + NODE_WIDTH - Math.min(...xs)).toBeLessThanOrEqual(WRAP_WIDTH);
    }
    // Reading order: left to right within a row, the next row starts again at the left, below.
    expect(at.get('s1')!.x).toBeGreaterThan(at.get('s0')!.x);
    expect(at.get('s3')).toEqual({ x: at.get('s0')!.x, y: rows[1] });
    expect(needsLayout(laid, edges)).toBe(false);
  });

  it('keeps the branches of a split side by side, cutting rows only where the journey runs through one step', () => {
    const ids = ['trigger', 'split', 'a1', 'a2', 'a3', 'b1', 'b2', 'b3'];
    const links = [['trigger', 'split'], ['split', 'a1'], ['a1', 'a2'], ['a2', 'a3'], ['split', 'b1'], ['b1', 'b2'], ['b2', 'b3']];
    const { nodes, edges } = docToFlow({ nodes: ids.map((id) => ({ id, type: 'wait.delay', config: {} })), edges: links.map(([source, target], i) => ({ id: `e${i}`, source, sourceHandle: 'next', target })) }, { id: 'j', name: '' });
    const at = new Map(autoLayout(nodes, edges).map((n) => [n.id, n.position]));
    for (const branch of ['a', 'b']) {
      expect(at.get(`${branch}2`)!.x).toBeGreaterThan(at.get(`${branch}1`)!.x);
      expect(at.get(`${branch}3`)!.x).toBeGreaterThan(at.get(`${branch}2`)!.x);
    }
    expect(at.get('a3')!.x).toBe(at.get('b3')!.x);
  });

  it('opens an 11-step series whole at a readable zoom in the canvas of a 1440×900 screen', () => {
    const { nodes, edges } = chain(11);
    const laid = autoLayout(nodes, edges);
    const bounds = { x: Math.min(...laid.map((n) => n.position.x)), y: Math.min(...laid.map((n) => n.position.y)), width: 0, height: 0 };
    bounds.width = Math.max(...laid.map((n) => n.position.x + NODE_WIDTH)) - bounds.x;
    bounds.height = Math.max(...laid.map((n) => n.position.y + 124)) - bounds.y;
    // 1440 − palette 240 − side panel 340 = 860 px wide; 900 − the editor bar ≈ 847 px high.
    const v = initialViewport(bounds, 860, 847);
    expect(v.zoom).toBeGreaterThanOrEqual(0.8);
    expect(v.x + bounds.x * v.zoom).toBeGreaterThanOrEqual(0);
    expect(v.x + (bounds.x + bounds.width) * v.zoom).toBeLessThanOrEqual(860);
  });
});
