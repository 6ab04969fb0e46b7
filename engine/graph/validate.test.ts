import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/index.ts';
import { validateJourney } from './validate.ts';

const registry = builtinRegistry();

const good = {
  id: 'welcome',
  name: 'Welcome',
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'w', type: 'wait.delay', config: { duration: '1d' } },
    { id: 'x', type: 'flow.exit', config: {} },
  ],
  edges: [
    { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
    { id: 'e2', source: 'w', sourceHandle: 'next', target: 'x' },
  ],
};

describe('validateJourney', () => {
  it('accepts a valid journey and reports its ports', () => {
    const v = validateJourney(good, registry);
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.ports.w).toEqual(['next']);
  });

  it('reports every problem at once, each naming node and field', () => {
    const bad = {
      id: 'bad',
      name: 'Bad',
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: 'signup', colour: 'red' } },
        { id: 'w', type: 'wait.delay', config: { duration: 'three days' } },
        { id: 'u', type: 'sms.send', config: {} },
        { id: 'c', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq' } },
        { id: 'lonely', type: 'flow.exit', config: {} },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'w' },
        { id: 'e2', source: 'w', sourceHandle: 'done', target: 'c' },
        { id: 'e3', source: 'c', sourceHandle: 'yes', target: 'ghost' },
      ],
    };
    const v = validateJourney(bad, registry);
    expect(v.ok).toBe(false);
    const find = (pred: (p: (typeof v.problems)[number]) => boolean) => v.problems.find(pred);
    expect(find((p) => p.nodeId === 't' && p.field === 'colour')?.message).toMatch(/unknown setting "colour"/);
    expect(find((p) => p.nodeId === 'w' && p.field === 'duration')?.message).toMatch(/duration/);
    expect(find((p) => p.nodeId === 'u' && p.field === 'type')?.message).toMatch(/unknown node type "sms.send"/);
    expect(find((p) => p.nodeId === 'c' && p.field === 'value')?.message).toMatch(/Value is required/);
    expect(find((p) => p.edgeId === 'e2' && p.field === 'sourceHandle')?.message).toMatch(/no port "done"; its ports are: next/);
    expect(find((p) => p.edgeId === 'e3' && p.field === 'target')?.message).toMatch(/"ghost" does not exist/);
    expect(find((p) => p.nodeId === 'lonely')?.message).toMatch(/unreachable/);
  });

  it('requires a trigger', () => {
    const v = validateJourney({ id: 'x', name: 'X', nodes: [{ id: 'x', type: 'flow.exit' }], edges: [] }, registry);
    expect(v.problems.map((p) => p.message)).toContain('the journey has no trigger; add a trigger node (e.g. trigger.event) so customers can enter');
  });

  it('rejects a loop without a wait but accepts one with a wait', () => {
    const loop = (withWait: boolean) => ({
      id: 'loop',
      name: 'Loop',
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: 'e' } },
        { id: 'a', type: 'condition.attribute', config: { attribute: 'x', op: 'exists' } },
        { id: 'b', type: withWait ? 'wait.delay' : 'condition.attribute', config: withWait ? { duration: '1d' } : { attribute: 'y', op: 'exists' } },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'a' },
        { id: 'e2', source: 'a', sourceHandle: 'yes', target: 'b' },
        { id: 'e3', source: 'b', sourceHandle: withWait ? 'next' : 'yes', target: 'a' },
      ],
    });
    expect(validateJourney(loop(false), registry).problems.some((p) => /loop with no wait/.test(p.message))).toBe(true);
    expect(validateJourney(loop(true), registry).ok).toBe(true);
  });

  it('keeps a node name a marketer gave, and names an overlong one as the problem', () => {
    const named = { ...good, nodes: good.nodes.map((n) => (n.id === 'w' ? { ...n, name: '  Day 3: how-to ' } : n)) };
    const v = validateJourney(named, registry);
    expect(v.problems).toEqual([]);
    expect(v.graph?.nodes.find((n) => n.id === 'w')?.name).toBe('Day 3: how-to');
    const long = validateJourney({ ...good, nodes: good.nodes.map((n) => (n.id === 'w' ? { ...n, name: 'x'.repeat(81) } : n)) }, registry);
    expect(long.problems).toEqual([expect.objectContaining({ nodeId: 'w', field: 'nodes.1.name', message: expect.stringContaining('80 characters') })]);
  });

  it('names document-level shape errors by path', () => {
    const v = validateJourney({ id: 'has space', name: '', nodes: [{ id: 'n1' }] }, registry);
    expect(v.ok).toBe(false);
    const fields = v.problems.map((p) => p.field);
    expect(fields).toContain('id');
    expect(fields).toContain('nodes.0.type');
    expect(v.problems.find((p) => p.field === 'nodes.0.type')?.nodeId).toBe('n1');
  });

  it('requires a duration for re-entry "after"', () => {
    const v = validateJourney({ ...good, settings: { reentry: 'after' } }, registry);
    expect(v.problems.map((p) => p.field)).toContain('settings.reentryAfter');
  });

  it('reports every settings problem together with the nodes\' problems', () => {
    const doc = {
      ...good,
      settings: { reentry: 'after', goal: { event: 'purchase', within: 'a week' }, exitOn: [{ event: '' }] },
      nodes: good.nodes.map((n) => (n.id === 'w' ? { ...n, config: { duration: 'three days' } } : n)),
    };
    const v = validateJourney(doc, registry);
    expect(v.ok).toBe(false);
    expect(v.problems.map((p) => [p.nodeId ?? null, p.field])).toEqual([
      [null, 'settings.goal.within'],
      [null, 'settings.exitOn.0.event'],
      [null, 'settings.reentryAfter'],
      ['w', 'duration'],
    ]);
  });

  it('warns of an exit event named like unsubscribing that nothing records', () => {
    const v = validateJourney({ ...good, settings: { exitOn: [{ event: 'email_unsubscribed' }, { event: 'unsubscribe' }] } }, registry);
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([{ field: 'settings.exitOn.1.event', message: 'settings.exitOn.1.event: nothing records "unsubscribe"; the unsubscribe link records "email_unsubscribed": use that name' }]);
  });

  it('refuses two edges from one port', () => {
    const v = validateJourney({ ...good, edges: [...good.edges, { id: 'e3', source: 't', sourceHandle: 'next', target: 'x' }] }, registry);
    expect(v.problems.find((p) => p.edgeId === 'e3')?.message).toMatch(/already has an edge/);
  });
});

describe('validateJourney with a node id used twice', () => {
  it('says "duplicate node id" and blames no port of the other node', () => {
    const doc = {
      id: 'j',
      name: 'J',
      nodes: [
        { id: 't', type: 'trigger.event', config: { event: 'signup' } },
        { id: 'c', type: 'condition.attribute', config: { attribute: 'plan', op: 'eq', value: 'pro' } },
        { id: 'c', type: 'flow.exit', config: {} },
        { id: 'x', type: 'flow.exit', config: {} },
      ],
      edges: [
        { id: 'e1', source: 't', sourceHandle: 'next', target: 'c' },
        { id: 'e2', source: 'c', sourceHandle: 'yes', target: 'x' },
        { id: 'e3', source: 'c', sourceHandle: 'no', target: 'x' },
      ],
    };
    const v = validateJourney(doc, registry);
    expect(v.problems).toEqual([{ nodeId: 'c', field: 'id', message: 'duplicate node id "c": 2 nodes use it; give each node its own id' }]);
  });
});
